import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db';
import type { Executor } from '../../db/client';
import { pushQuietHours } from '../../db/schema';
import { claimClientWrite } from '../../accounts';
import { parseInput } from '../../errors';
import { timeZoneSchema } from '../../accounts/validation';
import { requestHash } from '../../idempotency';

/** Quiet hours: no push from `from` (inclusive) to `to` (exclusive), "HH:MM" on the clock of `timeZone`; may span midnight. */
export interface QuietHours {
	from: string;
	to: string;
	timeZone: string;
}

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time like 22:00');
const quietSchema = z
	.object({ from: clock, to: clock, timeZone: timeZoneSchema })
	.refine((q) => q.from !== q.to, { message: 'must end at another time than it starts', path: ['to'] });

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** The minute of the day (0–1439) that `at` is on the clocks of `timeZone`. */
export function minuteOfDay(at: Date, timeZone: string): number {
	const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
	const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
	return get('hour') * 60 + get('minute');
}

/**
 * Whether `at` falls in the quiet hours, read on the wall clock of their zone (so they follow
 * daylight-saving changes: 22:00–07:00 stays 22:00–07:00 local). A span over midnight
 * (22:00–07:00) is quiet from its start to the end of the day and from midnight to its end.
 */
export function inQuietHours(q: QuietHours, at: Date): boolean {
	const m = minuteOfDay(at, q.timeZone);
	const [from, to] = [minutes(q.from), minutes(q.to)];
	return from < to ? m >= from && m < to : m >= from || m < to;
}

/**
 * When the quiet hours that `at` falls in end: the next time the clock of their zone reads `to`
 * (at its minute's start). Counted in minutes on today's offset, so on a night the clocks change
 * it can be an hour off; whoever acts then reads `inQuietHours` again (a push held back once more).
 */
export function quietHoursEnd(q: QuietHours, at: Date): Date {
	const left = (minutes(q.to) - minuteOfDay(at, q.timeZone) + 1440) % 1440 || 1440;
	const minuteStart = Math.floor(at.getTime() / 60_000) * 60_000;
	return new Date(minuteStart + left * 60_000);
}

/** Each user's quiet hours (users without them are absent). */
export async function quietHoursOf(exec: Executor, userIds: string[]): Promise<Map<string, QuietHours>> {
	if (!userIds.length) return new Map();
	const rows = await exec
		.select()
		.from(pushQuietHours)
		.where(sql`${pushQuietHours.userId} = any(${`{${userIds.join(',')}}`}::uuid[])`);
	return new Map(rows.map((r) => [r.userId, { from: hhmm(r.fromMinute), to: hhmm(r.toMinute), timeZone: r.timeZone }]));
}

/**
 * Sets (or with null, clears) the user's quiet hours, at most once per device-made key (a change
 * made offline may be sent twice; see accounts/settings.ts). The zone is the one the user sees
 * times in: their chosen zone, or the device's. Throws `invalid_input` for a malformed time or
 * an unknown zone, `idempotency_key_reused` for a key used for another change. Returns whether
 * this was a replay and the quiet hours as they are now.
 */
export async function setQuietHours(db: Db, userId: string, key: string, quiet: QuietHours | null): Promise<{ replayed: boolean; quietHours: QuietHours | null }> {
	const valid = quiet === null ? null : parseInput(quietSchema, quiet);
	const replayed = await db.orm.transaction(async (tx) => {
		if (await claimClientWrite(tx, userId, key, requestHash(['quiet-hours', userId, valid]))) return true;
		if (valid === null) {
			await tx.delete(pushQuietHours).where(eq(pushQuietHours.userId, userId));
			return false;
		}
		const values = { fromMinute: minutes(valid.from), toMinute: minutes(valid.to), timeZone: valid.timeZone, updatedAt: sql`now()` };
		await tx.insert(pushQuietHours).values({ userId, ...values }).onConflictDoUpdate({ target: pushQuietHours.userId, set: values });
		return false;
	});
	return { replayed, quietHours: (await quietHoursOf(db.orm, [userId])).get(userId) ?? null };
}
