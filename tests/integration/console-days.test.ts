import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { backend } from '../helpers/db';
import { trpcRefusal } from '../helpers/refusal';
import type { DomainError } from '../../src/lib/server/errors';
import { type World, callerAs, type Caller, adminWorld } from '../helpers/world';
import { expectInvariants } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db';

// The console's dates are days of the site's calendar, as allowances, today and Reports are: with the
// site in Berlin, an admin whose device is anywhere who picks "until Dec 12" means the end of Dec 12 in
// Berlin. The page sends the day; the server makes the instant from the site's zone.

let db: Db;
let w: World;
let admin: Caller;
let member: Caller;

beforeAll(async () => {
	({ db, w, admin } = await adminWorld('10.9.0.8'));
	member = await callerAs(w.auth.memberA, '10.9.0.8');
	await admin.admin.settings.update({ timeZone: 'Europe/Berlin' });
});
afterAll(async () => db?.close());

const lotEnd = async (lotId: string) =>
	(await db.rows<{ at: string }>(sql`select to_char(expires_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at from lots where id = ${lotId}::uuid`))[0]!.at;
const lotCount = async () => Number((await db.rows<{ n: number }>(sql`select count(*)::int as n from lots`))[0]!.n);
const key = () => `k-${randomUUID()}`;
// Days a year ahead, so they stay in the future: 2027's last Sundays of March (23 hours in Berlin) and October (25 hours).
const SPRING = '2027-03-28';
const AUTUMN = '2027-10-31';

describe(`the console's dates are the site's days (Europe/Berlin) on ${backend}`, () => {
	it("a bonus expires at the last instant of the day picked in Berlin, on its short and long DST days, and the member reads Berlin's end of day", async () => {
		const accountId = w.users.memberA.accountId;
		const spring = await admin.admin.users.grantBonus({ accountId, tokens: 300, expiresOn: SPRING, note: 'Spring', key: key() });
		const autumn = await admin.admin.users.grantBonus({ accountId, tokens: 200, expiresOn: AUTUMN, note: 'Autumn', key: key() });
		const winter = await admin.admin.users.grantBonus({ accountId, tokens: 100, expiresOn: '2027-12-31', note: 'Winter', key: key() });
		// Midnight at UTC+2 on the spring day (it began at UTC+1), at UTC+1 on the autumn day (it began at UTC+2).
		expect(await lotEnd(spring.lotId)).toBe('2027-03-28T21:59:59.999Z');
		expect(await lotEnd(autumn.lotId)).toBe('2027-10-31T22:59:59.999Z');
		// Not "1 Jan 2028, 00:59 Berlin time": the end of Dec 31 there.
		expect(await lotEnd(winter.lotId)).toBe('2027-12-31T22:59:59.999Z');
		const dashboard = await member.ledger.dashboard({ accountId });
		// Its soonest expiry: the 300 tokens at the end of the spring day in Berlin.
		expect(dashboard.summary.allocations.find((a) => a.model === null)).toMatchObject({ expiresAt: '2027-03-28T21:59:59.999Z', expiringTokens: 300 });
		await expectInvariants(db);
	});

	it('unlimited use ends, and an event bonus expires, at the end of the day picked in Berlin', async () => {
		const { lotId } = await admin.admin.users.grantUnlimited({ accountId: w.users.memberB.accountId, expiresOn: '2027-12-12', note: 'Launch', key: key() });
		expect(await lotEnd(lotId)).toBe('2027-12-12T22:59:59.999Z');
		const campaign = await admin.admin.campaigns.start({ audience: 'team', teamId: w.teamA.id, tokens: 40, expiresOn: AUTUMN, note: 'Offsite', key: key() });
		expect(campaign.expiresAt).toBe('2027-10-31T22:59:59.999Z');
		await expectInvariants(db);
	});

	it("refuses a day over in Berlin, and a text that is not a day, with a 400 naming the field; nothing is granted", async () => {
		const before = await lotCount();
		const accountId = w.users.memberA.accountId;
		// Yesterday in Berlin, whatever the hour in UTC.
		const yesterday = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date(Date.now() - 86_400_000));
		for (const expiresOn of [yesterday, '2020-01-01']) {
			// Said under the forms' Expires field (the page routes a refusal's fieldErrors to its field), as the page's own check says it.
			// Each asked in turn: a call made before the one ahead is awaited would reject unhandled meanwhile.
			for (const late of [
				() => admin.admin.users.grantBonus({ accountId, tokens: 5, expiresOn, note: 'Late', key: key() }),
				() => admin.admin.users.grantUnlimited({ accountId, expiresOn, note: 'Late', key: key() }),
				() => admin.admin.campaigns.start({ audience: 'all', tokens: 5, expiresOn, note: 'Late', key: key() })
			]) {
				const e = (await late().catch((x: { cause?: DomainError }) => x.cause)) as DomainError;
				expect([e.code, e.message, e.details]).toEqual(['invalid_input', 'The expiry must be in the future.', { formErrors: [], fieldErrors: { expiresOn: ['The expiry must be in the future.'] } }]);
			}
		}
		for (const expiresOn of ['2027-02-30', '31/12/2027', '2027-12-31T23:59:59Z']) {
			const refusal = await trpcRefusal(admin.admin.users.grantUnlimited({ accountId, expiresOn, note: 'Bad day', key: key() }));
			expect(refusal.code).toBe('BAD_REQUEST');
			expect(refusal.message).toMatch(/must be a date as YYYY-MM-DD/);
		}
		expect(await lotCount()).toBe(before);
		await expectInvariants(db);
	});

	it("answers a grant retried after the site's zone changed with the first grant, and grants a new one for the same day", async () => {
		const accountId = w.users.memberB.accountId;
		const day = '2027-12-12';
		const bonus = { accountId, tokens: 70, expiresOn: day, note: 'Retried', key: key() };
		const unlimited = { accountId, expiresOn: day, note: 'Retried', key: key() };
		const campaign = { audience: 'team' as const, teamId: w.teamB.id, tokens: 30, expiresOn: day, note: 'Retried', key: key() };
		const first = { bonus: await admin.admin.users.grantBonus(bonus), unlimited: await admin.admin.users.grantUnlimited(unlimited), campaign: await admin.admin.campaigns.start(campaign) };
		const lots = await lotCount();
		await admin.admin.settings.update({ timeZone: 'America/New_York' });
		try {
			// The same requests again (the device had no answer): the first grants, nothing more, each lot still ending with Berlin's day.
			expect(await admin.admin.users.grantBonus(bonus)).toMatchObject({ lotId: first.bonus.lotId, replayed: true });
			expect(await admin.admin.users.grantUnlimited(unlimited)).toEqual({ lotId: first.unlimited.lotId, replayed: true });
			expect(await admin.admin.campaigns.start(campaign)).toMatchObject({ id: first.campaign.id, reached: 1, expiresAt: '2027-12-12T22:59:59.999Z' });
			expect([await lotCount(), await lotEnd(first.bonus.lotId), await lotEnd(first.unlimited.lotId)]).toEqual([lots, '2027-12-12T22:59:59.999Z', '2027-12-12T22:59:59.999Z']);
			// A key sent again with another day is another request: refused, as before.
			expect((await trpcRefusal(admin.admin.users.grantBonus({ ...bonus, expiresOn: '2027-12-13' }))).domain).toBe('idempotency_key_reused');
			expect((await trpcRefusal(admin.admin.campaigns.start({ ...campaign, expiresOn: '2027-12-13' }))).domain).toBe('idempotency_key_reused');
			// New grants for the same day end with New York's.
			const again = await admin.admin.users.grantBonus({ ...bonus, key: key() });
			const campaignAgain = await admin.admin.campaigns.start({ ...campaign, key: key() });
			expect([again.replayed, await lotEnd(again.lotId), campaignAgain.id === first.campaign.id, campaignAgain.expiresAt]).toEqual([false, '2027-12-13T04:59:59.999Z', false, '2027-12-13T04:59:59.999Z']);
			expect(await lotCount()).toBe(lots + 2);
		} finally {
			await admin.admin.settings.update({ timeZone: 'Europe/Berlin' });
		}
		await expectInvariants(db);
	});
});
