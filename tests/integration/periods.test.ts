import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { freshDb, backend } from '../helpers/db';
import { configureRates, expectInvariants, makeUser } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db/client';
import { addCalendar } from '../../src/lib/calendar';
import { balances, consume, history, rollups, setAllowanceRule, updateSiteSettings, type ReportPeriod } from '../../src/lib/server/ledger';

// Allowance periods reset at local midnight in the site's time zone: the boundaries come from
// quota_window_start/end in SQL (the same functions consume uses), checked here on awkward days.
let db: Db;
beforeAll(async () => {
	db = await freshDb();
	await configureRates(db);
	// Generous free allowances pay for the uses below: each use's allowance window is on record.
	await setAllowanceRule(db.orm, { module: 'chat', audience: 'user', limitTokens: 1_000_000, period: 'weekly' });
	await setAllowanceRule(db.orm, { module: 'product', audience: 'user', limitTokens: 1_000_000, period: 'monthly' });
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

	it('a day whose midnight is skipped starts at 01:00 and ends at the next midnight', async () => {
		// Chile moves from 00:00 to 01:00 on Sunday 6 September 2026 (-04 to -03).
		expect(await window('daily', 'America/Santiago', 1, '2026-09-06T12:00:00Z')).toEqual(['2026-09-06T04:00Z', '2026-09-07T03:00Z']);
		expect(await window('daily', 'America/Santiago', 1, '2026-09-06T03:59:59Z')).toEqual(['2026-09-05T04:00Z', '2026-09-06T04:00Z']);
		// A week that starts on that Sunday ends at the following Sunday's midnight.
		expect(await window('weekly', 'America/Santiago', 0, '2026-09-08T12:00:00Z')).toEqual(['2026-09-06T04:00Z', '2026-09-13T03:00Z']);
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

/** The site's last `count` windows of `period` up to `now`, as quota_windows reports them (local days). */
async function windows(period: ReportPeriod, count: number, now: string) {
	return db.rows<{ first_day: string; last_day: string; start: string }>(sql`
		select to_char(first_day, 'YYYY-MM-DD') as first_day, to_char(last_day, 'YYYY-MM-DD') as last_day,
		       to_char(window_start at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"') as start
		  from quota_windows(${period}, ${count}, ${now}::timestamptz)`);
}

/** One use of `feature` (10 tokens for 4 words of ai_bots, 45 for generate_texts) at instant `at`. */
async function useAt(accountId: string, at: string, feature = 'ai_bots', units = 4) {
	return consume(db.orm, { accountId, feature, units, actor: {}, idempotency: { scope: 'periods', key: crypto.randomUUID() }, effectiveAt: new Date(at) });
}

/** The local first day of the allowance window a use was counted in. */
async function allowanceWindowDay(accountId: string, module: string) {
	const rows = await db.rows<{ day: string }>(sql`
		select to_char(w.window_start at time zone s.time_zone, 'YYYY-MM-DD') as day
		  from allowance_windows w join allowance_rules r on r.id = w.rule_id cross join site_settings s
		 where w.account_id = ${accountId}::uuid and r.module = ${module} and s.id = 1 order by w.window_start`);
	return rows.map((r) => r.day);
}

describe(`reports count in the windows allowances and caps use, on ${backend}`, () => {
	it('with weeks starting on Sunday, a Sunday’s use is in the week that begins that Sunday, where the weekly allowance reset', async () => {
		await updateSiteSettings(db.orm, { timeZone: 'UTC', weekStart: 0 });
		const u = await makeUser(db);
		await useAt(u.accountId, '2026-11-29T10:00:00Z'); // Sunday
		await useAt(u.accountId, '2026-11-28T23:59:59Z'); // the Saturday before
		expect(await allowanceWindowDay(u.accountId, 'chat')).toEqual(['2026-11-22', '2026-11-29']);
		const report = await rollups(db.orm, u.accountId, { period: 'weekly', windows: 3, by: 'feature', now: new Date('2026-12-01T12:00:00Z') });
		expect(report.buckets).toEqual(['2026-11-15', '2026-11-22', '2026-11-29']);
		expect(report.rows.map((r) => [r.bucket, r.tokens])).toEqual([['2026-11-22', 10], ['2026-11-29', 10]]);
		await expectInvariants(db);
	});

	it('days and months are the site’s local ones: a use at 20:00 UTC is the next day in Auckland', async () => {
		await updateSiteSettings(db.orm, { timeZone: 'Pacific/Auckland', weekStart: 1 });
		const u = await makeUser(db);
		await useAt(u.accountId, '2026-11-29T20:00:00Z'); // 30 November 09:00 in Auckland
		await useAt(u.accountId, '2026-11-30T11:30:00Z', 'generate_texts', 1); // 1 December 00:30 there
		const now = new Date('2026-11-30T12:00:00Z');
		const daily = await rollups(db.orm, u.accountId, { period: 'daily', windows: 3, by: 'feature', now });
		expect(daily.buckets).toEqual(['2026-11-29', '2026-11-30', '2026-12-01']);
		expect(daily.rows.map((r) => [r.bucket, r.tokens])).toEqual([['2026-11-30', 10], ['2026-12-01', 45]]);
		const monthly = await rollups(db.orm, u.accountId, { period: 'monthly', windows: 2, by: 'feature', now });
		expect(monthly.rows.map((r) => [r.bucket, r.tokens])).toEqual([['2026-11-01', 10], ['2026-12-01', 45]]);
		// By model, a use that named no model is said so ("General balance" is a lot's word, not a use's).
		const byModel = await rollups(db.orm, u.accountId, { period: 'daily', windows: 3, by: 'model', now });
		expect(byModel.rows.map((r) => [r.bucket, r.key, r.label, r.tokens])).toEqual([['2026-11-30', '', 'No particular model', 10], ['2026-12-01', '', 'No particular model', 45]]);
		// The monthly allowance counted the second use in December too.
		expect(await allowanceWindowDay(u.accountId, 'product')).toEqual(['2026-12-01']);
		await expectInvariants(db);
	});

	it('the usage history’s From and To are the site’s days: a day lists the uses Reports totals for it', async () => {
		await updateSiteSettings(db.orm, { timeZone: 'Asia/Tokyo', weekStart: 1 });
		const u = await makeUser(db);
		await useAt(u.accountId, '2026-12-04T14:59:59Z'); // 4 December 23:59:59 in Tokyo
		await useAt(u.accountId, '2026-12-04T15:00:00Z', 'generate_texts', 1); // 5 December 00:00 there
		await useAt(u.accountId, '2026-12-03T15:00:00Z'); // 4 December 00:00 there
		const daily = await rollups(db.orm, u.accountId, { period: 'daily', windows: 2, by: 'feature', now: new Date('2026-12-04T16:00:00Z') });
		const reported = (day: string) => daily.rows.filter((r) => r.bucket === day).reduce((sum, r) => sum + r.tokens, 0);
		const listed = async (from: string, to = from) => (await history(db.orm, u.accountId, { from, to })).rows.reduce((sum, r) => sum + r.tokensUsed, 0);
		expect([reported('2026-12-04'), reported('2026-12-05')]).toEqual([20, 45]);
		expect([await listed('2026-12-04'), await listed('2026-12-05'), await listed('2026-12-04', '2026-12-05')]).toEqual([20, 45, 65]);
		expect(await listed('2026-12-03')).toBe(0);
		await updateSiteSettings(db.orm, { timeZone: 'UTC', weekStart: 1 });
		// The same uses on a UTC site: 4 December is the first two, 3 December the third.
		expect([await listed('2026-12-03'), await listed('2026-12-04')]).toEqual([10, 55]);
	});

	it('"used today" and "used this month" start where the daily and monthly windows start', async () => {
		await updateSiteSettings(db.orm, { timeZone: 'Pacific/Chatham', weekStart: 1 }); // UTC+12:45 or +13:45
		const [bounds] = await db.rows<{ day: string; month: string }>(sql`
			select quota_window_start('daily', 'Pacific/Chatham', 1, now()) as day, quota_window_start('monthly', 'Pacific/Chatham', 1, now()) as month`);
		const dayStart = new Date(bounds!.day).getTime();
		const monthStart = new Date(bounds!.month).getTime();
		const u = await makeUser(db);
		const uses = [
			{ at: dayStart, tokens: 10 },
			{ at: dayStart - 1, tokens: 10 },
			{ at: monthStart, tokens: 10 },
			{ at: monthStart - 1, tokens: 10 }
		];
		for (const x of uses) await useAt(u.accountId, new Date(x.at).toISOString());
		const b = await balances(db.orm, u.accountId);
		expect(b.usedToday).toBe(uses.filter((x) => x.at >= dayStart).reduce((n, x) => n + x.tokens, 0));
		expect(b.usedThisMonth).toBe(uses.filter((x) => x.at >= monthStart).reduce((n, x) => n + x.tokens, 0));
		const today = await rollups(db.orm, u.accountId, { period: 'daily', windows: 1, by: 'feature' });
		expect(today.rows.reduce((n, r) => n + r.tokens, 0)).toBe(b.usedToday);
		await expectInvariants(db);
	});

	it('monthly windows end on the last day of each month, 29 February in a leap year', async () => {
		await updateSiteSettings(db.orm, { timeZone: 'America/New_York', weekStart: 1 });
		expect(await windows('monthly', 3, '2028-03-31T12:00:00Z')).toEqual([
			{ first_day: '2028-01-01', last_day: '2028-01-31', start: '2028-01-01T05:00Z' },
			{ first_day: '2028-02-01', last_day: '2028-02-29', start: '2028-02-01T05:00Z' },
			{ first_day: '2028-03-01', last_day: '2028-03-31', start: '2028-03-01T05:00Z' }
		]);
	});

	it('weekly windows keep local midnights across a DST change and follow the week start', async () => {
		await updateSiteSettings(db.orm, { timeZone: 'Europe/Berlin', weekStart: 6 });
		expect(await windows('weekly', 2, '2026-11-01T12:00:00Z')).toEqual([
			{ first_day: '2026-10-24', last_day: '2026-10-30', start: '2026-10-23T22:00Z' },
			{ first_day: '2026-10-31', last_day: '2026-11-06', start: '2026-10-30T23:00Z' }
		]);
	});

	it('refuses a report of no windows or of more than a year of them', async () => {
		const u = await makeUser(db);
		for (const n of [0, 367, 1.5]) {
			await expect(rollups(db.orm, u.accountId, { period: 'daily', windows: n, by: 'feature' })).rejects.toMatchObject({ code: 'invalid_input' });
		}
	});
});

describe(`calendar arithmetic in Node is Postgres interval arithmetic, on ${backend}`, () => {
	it('adding months (a year is 12) clamps to the end of the month the same way, in any time zone', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2040-12-31T00:00:00Z'), noInvalidDate: true }),
				fc.integer({ min: 1, max: 30 }),
				fc.constantFrom('UTC', 'Europe/Berlin', 'America/New_York', 'Pacific/Auckland', 'Asia/Kolkata', 'Australia/Lord_Howe'),
				async (from, months, tz) => {
					const [r] = await db.rows<{ t: string }>(sql`
						select to_char(((${from.toISOString()}::timestamptz at time zone ${tz}) + make_interval(months => ${months}))
						       at time zone ${tz} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as t`);
					expect(addCalendar(from, 'month', months, tz).toISOString()).toBe(r!.t);
				}
			),
			{ numRuns: 300 }
		);
	});
});
