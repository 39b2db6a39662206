// An expired hold gives its tokens back about a second after it expires (a one-off sweep the hold
// asks for), not at the next minute's sweep: GET /balance stops counting it as held. An expiring
// lot's loss reaches the statement as soon (a sweep asks for one at the next lot expiry, and a lot
// granted to expire before the next routine sweep asks for one when it is granted).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { callJson } from '../helpers/http';
import { bearer, member, openRestApi } from '../helpers/api-fixture';
import { expectInvariants, makeUser } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db/client';
import { listJobs, startSchedule, type Schedule } from '../../src/lib/server/schedule';
import { appJobs, sweepAtNewLotExpiries } from '../../src/lib/server/schedule/app-jobs';
import { balances, grant, statement } from '../../src/lib/server/ledger';
import { grantBonus, grantUnlimited } from '../../src/lib/server/admin';

let db: Db;
let site: string;
let runner: Schedule;
let stopAsking: () => void;
/** A member whose bonus of 400 tokens expires 4 s after the schedule starts. */
let expiring: { accountId: string; at: number };
beforeAll(async () => {
	({ db, site } = await openRestApi());
	const m = await member(db, 1000);
	expiring = { accountId: m.accountId, at: Date.now() + 4_000 };
	await grant(db.orm, { accountId: m.accountId, tokens: 400, source: 'bonus', expiresAt: new Date(expiring.at) });
	// The ledger's sweep as the app runs it, but with its routine run an hour apart: it runs once at
	// start (a new recurring job is due at once), so a sweep after an expiry is one that was asked for.
	runner = await startSchedule(db, appJobs(3600).filter((j) => j.name === 'ledger.sweep'), { pollMs: 100 });
	// As the app subscribes at start-up; after the first grant, so its sweep is the routine run's asking.
	stopAsking = sweepAtNewLotExpiries(3600);
});
afterAll(async () => {
	stopAsking?.();
	await runner?.stop();
	await db?.close();
});

/** The one-off sweeps asked for at the second after `at` (their run_at, ms). */
const sweepsAsked = async (at: number) =>
	(await db.rows<{ run_at: string }>(sql`select run_at from scheduled_jobs where name = 'ledger.sweep' and key = ${`expiry:${Math.ceil(at / 1000)}`}`)).map((j) => Date.parse(j.run_at));

/** Waits (up to 4 s after `at`) until the account's newest statement line is an expiry; whether it came. */
async function expiryOnStatement(accountId: string, at: number): Promise<boolean> {
	while (Date.now() < at + 4_000) {
		if ((await statement(db.orm, accountId)).rows[0]?.kind === 'expiry') return true;
		await new Promise((r) => setTimeout(r, 100));
	}
	return false;
}

describe('a lot that expires', () => {
	it('is on the statement as an expiry about a second after it expires, with the balance the dashboard shows', async () => {
		const { accountId, at } = expiring;
		// The routine run at start asks for a sweep at the lot's expiry: one job, hidden beside the routine line.
		await expect.poll(() => sweepsAsked(at), { timeout: 3_000 }).toEqual([Math.ceil(at / 1000) * 1000]);
		expect((await listJobs(db.orm)).filter((j) => j.name === 'ledger.sweep').map((j) => j.key)).toEqual(['']);
		expect((await statement(db.orm, accountId)).rows[0]).toMatchObject({ kind: 'grant', tokens: 400 });

		expect(await expiryOnStatement(accountId, at)).toBe(true);
		expect(Date.now() - at).toBeLessThan(3_000);
		const page = await statement(db.orm, accountId);
		expect(page.rows[0]).toMatchObject({ kind: 'expiry', tokens: -400, balanceAfter: 1000 });
		expect(page.balance).toBe((await balances(db.orm, accountId)).available);
		await expectInvariants(db);
	});
});

describe('a lot granted to expire before the next routine sweep', () => {
	// Two of the ways a lot is made (every one announces grant.created, which asks for the sweep).
	const ways: Record<string, (m: { id: string; accountId: string }, at: Date) => Promise<unknown>> = {
		"an admin's bonus": async (m, at) => {
			const admin = await makeUser(db, 'admin');
			await grantBonus(db, { userId: admin.userId, ip: null }, { accountId: m.accountId, tokens: 300, expiresAt: at, note: 'Two-second bonus', key: randomUUID() });
		},
		'a REST grant': async (m, at) => {
			const r = await callJson('/api/v1/grants', { headers: bearer(site, { 'idempotency-key': randomUUID() }), body: { user: m.id, tokens: 300, source: 'event', expires_at: at.toISOString() } });
			expect(r.status).toBe(201);
		}
	};
	it.each(Object.keys(ways))('%s: is on the statement as an expiry within seconds, with the balance the dashboard shows', async (way) => {
		const m = await member(db, 1000);
		const at = Date.now() + 2_000;
		await ways[way]!(m, new Date(at));
		// Asked for when it was granted: the routine run is an hour away.
		expect(await sweepsAsked(at)).toEqual([Math.ceil(at / 1000) * 1000]);
		expect((await statement(db.orm, m.accountId)).rows[0]).toMatchObject({ kind: 'grant', tokens: 300 });

		expect(await expiryOnStatement(m.accountId, at)).toBe(true);
		expect(Date.now() - at).toBeLessThan(3_000);
		const page = await statement(db.orm, m.accountId);
		expect(page.rows[0]).toMatchObject({ kind: 'expiry', tokens: -300, balanceAfter: 1000 });
		expect(page.balance).toBe((await balances(db.orm, m.accountId)).available);
		await expectInvariants(db);
	});

	it("an admin's unlimited use until a date: its end is on the statement as \"Unlimited ended\" within seconds, the balance as it was", async () => {
		const m = await member(db, 1000);
		const admin = await makeUser(db, 'admin');
		const at = Date.now() + 2_000;
		await grantUnlimited(db, { userId: admin.userId, ip: null }, { accountId: m.accountId, expiresAt: new Date(at), note: 'Two-second trial', key: randomUUID() });
		expect(await sweepsAsked(at)).toEqual([Math.ceil(at / 1000) * 1000]);
		expect(await expiryOnStatement(m.accountId, at)).toBe(true);
		expect(Date.now() - at).toBeLessThan(3_000);
		const page = await statement(db.orm, m.accountId);
		expect(page.rows[0]).toMatchObject({ kind: 'expiry', tokens: 0, unlimited: true, atEndDate: true, balanceAfter: 1000 });
		expect(page.balance).toBe((await balances(db.orm, m.accountId)).available);
		await expectInvariants(db);
	});

	it('asks nothing for a lot that expires after the next routine run (that run asks for it) or never', async () => {
		const m = await member(db, 0);
		const later = Date.now() + 3_700_000;
		await grant(db.orm, { accountId: m.accountId, tokens: 300, source: 'bonus', expiresAt: new Date(later) });
		const laterUnlimited = Date.now() + 3_800_000;
		await grant(db.orm, { accountId: m.accountId, tokens: 0, unlimited: true, source: 'bonus', expiresAt: new Date(laterUnlimited) });
		await grant(db.orm, { accountId: m.accountId, tokens: 0, unlimited: true, source: 'bonus' });
		expect([...(await sweepsAsked(later)), ...(await sweepsAsked(laterUnlimited))]).toEqual([]);
		await expectInvariants(db);
	});
});

describe('a hold left to expire', () => {
	it('stops counting as held, and its tokens are available again, about a second after it expires', async () => {
		const m = await member(db, 1000);
		const h = await callJson('/api/v1/holds', { headers: bearer(m.key, { 'idempotency-key': `expiry-${Date.now()}` }), body: { feature: 'generate_texts', max_tokens: 300, ttl_seconds: 1 } });
		expect(h.status).toBe(201);
		const expiresAt = Date.parse(h.json.expires_at);
		const second = Math.ceil(expiresAt / 1000);
		const [job] = await db.rows<{ run_at: string }>(sql`select run_at from scheduled_jobs where name = 'ledger.sweep' and key = ${`expiry:${second}`}`);
		expect(Date.parse(job!.run_at)).toBe(second * 1000);
		// The admin's Jobs page shows the sweep once: the extra run is part of its line.
		expect((await listJobs(db.orm)).filter((j) => j.name === 'ledger.sweep').map((j) => j.key)).toEqual(['']);

		const held = async () => (await callJson('/api/v1/balance', { headers: bearer(m.key) })).json as { held: number; available: number };
		await expect(held()).resolves.toMatchObject({ held: 300 });
		let back: { held: number; available: number } | null = null;
		while (Date.now() < expiresAt + 4_000) {
			const b = await held();
			if (b.held === 0) {
				back = b;
				break;
			}
			await new Promise((r) => setTimeout(r, 100));
		}
		// Back within the second after expiry, plus the runners' poll; not a minute later.
		expect(back).not.toBeNull();
		expect(Date.now() - expiresAt).toBeLessThan(3_000);
		const [row] = await db.rows<{ status: string }>(sql`select status from holds where id = ${h.json.hold_id}::uuid`);
		expect(row!.status).toBe('expired');
		await expectInvariants(db);
	});
});
