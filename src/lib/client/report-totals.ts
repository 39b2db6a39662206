// The reports page's rankings (kept out of forecast.ts, which the dashboard's start loads).
import type { RollupRow } from './api-types';

/** Totals per key (feature, model or member) over the whole range, biggest first. */
export function totalsByKey(rows: RollupRow[]): { key: string; label: string; tokens: number; operations: number }[] {
	const map = new Map<string, { key: string; label: string; tokens: number; operations: number }>();
	for (const r of rows) {
		const t = map.get(r.key) ?? { key: r.key, label: r.label, tokens: 0, operations: 0 };
		t.tokens += r.tokens;
		t.operations += r.operations;
		map.set(r.key, t);
	}
	return [...map.values()].sort((a, b) => b.tokens - a.tokens);
}
