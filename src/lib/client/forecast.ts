import type { Rollup, RollupRow } from './api-types';

/** Tokens used in each window of a rollup, oldest first (a window without use counts 0). */
export function totalsPerWindow(rollup: Rollup): { bucket: string; tokens: number }[] {
	const sums = new Map<string, number>();
	for (const r of rollup.rows) sums.set(r.bucket, (sums.get(r.bucket) ?? 0) + r.tokens);
	return rollup.buckets.map((bucket) => ({ bucket, tokens: sums.get(bucket) ?? 0 }));
}

/** "At this pace your tokens last about 6 days": available ÷ average daily use. */
export function forecastDays(available: number, daily: number[]): number | null {
	const average = daily.reduce((a, b) => a + b, 0) / Math.max(1, daily.length);
	if (average <= 0) return null;
	return available / average;
}

/** The dashboard's pace line; `everGranted` false: the account never had tokens, so none are "left" either. */
export function forecastText(available: number, unlimited: boolean, daily: number[], everGranted: boolean): string {
	if (unlimited) return 'Unlimited tokens: no need to count.';
	if (available <= 0) return everGranted ? 'No tokens left at the moment.' : 'No tokens yet.';
	const days = forecastDays(available, daily);
	if (days === null) return `No use in the last ${daily.length} days.`;
	if (days < 1) return 'At this pace your tokens run out today.';
	if (days > 365) return 'At this pace your tokens last more than a year.';
	const n = Math.round(days);
	return `At this pace your tokens last about ${n} ${n === 1 ? 'day' : 'days'}.`;
}

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
