import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { freshDb, backend } from '../helpers/db';
import { configureRates, expectInvariants, lotRemaining, makeUser } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db/client';
import {
	consume,
	grant,
	rollOver,
	rolloverLines,
	saveModuleRollover,
	setAllowanceRule,
	updateSiteSettings,
	type RolloverSetting
} from '../../src/lib/server/ledger';
import { DomainError } from '../../src/lib/server/errors';

// Issue 17.3: unused free tokens roll over into the next period as a `rollover` lot, up to a cap on
// what the account holds from the rule's rollovers, expiring after K periods; boundaries are the
// site's local period starts (month ends, DST, a skipped midnight).
let db: Db;
beforeAll(async () => {
	db = await freshDb();
	await configureRates(db);
});
afterAll(async () => db?.close());

/**
 * A fresh module with one all-members rule of `limit` tokens per `period`, rolling over as `setting`
 * since `since`. Every other module stops rolling over: a user of any module is in use, so their
 * rules would roll over too, and their lots would take part in the spend order.
 */
let moduleSeq = 0;
async function ruleModule(limit: number, period: 'daily' | 'weekly' | 'monthly', setting: RolloverSetting, since: string) {
	const module = `roll${++moduleSeq}`;
	await db.orm.execute(sql`update allowance_rules set rollover_cap_tokens = null, rollover_cap_percent = null, rollover_periods = null, rollover_since = null`);
	await db.orm.execute(sql`insert into modules (key, name, limit_message) values (${module}, ${`Module ${moduleSeq}`}, 'Free tokens used up.')`);
	// 1 token per word, so a use of n words costs n tokens.
	await db.orm.execute(sql`insert into features (key, name, module, unit, tokens_per_unit) values (${`${module}_f`}, 'Feature', ${module}, 'word', 1)`);
	await setAllowanceRule(db.orm, { module, audience: 'user', limitTokens: limit, period });
	await saveModuleRollover(db.orm, module, setting);
	await db.orm.execute(sql`update allowance_rules set rollover_since = ${since}::timestamptz where module = ${module}`);
	return { module, feature: `${module}_f`, name: `Module ${moduleSeq}` };
}

const use = (accountId: string, feature: string, tokens: number, at: string) =>
	consume(db.orm, { accountId, feature, units: tokens, actor: {}, idempotency: { scope: 'rollover', key: crypto.randomUUID() }, effectiveAt: new Date(at) });

/** The account's rollover lots from one module (every module's rule here applies to every user). */
async function rolloverLots(accountId: string, m: { name: string }) {
	return db.rows<{ amount: number; remaining: number; expires: string | null; source: string }>(sql`
		select amount::int, remaining::int, source,
		       to_char(expires_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"') as expires
		  from lots where account_id = ${accountId}::uuid and source = 'rollover' and note = ${m.name} order by created_at, id`);
}

describe(`allowance rollover on ${backend}`, () => {
	beforeEach(async () => {
		await updateSiteSettings(db.orm, { timeZone: 'Europe/Berlin', weekStart: 1, spendOrder: 'allowance-first' });
	});

	it('rolls over what a day left unused, up to the cap, expiring K periods later, only once the day has ended', async () => {
		const m = await ruleModule(100, 'daily', { capTokens: 60, capPercent: null, expiresAfterPeriods: 2 }, '2026-03-01T00:00:00Z');
		const u = await makeUser(db);
		await use(u.accountId, m.feature, 70, '2026-03-10T08:00:00Z'); // 30 unused on Tuesday 10 March (Berlin)
		// 23:59:59 local is still the 10th: nothing yet.
		await rollOver(db, { now: new Date('2026-03-10T22:59:59Z') });
		expect(await rolloverLots(u.accountId, m)).toEqual([]);
		await rollOver(db, { now: new Date('2026-03-10T23:00:00Z') });
		// K = 2: usable on the 11th and the 12th, gone at the 13th's first instant (local midnight).
		expect(await rolloverLots(u.accountId, m)).toEqual([{ amount: 30, remaining: 30, expires: '2026-03-12T23:00Z', source: 'rollover' }]);
		// Running again (a re-run, another process) changes nothing.
		await rollOver(db, { now: new Date('2026-03-11T09:00:00Z') });
		expect(await rolloverLots(u.accountId, m)).toHaveLength(1);
		const [line] = (await rolloverLines(db.orm, u.accountId, new Date('2026-03-11T09:00:00Z'))).filter((l) => l.module === m.module);
		expect(line).toMatchObject({ tokens: 30, remaining: 30, period: 'daily', fromDay: '2026-03-10', fromPrevious: true, lastDay: '2026-03-12' });
		// Two days on it is no longer "yesterday"'s.
		const [later] = (await rolloverLines(db.orm, u.accountId, new Date('2026-03-12T09:00:00Z'))).filter((l) => l.module === m.module);
		expect(later).toMatchObject({ fromDay: '2026-03-10', fromPrevious: false });
		await expectInvariants(db);
	});

	it('caps what the account holds from the rule: a full cap rolls nothing more over until it is spent', async () => {
		const m = await ruleModule(100, 'daily', { capTokens: 60, capPercent: null, expiresAfterPeriods: null }, '2026-04-01T00:00:00Z');
		const u = await makeUser(db);
		await use(u.accountId, m.feature, 10, '2026-04-06T08:00:00Z'); // 90 unused → 60 (the cap)
		await rollOver(db, { now: new Date('2026-04-07T08:00:00Z') });
		await use(u.accountId, m.feature, 10, '2026-04-07T09:00:00Z'); // from the allowance: the rollover lot stays at 60
		await rollOver(db, { now: new Date('2026-04-08T08:00:00Z') });
		expect((await rolloverLots(u.accountId, m)).map((l) => l.amount)).toEqual([60]);
		// Spend the allowance and 45 of the rolled-over tokens: 45 fit under the cap again.
		await use(u.accountId, m.feature, 145, '2026-04-08T09:00:00Z');
		await rollOver(db, { now: new Date('2026-04-09T08:00:00Z') });
		expect(await rolloverLots(u.accountId, m)).toEqual([
			{ amount: 60, remaining: 15, expires: null, source: 'rollover' },
			// The 8th used all of its 100: nothing unused, nothing rolls over.
		]);
		await use(u.accountId, m.feature, 50, '2026-04-09T09:00:00Z'); // 50 unused on the 9th; room 45
		await rollOver(db, { now: new Date('2026-04-10T08:00:00Z') });
		expect((await rolloverLots(u.accountId, m)).map((l) => [l.amount, l.remaining])).toEqual([[60, 15], [45, 45]]);
		await expectInvariants(db);
	});

	it('a share cap of a monthly limit; expiry at the end of the next month, February included', async () => {
		await updateSiteSettings(db.orm, { timeZone: 'America/New_York' });
		const m = await ruleModule(1000, 'monthly', { capTokens: null, capPercent: 25, expiresAfterPeriods: 1 }, '2026-01-05T00:00:00Z');
		const u = await makeUser(db);
		await use(u.accountId, m.feature, 100, '2026-02-01T04:59:00Z'); // 23:59 on 31 January in New York
		await rollOver(db, { now: new Date('2026-02-01T04:59:59Z') });
		expect(await rolloverLots(u.accountId, m)).toEqual([]);
		await rollOver(db, { now: new Date('2026-02-01T05:00:00Z') });
		// 900 unused, 25% of 1,000 = 250; usable through February, gone on 1 March local midnight (EST).
		expect(await rolloverLots(u.accountId, m)).toEqual([{ amount: 250, remaining: 250, expires: '2026-03-01T05:00Z', source: 'rollover' }]);
		await expectInvariants(db);
	});

	it('exact at daylight-saving changes and where local midnight is skipped', async () => {
		// New York springs forward on 8 March 2026: that day is 23 hours long.
		await updateSiteSettings(db.orm, { timeZone: 'America/New_York' });
		const ny = await ruleModule(100, 'daily', { capTokens: 100, capPercent: null, expiresAfterPeriods: 1 }, '2026-03-01T00:00:00Z');
		const a = await makeUser(db);
		await use(a.accountId, ny.feature, 40, '2026-03-08T12:00:00Z');
		await rollOver(db, { now: new Date('2026-03-09T03:59:59Z') });
		expect(await rolloverLots(a.accountId, ny)).toEqual([]);
		await rollOver(db, { now: new Date('2026-03-09T04:00:00Z') });
		expect(await rolloverLots(a.accountId, ny)).toEqual([{ amount: 60, remaining: 60, expires: '2026-03-10T04:00Z', source: 'rollover' }]);

		// Santiago de Chile skips from 00:00 to 01:00 on 6 September 2026: that day starts at 01:00 (-03).
		await updateSiteSettings(db.orm, { timeZone: 'America/Santiago' });
		const cl = await ruleModule(100, 'daily', { capTokens: 100, capPercent: null, expiresAfterPeriods: 1 }, '2026-09-01T00:00:00Z');
		const b = await makeUser(db);
		await use(b.accountId, cl.feature, 30, '2026-09-05T12:00:00Z'); // Saturday 5th, -04
		await rollOver(db, { now: new Date('2026-09-06T03:59:59Z') });
		expect(await rolloverLots(b.accountId, cl)).toEqual([]);
		await rollOver(db, { now: new Date('2026-09-06T04:00:00Z') }); // 01:00 -03: the 6th's first instant
		// Expires at the 7th's first instant: midnight -03 = 03:00Z.
		expect(await rolloverLots(b.accountId, cl)).toEqual([{ amount: 70, remaining: 70, expires: '2026-09-07T03:00Z', source: 'rollover' }]);
		await expectInvariants(db);
	});

	it('only for accounts the rule applies to, that used tokens in the period', async () => {
		const m = await ruleModule(100, 'weekly', { capTokens: 500, capPercent: null, expiresAfterPeriods: null }, '2026-05-01T00:00:00Z');
		const used = await makeUser(db);
		const dormant = await makeUser(db);
		const vip = await makeUser(db, 'vip');
		await setAllowanceRule(db.orm, { module: m.module, audience: 'role', role: 'vip', limitTokens: 1000, period: 'weekly' }); // follows the module's rollover
		await use(used.accountId, m.feature, 25, '2026-05-12T10:00:00Z'); // week of Mon 11 May
		await use(vip.accountId, m.feature, 100, '2026-05-12T10:00:00Z');
		// Both other lots were used that week: the dormant account was not.
		await grant(db.orm, { accountId: dormant.accountId, tokens: 10, source: 'bonus' });
		const run = await rollOver(db, { now: new Date('2026-05-18T00:00:00Z') }); // Monday 02:00 Berlin: the week ended
		expect(run.accounts).toBeGreaterThanOrEqual(2);
		expect((await rolloverLots(used.accountId, m)).map((l) => l.amount)).toEqual([75]);
		expect((await rolloverLots(vip.accountId, m)).map((l) => l.amount)).toEqual([500]); // 900 unused, cap 500
		expect(await rolloverLots(dormant.accountId, m)).toEqual([]);
		await expectInvariants(db);
	});

	it('what was used under a rule that applied earlier in the period counts: a role rule set mid-week rolls over its limit less the week\'s use', async () => {
		const m = await ruleModule(100, 'weekly', { capTokens: 500, capPercent: null, expiresAfterPeriods: null }, '2026-06-01T00:00:00Z');
		const patron = await makeUser(db, 'patron');
		await use(patron.accountId, m.feature, 30, '2026-06-09T10:00:00Z'); // week of Mon 8 June, under the all-users 100
		await setAllowanceRule(db.orm, { module: m.module, audience: 'role', role: 'patron', limitTokens: 80, period: 'weekly' });
		await rollOver(db, { now: new Date('2026-06-15T00:00:00Z') });
		expect((await rolloverLots(patron.accountId, m)).map((l) => l.amount)).toEqual([50]); // 80 less the 30 used
		await expectInvariants(db);
	});

	it('the setting is checked, and switching it off stops rollovers', async () => {
		const m = await ruleModule(100, 'daily', { capTokens: 10, capPercent: null, expiresAfterPeriods: null }, '2026-06-01T00:00:00Z');
		const refused = async (s: RolloverSetting) => {
			const e = await saveModuleRollover(db.orm, m.module, s).catch((x: unknown) => x);
			return e instanceof DomainError ? e.code : 'ok';
		};
		expect(await refused({ capTokens: 10, capPercent: 10, expiresAfterPeriods: null })).toBe('invalid_input');
		expect(await refused({ capTokens: null, capPercent: 101, expiresAfterPeriods: null })).toBe('invalid_input');
		expect(await refused({ capTokens: 0, capPercent: null, expiresAfterPeriods: null })).toBe('invalid_input');
		expect(await refused({ capTokens: 5, capPercent: null, expiresAfterPeriods: 0 })).toBe('invalid_input');
		await saveModuleRollover(db.orm, m.module, null);
		const u = await makeUser(db);
		await use(u.accountId, m.feature, 1, '2026-06-02T10:00:00Z');
		await rollOver(db, { now: new Date('2026-06-03T10:00:00Z') });
		expect(await rolloverLots(u.accountId, m)).toEqual([]);
	});

	it('rolled-over tokens are spent after the allowance and before never-expiring tokens (spend order, model-based)', async () => {
		// A model of one account: a daily allowance, one purchased lot that never expires, rollover lots
		// that expire; each day a use, then the day ends and rolls over. The ledger must agree with it.
		const LIMIT = 50;
		const CAP = 80;
		const K = 2;
		await updateSiteSettings(db.orm, { timeZone: 'UTC' });
		let day = 0;
		await fc.assert(
			fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 120 }), { minLength: 1, maxLength: 8 }), async (uses) => {
				const start = Date.UTC(2027, 0, 1) + day * 86_400_000;
				day += uses.length + K + 2;
				const m = await ruleModule(LIMIT, 'daily', { capTokens: CAP, capPercent: null, expiresAfterPeriods: K }, new Date(start).toISOString());
				const u = await makeUser(db);
				const purchased = await grant(db.orm, { accountId: u.accountId, tokens: 300, source: 'purchase', effectiveAt: new Date(start) });
				const model = { purchased: 300, rollovers: [] as { left: number; expiresDay: number }[] };
				for (const [d, want] of uses.entries()) {
					const live = model.rollovers.filter((r) => r.expiresDay > d);
					const available = LIMIT + live.reduce((s, r) => s + r.left, 0) + model.purchased;
					const at = new Date(start + d * 86_400_000 + 3_600_000).toISOString();
					const ok = want > 0 && want <= available;
					if (want > 0) expect(await use(u.accountId, m.feature, want, at).then(() => true, () => false)).toBe(ok);
					let need = ok ? want : 0;
					const fromAllowance = Math.min(need, LIMIT);
					need -= fromAllowance;
					// Lots: soonest expiry first (rollovers, oldest first), never-expiring last.
					for (const r of live.sort((a, b) => a.expiresDay - b.expiresDay)) {
						const take = Math.min(need, r.left);
						r.left -= take;
						need -= take;
					}
					model.purchased -= need;
					// The day ends: its unused allowance rolls over, up to the cap on what is held.
					await rollOver(db, { now: new Date(start + (d + 1) * 86_400_000) });
					const held = model.rollovers.filter((r) => r.expiresDay > d + 1).reduce((s, r) => s + r.left, 0);
					// Only an account that used tokens that day rolls over.
					const rolled = ok ? Math.max(0, Math.min(LIMIT - fromAllowance, CAP - held)) : 0;
					if (rolled > 0) model.rollovers.push({ left: rolled, expiresDay: d + 1 + K });
				}
				expect(await lotRemaining(db, purchased.lotId)).toBe(model.purchased);
				const end = new Date(start + uses.length * 86_400_000);
				const lines = (await rolloverLines(db.orm, u.accountId, end)).filter((l) => l.module === m.module);
				const live = model.rollovers.filter((r) => r.left > 0 && r.expiresDay > uses.length);
				expect(lines.map((l) => l.remaining)).toEqual(live.map((r) => r.left).reverse());
			}),
			{ numRuns: backend === 'postgres' ? 15 : 10 }
		);
		await expectInvariants(db);
	});
});

// Several processes exist only on a server (CI fails a skipped test, so no runIf).
if (backend === 'postgres') describe('rollover with several processes', () => {
	it('two runs at once roll a period over once', async () => {
		await updateSiteSettings(db.orm, { timeZone: 'UTC' });
		const m = await ruleModule(100, 'daily', { capTokens: 100, capPercent: null, expiresAfterPeriods: null }, '2027-06-01T00:00:00Z');
		const users = await Promise.all(Array.from({ length: 20 }, () => makeUser(db)));
		for (const u of users) await use(u.accountId, m.feature, 10, '2027-06-02T10:00:00Z');
		await Promise.all([1, 2, 3].map(() => rollOver(db, { now: new Date('2027-06-03T00:00:01Z'), batch: 7 })));
		const [counts] = await db.rows<{ lots: number; tokens: number }>(sql`
			select count(*)::int as lots, sum(amount)::int as tokens from lots
			 where source = 'rollover' and note = ${m.name} and account_id = any(${`{${users.map((u) => u.accountId).join(',')}}`}::uuid[])`);
		expect(counts).toEqual({ lots: 20, tokens: 20 * 90 });
		await expectInvariants(db);
	});
});
