import { sql } from 'drizzle-orm';
import type { Db } from '../db';
import { DomainError } from '../errors';
import { counted } from '../../counted';
import { plainFormatter } from '../../refusal-message';

/**
 * Counts one attempt against `key` in a fixed window of `windowSeconds`, and refuses with
 * `rate_limited` (and the seconds until the window ends) beyond `limit` attempts.
 * One upsert statement, so every app process sharing the database shares the count.
 */
export async function rateLimit(db: Db, key: string, limit: number, windowSeconds: number): Promise<void> {
	if (windowSeconds > LONGEST_WINDOW_SECONDS) throw new Error(`rate limit windows end within ${LONGEST_WINDOW_SECONDS} s (forgetEndedRateLimits)`);
	const [row] = await db.rows<{ count: number; retry_after: number }>(sql`
		insert into rate_limits as r (key, window_start, count)
		values (${key}, now(), 1)
		on conflict (key) do update set
			window_start = case when r.window_start <= now() - make_interval(secs => ${windowSeconds}) then now() else r.window_start end,
			count = case when r.window_start <= now() - make_interval(secs => ${windowSeconds}) then 1 else r.count + 1 end
		returning count,
			ceil(extract(epoch from (window_start + make_interval(secs => ${windowSeconds}) - now())))::int as retry_after`);
	if (!row) throw new Error('rate limit upsert returned no row');
	if (Number(row.count) > limit) {
		const retryAfter = Math.max(1, Number(row.retry_after));
		throw new DomainError('rate_limited', `Too many attempts. Try again in ${describeWait(retryAfter)}.`, undefined, retryAfter);
	}
}

/**
 * Gives back one attempt counted by `rateLimit` under `key` (an attempt that turned out to be
 * legitimate, such as a successful sign-in), so that only the failures use up the limit. Counting
 * first and giving back after keeps the limit exact while attempts run concurrently.
 */
export async function rateLimitGiveBack(db: Db, key: string): Promise<void> {
	await db.rows(sql`update rate_limits set count = greatest(count - 1, 0) where key = ${key}`);
}

/** How long a refused attempt waits, in words: "1 second", "75 seconds", "1,440 minutes". */
export function describeWait(seconds: number): string {
	const n = (count: number, noun: string) => counted(count, noun, plainFormatter.tokens);
	return seconds < 90 ? n(seconds, 'second') : n(Math.ceil(seconds / 60), 'minute');
}

/** The longest window any limit uses (seconds); a counter older than this has ended. */
const LONGEST_WINDOW_SECONDS = 86_400;

/**
 * Deletes ended counters. Their keys come from what callers type (e-mail addresses, IPs), so
 * without this the table grows with every address ever tried. Returns how many were deleted.
 * The schedule runs it every 10 minutes (`accounts.rate-limit-sweep`).
 */
export async function forgetEndedRateLimits(db: Db): Promise<number> {
	const rows = await db.rows<{ key: string }>(sql`
		delete from rate_limits where window_start < now() - make_interval(secs => ${LONGEST_WINDOW_SECONDS}) returning key`);
	return rows.length;
}
