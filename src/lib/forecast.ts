// The dashboard's forecast and the windows' totals behind it and the reports' chart. The pace line is
// worded by the server, with the dashboard's answer (trpc/routers/ledger.ts), as the cap line is: the
// dashboard's start JavaScript has no room for it.
import { counted } from './counted';

/** Tokens used in each window of a rollup, oldest first (a window without use counts 0). */
export function totalsPerWindow<Row extends { bucket: string; tokens: number }>(rollup: { buckets: string[]; rows: Row[] }): { bucket: string; tokens: number }[] {
	const sums = new Map<string, number>();
	for (const r of rollup.rows) sums.set(r.bucket, (sums.get(r.bucket) ?? 0) + r.tokens);
	return rollup.buckets.map((bucket) => ({ bucket, tokens: sums.get(bucket) ?? 0 }));
}

/**
 * Hours until `available` tokens are used up at the account's usual pace: `hourly` is its baseline
 * for each of the next 24 hours (tokens per hour, the hour starting now first; the same baseline as
 * the anomaly flags, ledger/use-pace.ts), repeated day after day. Null when it uses nothing.
 */
export function forecastHours(available: number, hourly: number[]): number | null {
	const day = hourly.reduce((a, b) => a + b, 0);
	if (day <= 0) return null;
	// Whole days first; the last (partial or full) day is walked hour by hour: `left` is in (0, day].
	const days = Math.ceil(available / day) - 1;
	let left = available - days * day;
	let hours = days * 24;
	for (const use of hourly) {
		if (use >= left) return hours + left / use;
		left -= use;
		hours += 1;
	}
	return hours;
}

/**
 * The dashboard's pace line: "At this pace your tokens last about 6 days" (or hours), from the
 * same-hour baseline of the last 7 days; `everGranted` false: the account never had tokens, so none are "left" either.
 * `daily`: tokens used per site day, today last (the sparkline's). The baseline reads whole clock
 * hours before this one, the days reach now: an empty baseline with use yesterday or today means
 * every token of the last 7 days went this hour, which is no "no use". `balance`: the tokens in lots;
 * with none, what is available is free allowances, which renew: nothing to forecast. `freePerDay`:
 * tokens a usual day's free allowances paid (server: freeUsePerDayRead); they renew, so only the rest
 * of the pace draws on the balance, and the forecast is of the balance at that rest (nothing runs
 * out when they pay it all). `lotsPerDay`: tokens a day the lots paid over the last 7 days up to now
 * (server: lotUsePerDayRead): once an allowance is used up, its use draws on the balance though a
 * usual day's allowances paid it all, so the balance is drawn at no less than that. `whose`: the tokens' owner as the reader sees it, "your" for their own
 * account, "the pool's" for a team pool (its pace is every member's).
 */
export function forecastText(available: number, unlimited: boolean, hourly: number[], everGranted: boolean, daily: number[], balance: number, freePerDay = 0, lotsPerDay = 0, whose: 'your' | "the pool's" = 'your'): string {
	if (unlimited) return 'Unlimited tokens: no need to count.';
	if (available <= 0) return everGranted ? 'No tokens left at the moment.' : 'No tokens yet.';
	const day = hourly.reduce((a, b) => a + b, 0);
	if (day <= 0) return daily.slice(-2).some(Boolean) ? `Too early to forecast: ${whose} first use in 7 days came this hour.` : 'No use in the last 7 days.';
	const drawn = Math.max(day - freePerDay, lotsPerDay);
	if (balance <= 0 || drawn <= 0) return `${whose[0]!.toUpperCase()}${whose.slice(1)} free allowances renew on their own, so nothing runs out.`;
	const hours = forecastHours(balance, hourly.map((h) => (h * drawn) / day))!;
	if (hours < 1) return `At this pace ${whose} tokens run out within the hour.`;
	if (hours < 36) {
		const n = Math.round(hours);
		return `At this pace ${whose} tokens last about ${counted(n, 'hour')}.`;
	}
	const days = Math.round(hours / 24);
	if (days > 365) return `At this pace ${whose} tokens last more than a year.`;
	return `At this pace ${whose} tokens last about ${counted(days, 'day')}.`;
}
