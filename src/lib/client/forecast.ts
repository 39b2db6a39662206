import type { RollupRow } from './api-types';
import { lastDays } from '../days';

/** Tokens used per day over `days` (days without use count as 0). */
export function dailyTotals(rows: RollupRow[], days: string[]): number[] {
	const byDay = new Map<string, number>();
	for (const r of rows) byDay.set(r.bucket, (byDay.get(r.bucket) ?? 0) + r.tokens);
	return days.map((d) => byDay.get(d) ?? 0);
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

export type Granularity = 'day' | 'week' | 'month';

/** The buckets a report shows, oldest first: 30 days, 12 weeks (Mondays) or 12 months (1st). */
export function reportBuckets(granularity: Granularity, now = new Date()): string[] {
	if (granularity === 'day') return lastDays(30, now);
	if (granularity === 'week') {
		const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
		const monday = today - ((now.getUTCDay() + 6) % 7) * 86_400_000;
		return Array.from({ length: 12 }, (_, i) => new Date(monday - (11 - i) * 7 * 86_400_000).toISOString().slice(0, 10));
	}
	return Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 11 + i, 1)).toISOString().slice(0, 10));
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
