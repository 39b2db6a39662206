import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { freshDb, backend } from '../helpers/db';
import type { Db } from '../../src/lib/server/db/client';

// Allowance periods reset at local midnight in the site's time zone: the boundaries come from
// quota_window_start/end in SQL (the same functions consume uses), checked here on awkward days.
let db: Db;
beforeAll(async () => {
	db = await freshDb();
});
afterAll(async () => db?.close());

async function window(period: string, tz: string, weekStart: number, now: string) {
	const [r] = await db.rows<{ s: string | null; e: string | null }>(sql`
		select to_char(quota_window_start(${period}, ${tz}, ${weekStart}, ${now}::timestamptz) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"') as s,
		       to_char(quota_window_end(${period}, ${tz}, ${weekStart}, ${now}::timestamptz) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"') as e`);
	return [r!.s, r!.e];
}

describe(`period boundaries on ${backend}`, () => {
	it('a daily window on the spring-forward day is 23 hours long', async () => {
		expect(await window('daily', 'America/New_York', 1, '2026-03-08T12:00:00Z')).toEqual(['2026-03-08T05:00Z', '2026-03-09T04:00Z']);
	});

	it('a daily window on the fall-back day is 25 hours long', async () => {
		expect(await window('daily', 'America/New_York', 1, '2026-11-01T12:00:00Z')).toEqual(['2026-11-01T04:00Z', '2026-11-02T05:00Z']);
	});

	it('just before local midnight still belongs to the old day', async () => {
		expect(await window('daily', 'Asia/Tokyo', 1, '2026-05-10T14:59:59Z')).toEqual(['2026-05-09T15:00Z', '2026-05-10T15:00Z']);
		expect(await window('daily', 'Asia/Tokyo', 1, '2026-05-10T15:00:00Z')).toEqual(['2026-05-10T15:00Z', '2026-05-11T15:00Z']);
	});

	it('weeks start on the configured day', async () => {
		// Wednesday 25 November 2026.
		expect(await window('weekly', 'UTC', 0, '2026-11-25T10:00:00Z')).toEqual(['2026-11-22T00:00Z', '2026-11-29T00:00Z']);
		expect(await window('weekly', 'UTC', 1, '2026-11-25T10:00:00Z')).toEqual(['2026-11-23T00:00Z', '2026-11-30T00:00Z']);
		expect(await window('weekly', 'UTC', 3, '2026-11-25T10:00:00Z')).toEqual(['2026-11-25T00:00Z', '2026-12-02T00:00Z']);
		// A week that spans the fall-back change keeps local midnights.
		expect(await window('weekly', 'Europe/Berlin', 1, '2026-10-22T12:00:00Z')).toEqual(['2026-10-18T22:00Z', '2026-10-25T23:00Z']);
	});

	it('months start on the 1st locally, whatever UTC says, including February', async () => {
		expect(await window('monthly', 'Europe/Berlin', 1, '2026-01-31T23:30:00Z')).toEqual(['2026-01-31T23:00Z', '2026-02-28T23:00Z']);
		expect(await window('monthly', 'UTC', 1, '2028-02-29T12:00:00Z')).toEqual(['2028-02-01T00:00Z', '2028-03-01T00:00Z']);
	});

	it('"never" is one window for all time', async () => {
		const [[start], [end]] = await Promise.all([
			db.rows<{ s: string }>(sql`select quota_window_start('never', 'UTC', 1, now())::text as s`).then((r) => [r[0]!.s]),
			db.rows<{ e: string | null }>(sql`select quota_window_end('never', 'UTC', 1, now()) as e`).then((r) => [r[0]!.e])
		]);
		expect(start).toBe('-infinity');
		expect(end).toBeNull();
	});
});
