import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { backend, freshDb } from '../helpers/db';
import { startSmtp } from '../helpers/mail';
import { configureRates, expectInvariants } from '../helpers/ledger';
import { openPostgres, type Db } from '../../src/lib/server/db/client';
import { notifications, teamMembers } from '../../src/lib/server/db/schema';
import { createMailer, type Mailer } from '../../src/lib/server/mail';
import { allocationShares, balances, consume, endLot, grant, hold, release, settle, setAllowanceRule, upsertFeature } from '../../src/lib/server/ledger';
import { levelOfLeft } from '../../src/lib/share-level';
import { createTeam, createUser, saveSiteRole, setSiteRole } from '../../src/lib/server/accounts';
import { applySettingsWrite } from '../../src/lib/server/accounts/settings';
import { alertCatchUpJob, catchUpAlerts, evaluateAlerts, listAlertSteps, listNotifications, markRead, setAlertSteps, startAlerts } from '../../src/lib/server/alerts';
import { accountsToAlert } from '../../src/lib/server/alerts/evaluate';
import { listJobs, startSchedule, type Schedule } from '../../src/lib/server/schedule';
import { mailJob } from '../../src/lib/server/mail/job';
import { watchAvailable } from '../helpers/stream';

let db: Db & { url?: string };
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let mailer: Mailer;
/** The schedule's mail job, run when a test asks (`deliver`): alert mail goes out through it (`mail.send`). */
let mailRunner: Schedule;

beforeAll(async () => {
	db = await freshDb();
	smtp = await startSmtp();
	mailer = createMailer({ smtpUrl: smtp.url, mailDir: 'unused', from: 'Quota <alerts@quota.test>' });
	mailRunner = await startSchedule(db, [mailJob(mailer)], { pollMs: 3_600_000 });
	await configureRates(db);
	// One token per unit keeps the arithmetic of the scenarios readable.
	await upsertFeature(db.orm, { key: 'plain', name: 'Plain', module: 'product', unit: 'token', tokensPerUnit: 1 });
});
afterAll(async () => {
	await mailRunner?.stop();
	await smtp?.close();
	await db?.close();
});

let n = 0;
const person = (name = 'Alex') => createUser(db.orm, { email: `${name.toLowerCase()}-${++n}-${randomUUID().slice(0, 6)}@example.com`, name, emailConfirmed: true });
const give = (accountId: string, tokens: number) => grant(db.orm, { accountId, tokens, source: 'purchase' });
const spend = (accountId: string, tokens: number, userId?: string, on: Db = db) =>
	consume(on.orm, { accountId, feature: 'plain', units: tokens, actor: { userId }, idempotency: { scope: 'alerts-test', key: randomUUID() } });
/** Sends the mail the schedule holds (the alerts queue it in their transaction). */
const deliver = () => mailRunner.runDue();
const evaluate = async (accountId: string) => {
	const sent = await evaluateAlerts(db, accountId);
	await deliver();
	return sent;
};
const mailsTo = (email: string) => smtp.messages.filter((m) => m.to.includes(email));
const recordsOf = (accountId: string) => db.orm.select().from(notifications).where(eq(notifications.accountId, accountId));

describe('low-balance and out-of-tokens alerts', () => {
	it('measures a role change that lowers a free allowance by the new limit: no alert for it; the next use is measured by the new allocation', async () => {
		// Found by walk49: moved from a 77,777-token role to a 10,000-token one, Leo was mailed that his tokens "dropped below 20%".
		const [big, small] = [`big-${++n}`, `small-${n}`];
		await saveSiteRole(db, { via: 'test' }, { key: small, name: `Small ${n}`, isNew: true });
		await setAllowanceRule(db.orm, { module: 'product', audience: 'role', role: big, limitTokens: 77_777, period: 'daily' });
		await setAllowanceRule(db.orm, { module: 'product', audience: 'role', role: small, limitTokens: 10_000, period: 'daily' });
		const u = await createUser(db.orm, { email: `mover-${n}@example.com`, name: 'Mover', siteRole: big, emailConfirmed: true });
		await give(u.accountId, 5_100);
		expect(await evaluate(u.accountId)).toEqual([]);
		const before = (await allocationShares(db.orm, [u.accountId])).get(u.accountId)!;

		await setSiteRole(db, { via: 'test' }, u.id, small);
		const after = (await allocationShares(db.orm, [u.accountId])).get(u.accountId)!;
		// Less than 20% of the allocation before, all of the one now: the rule shrank both, nothing was used.
		expect(after.left * 100 < before.base * 20).toBe(true);
		expect(after.left).toBe(after.base);
		expect(await evaluate(u.accountId)).toEqual([]);
		expect(mailsTo(u.email!)).toEqual([]);

		// A use then is measured by the new allocation: below 20% of it, not below 5% of the old one.
		await spend(u.accountId, after.base - Math.floor(after.base * 0.15));
		expect(await evaluate(u.accountId)).toEqual([expect.objectContaining({ stage: 'share:20', mailed: true })]);
		expect(mailsTo(u.email!).at(-1)!.decoded).toContain('Your available tokens dropped below 20% of your allocation');
		await expectInvariants(db);
	});

	it('sends one alert mail and record per crossing, even when evaluated at the same time', async () => {
		const u = await person('Robin');
		await give(u.accountId, 1000);
		await spend(u.accountId, 800);
		// Exactly 20% left is not below 20%.
		expect(await evaluate(u.accountId)).toEqual([]);
		await spend(u.accountId, 3);

		// Two app processes reacting to the same NOTIFY: two connections on Postgres, two calls on PGlite.
		const other = backend === 'postgres' ? openPostgres(db.url!, { max: 2 }) : db;
		try {
			const results = await Promise.all([evaluate(u.accountId), evaluateAlerts(other, u.accountId)]);
			await deliver();
			expect(results.flat()).toEqual([expect.objectContaining({ userId: u.id, kind: 'balance_low', stage: 'share:20', mailed: true })]);
		} finally {
			if (other !== db) await other.close();
		}
		expect(await evaluate(u.accountId)).toEqual([]);

		const mails = mailsTo(u.email!);
		expect(mails).toHaveLength(1);
		expect(mails[0]!.decoded).toMatch(/^Subject: Your available tokens dropped below 20%$/m);
		expect(mails[0]!.decoded).toContain('Your available tokens dropped below 20% of your allocation (the tokens granted plus the free allowances): 197 tokens available.');
		expect(mails[0]!.decoded).toContain("That is the dashboard's Available");
		expect(mails[0]!.decoded).not.toMatch(/running low|balance/);
		expect(mails[0]!.decoded).toContain('http://localhost:3000/store');
		expect(await recordsOf(u.accountId)).toEqual([expect.objectContaining({ userId: u.id, kind: 'balance_low', balance: 197 })]);

		// Staying between 20% and 10% sends nothing more.
		await spend(u.accountId, 50);
		expect(await evaluate(u.accountId)).toEqual([]);
		expect(mailsTo(u.email!)).toHaveLength(1);
		await expectInvariants(db);
	});

	it('sends its own mail when the tokens run out, and again after a recovery and a new drop', async () => {
		const u = await person('Sam');
		await give(u.accountId, 1000);
		await spend(u.accountId, 900);
		await evaluate(u.accountId);
		await spend(u.accountId, 100);
		expect(await evaluate(u.accountId)).toEqual([expect.objectContaining({ kind: 'balance_empty' })]);
		expect(await evaluate(u.accountId)).toEqual([]);
		const [, out] = mailsTo(u.email!);
		expect(out!.decoded).toMatch(/^Subject: You are out of tokens/m);

		// Buying more ends the crossing (no mail); the next drop below the threshold is a new one.
		await give(u.accountId, 5000);
		expect(await evaluate(u.accountId)).toEqual([]);
		await spend(u.accountId, 4100);
		expect(await evaluate(u.accountId)).toEqual([expect.objectContaining({ kind: 'balance_low' })]);
		await spend(u.accountId, 900);
		expect(await evaluate(u.accountId)).toEqual([expect.objectContaining({ kind: 'balance_empty' })]);

		expect(mailsTo(u.email!).map((m) => /^Subject: (.+)$/m.exec(m.decoded)![1])).toEqual([
			'Your available tokens dropped below 20%',
			'You are out of tokens',
			'Your available tokens dropped below 20%',
			'You are out of tokens'
		]);
		const records = await recordsOf(u.accountId);
		expect(new Set(records.map((r) => r.dedupeKey)).size).toBe(4);
		await expectInvariants(db);
	});

	it('goes straight to "out of tokens" when one use empties a healthy balance, and alerts only the deepest step', async () => {
		const u = await person('Kim');
		await give(u.accountId, 500);
		await spend(u.accountId, 500);
		expect((await evaluate(u.accountId)).map((s) => s.stage)).toEqual(['depleted']);
		// Any top-up re-arms; one use from 100% to 8% passes 20% and 10% at once: one alert, for 10%.
		await give(u.accountId, 1000);
		expect(await evaluate(u.accountId)).toEqual([]);
		await spend(u.accountId, 920);
		expect((await evaluate(u.accountId)).map((s) => s.stage)).toEqual(['share:10']);
		expect(mailsTo(u.email!)).toHaveLength(2);
		await expectInvariants(db);
	});

	it('tells a team pool’s owners and admins, not its members', async () => {
		const [owner, admin, member] = await Promise.all([person('Owner'), person('Admin'), person('Member')]);
		const team = await createTeam(db.orm, { name: 'Pool Team', ownerUserId: owner.id });
		await db.orm.insert(teamMembers).values([
			{ teamId: team.id, userId: admin.id, role: 'admin' },
			{ teamId: team.id, userId: member.id, role: 'member' }
		]);
		await give(team.accountId, 2000);
		await spend(team.accountId, 1700, member.id);
		const sent = await evaluate(team.accountId);
		expect(sent.map((s) => s.userId).sort()).toEqual([owner.id, admin.id].sort());
		expect(mailsTo(member.email!)).toHaveLength(0);
		for (const u of [owner, admin]) {
			const [mail] = mailsTo(u.email!);
			expect(mail!.decoded).toMatch(/^Subject: Pool Team's available tokens dropped below 20%/m);
			expect(mail!.decoded).toContain("Pool Team's available tokens dropped below 20% of its allocation");
			expect(mail!.decoded).toContain(': 300 tokens available');
		}
		// Their own personal accounts are untouched and in-app lists show the team's alert.
		expect((await listNotifications(db.orm, admin.id)).entries).toEqual([expect.objectContaining({ kind: 'balance_low', teamName: 'Pool Team', balance: 300, mailed: true })]);
		expect(await listNotifications(db.orm, member.id)).toEqual({ entries: [], unread: 0 });
		await expectInvariants(db);
	});

	it('records the alert but sends no mail to a user who turned mails off, at the account’s own steps', async () => {
		const quiet = await person('Quiet');
		await applySettingsWrite(db, quiet.id, `device-${randomUUID()}`, { emailAlerts: false });
		await setAlertSteps(db, quiet.id, `device-${randomUUID()}`, quiet.accountId, { shares: [50], tokens: [], depleted: true });
		await deliver();
		await give(quiet.accountId, 1000);
		await spend(quiet.accountId, 400);
		expect(await evaluate(quiet.accountId)).toEqual([]);
		await spend(quiet.accountId, 101);
		expect(await evaluate(quiet.accountId)).toEqual([expect.objectContaining({ kind: 'balance_low', mailed: false })]);
		expect(mailsTo(quiet.email!)).toHaveLength(0);
		expect((await listNotifications(db.orm, quiet.id)).entries).toEqual([expect.objectContaining({ kind: 'balance_low', balance: 499, sharePercent: 50, base: 1000, mailed: false, readAt: null })]);
		await expectInvariants(db);
	});

	it('fires a fixed-number step strictly below it and a share step strictly below it, each at its boundary', async () => {
		const u = await person('Edge');
		await setAlertSteps(db, u.id, `device-${randomUUID()}`, u.accountId, { shares: [25], tokens: [100], depleted: true });
		await deliver();
		await give(u.accountId, 1000);
		// Exactly 25% (250 tokens) left: not below the share step.
		await spend(u.accountId, 750);
		expect(await evaluate(u.accountId)).toEqual([]);
		await spend(u.accountId, 1);
		expect((await evaluate(u.accountId)).map((s) => s.stage)).toEqual(['share:25']);
		// Exactly 100 tokens left: not below the token step; 99 is.
		await spend(u.accountId, 149);
		expect(await evaluate(u.accountId)).toEqual([]);
		await spend(u.accountId, 1);
		expect(await evaluate(u.accountId)).toEqual([expect.objectContaining({ kind: 'balance_low', stage: 'tokens:100', mailed: true })]);
		const mail = mailsTo(u.email!).at(-1)!;
		expect(mail.decoded).toContain('Your available tokens dropped below 100 tokens: 99 tokens available.');
		expect((await listNotifications(db.orm, u.id)).entries[0]).toMatchObject({ sharePercent: null, tokensStep: 100, balance: 99 });
		// A top-up re-arms it: the next drop below 100 is a new crossing.
		await give(u.accountId, 100);
		expect(await evaluate(u.accountId)).toEqual([]);
		await spend(u.accountId, 100);
		expect((await evaluate(u.accountId)).map((s) => s.stage)).toEqual(['tokens:100']);
		await expectInvariants(db);
	});

	it('refuses token steps that are not whole positive numbers, repeated, or more than five steps in all', async () => {
		const u = await person('Bad');
		for (const [shares, tokens] of [[[], [0]], [[], [1.5]], [[], [-5]], [[], [100, 100]], [[20, 10, 5], [300, 200, 100]], [[], [2e12]]] as const) {
			await expect(setAlertSteps(db, u.id, `device-${randomUUID()}`, u.accountId, { shares: [...shares], tokens: [...tokens], depleted: true })).rejects.toMatchObject({ code: 'invalid_input' });
		}
		const set = await setAlertSteps(db, u.id, `device-${randomUUID()}`, u.accountId, { shares: [10], tokens: [50, 5000], depleted: true });
		expect(set.steps.accounts[0]).toMatchObject({ shares: [10], tokens: [5000, 50], isDefault: false });
	});

	it('counts free allowances in the allocation: a member with only an allowance hears at its steps, not before', async () => {
		const free = await person('Free');
		await setAllowanceRule(db.orm, { module: 'product', audience: 'member', userId: free.id, limitTokens: 1000, period: 'daily' });
		await spend(free.accountId, 300);
		expect(await evaluate(free.accountId)).toEqual([]);
		expect(await recordsOf(free.accountId)).toEqual([]);
		await spend(free.accountId, 660);
		expect((await evaluate(free.accountId)).map((s) => s.stage)).toEqual(['share:5']);
		// 1,000 granted plus the 1,000 allowance: 40 + 1,000 of 2,000 left, above every step again.
		await give(free.accountId, 1000);
		expect(await evaluate(free.accountId)).toEqual([]);
		expect((await listNotifications(db.orm, free.id)).entries).toEqual([expect.objectContaining({ balance: 40, sharePercent: 5, base: 1000 })]);
		await expectInvariants(db);
	});

	it('picks, from many changed accounts at once, only those whose level moved for someone or whose allocation changed', async () => {
		const [low, fine, never] = [await person('Low'), await person('Fine'), await person('Never')];
		await give(low.accountId, 1000);
		await give(fine.accountId, 1000);
		await spend(low.accountId, 900);
		await spend(fine.accountId, 100);
		const all = [low.accountId, fine.accountId, never.accountId];
		// Fine's allocation is new: kept, as the base its next change is measured by; Never has none.
		expect((await accountsToAlert(db.orm, all)).sort()).toEqual([low.accountId, fine.accountId].sort());
		expect(await evaluate(low.accountId)).toEqual([expect.objectContaining({ userId: low.id, kind: 'balance_low' })]);
		expect(await evaluate(fine.accountId)).toEqual([]);
		expect(await accountsToAlert(db.orm, all)).toEqual([]);
		// A spend that leaves the allocation as it was asks for nothing.
		await spend(fine.accountId, 100);
		expect(await accountsToAlert(db.orm, all)).toEqual([]);
		await expectInvariants(db);
	});

	it('evaluates on its own after committed balance changes of several accounts (NOTIFY), once per burst', async () => {
		const bystander = await person('Bystander');
		await give(bystander.accountId, 1000);
		const u = await person('Watched');
		const stop = await startAlerts(db, { delayMs: 30 });
		// The schedule as every app process runs it: mail goes out within a poll.
		const poller = await startSchedule(db, [mailJob(mailer)], { pollMs: 20 });
		try {
			await give(u.accountId, 1000);
			// 1000 → 830 → 660 → 490 → 320 → 150: only the last use crosses the 20% line.
			await Promise.all([...Array.from({ length: 5 }, () => spend(u.accountId, 170)), spend(bystander.accountId, 10)]);
			const mail = await smtp.waitFor(u.email!);
			expect(mail.decoded).toMatch(/^Subject: Your available tokens dropped below/m);
			expect(mail.decoded).toContain('150 tokens available');
			await new Promise((r) => setTimeout(r, 300));
			expect(mailsTo(u.email!)).toHaveLength(1);
			expect(await recordsOf(u.accountId)).toHaveLength(1);
			expect(mailsTo(bystander.email!)).toHaveLength(0);
		} finally {
			await stop();
			await poller.stop();
		}
		await expectInvariants(db);
	});

	it("tells the app's open streams of the account when an alert reaches the inbox, not a site key's, and no other account's", async () => {
		const u = await person('Streamed');
		const other = await person('Quiet');
		await give(u.accountId, 1000);
		await give(other.accountId, 1000);
		const streams = [
			{ accountId: u.accountId, inbox: true },
			{ accountId: u.accountId, inbox: false },
			{ accountId: other.accountId, inbox: true }
		].map(({ accountId, inbox }) => watchAvailable(db, accountId, inbox));
		try {
			await expect.poll(() => streams.every((s) => s.text.seen.includes('event: balance'))).toBe(true);
			await spend(u.accountId, 850);
			expect(await evaluate(u.accountId)).toHaveLength(1);
			// The balance event of the use, then the alert's: an inbox event, with no id (it changes no figure).
			await expect.poll(() => streams[0]!.text.seen).toMatch(/event: inbox\ndata: \{\}\n\n/);
			expect(streams[0]!.text.seen).not.toMatch(/event: inbox\nid:/);
			await new Promise((r) => setTimeout(r, 300));
			expect(streams[1]!.text.seen).toContain('data: 150');
			expect(streams[1]!.text.seen).not.toContain('event: inbox');
			expect(streams[2]!.text.seen).not.toContain('event: inbox');
		} finally {
			await Promise.all(streams.map((s) => s.stop()));
		}
		await expectInvariants(db);
	});
});

describe('the schedule’s catch-up (alerts.evaluate)', () => {
	it('alerts, from its saved cursor, what no process heard, and never a crossing twice beside the watcher', async () => {
		const catchUp = await startSchedule(db, [alertCatchUpJob({ settleSeconds: 0 })], { pollMs: 3_600_000 });
		const due = () => db.rows(sql`update scheduled_jobs set run_at = now() where name = 'alerts.evaluate'`);
		const cursor = async () => (await db.rows<{ payload: { cursor: number } }>(sql`select payload from scheduled_jobs where name = 'alerts.evaluate'`))[0]!.payload.cursor;
		try {
			await catchUp.runDue(); // the first run starts at the newest entry
			const start = await cursor();
			// Committed while no app process listened: nobody evaluates them.
			const u = await person('Offline');
			await give(u.accountId, 1000);
			await spend(u.accountId, 850);
			expect(await recordsOf(u.accountId)).toEqual([]);
			await due();
			await catchUp.runDue();
			await deliver();
			expect((await recordsOf(u.accountId)).map((r) => r.kind)).toEqual(['balance_low']);
			expect(mailsTo(u.email!)).toHaveLength(1);
			expect(await cursor()).toBeGreaterThan(start);
			const [job] = (await listJobs(db.orm)).filter((j) => j.name === 'alerts.evaluate');
			expect(job).toMatchObject({ everySeconds: 60, status: 'scheduled', failures: 0, lastError: null });

			// The watcher hears the next crossing; the catch-up, running after it over the same change, adds nothing.
			const stop = await startAlerts(db, { delayMs: 5 });
			try {
				await spend(u.accountId, 100); // 50 left: below 10%
				await expect.poll(async () => (await recordsOf(u.accountId)).length).toBe(2);
			} finally {
				await stop();
			}
			await due();
			await catchUp.runDue();
			await catchUp.runDue();
			expect((await recordsOf(u.accountId)).length).toBe(2);
		} finally {
			await catchUp.stop();
		}
		await expectInvariants(db);
	});

	it('leaves entries younger than the settling time for a later run (a lower id may still commit)', async () => {
		let saved: unknown = null;
		const save = async (s: unknown) => void (saved = s);
		await catchUpAlerts(db, null, save, { settleSeconds: 3600 });
		const start = (saved as { cursor: number }).cursor;
		const u = await person('Recent');
		await give(u.accountId, 1000);
		await spend(u.accountId, 900);
		expect(await catchUpAlerts(db, saved, save, { settleSeconds: 3600 })).toEqual({ accounts: 0, alerts: 0 });
		expect(saved).toEqual({ cursor: start });
		expect(await catchUpAlerts(db, saved, save, { settleSeconds: 0, batch: 1 })).toMatchObject({ alerts: 1 });
		expect((saved as { cursor: number }).cursor).toBeGreaterThan(start);
		await deliver();
		await expectInvariants(db);
	});
});

describe('alert steps: 20%, 10%, 5% and depleted by default', () => {
	const stagesOf = async (accountId: string) => (await recordsOf(accountId)).sort((a, b) => a.id - b.id).map((r) => r.dedupeKey.split(':').slice(0, -3).join(':'));

	it('fires each step once while a member spends down through them, in the inbox and by mail', async () => {
		const u = await person('Steps');
		await give(u.accountId, 10_000);
		// 10,000 → 2,500 → 1,999 (below 20%) → 1,500 → 999 (10%) → 600 → 499 (5%) → 100 → 0.
		for (const use of [7500, 501, 499, 501, 399, 101, 399, 100]) {
			await spend(u.accountId, use);
			await evaluate(u.accountId);
			await evaluate(u.accountId); // a second look changes nothing
		}
		expect(await stagesOf(u.accountId)).toEqual(['share:20', 'share:10', 'share:5', 'depleted']);
		expect(mailsTo(u.email!).map((m) => /^Subject: (.+)$/m.exec(m.decoded)![1])).toEqual([
			'Your available tokens dropped below 20%',
			'Your available tokens dropped below 10%',
			'Your available tokens dropped below 5%',
			'You are out of tokens'
		]);
		expect(mailsTo(u.email!)[1]!.decoded).toContain('dropped below 10% of your allocation');
		const inbox = await listNotifications(db.orm, u.id);
		expect(inbox.unread).toBe(4);
		expect(inbox.entries.map((e) => [e.kind, e.sharePercent, e.balance])).toEqual([
			['balance_empty', null, 0],
			['balance_low', 5, 499],
			['balance_low', 10, 999],
			['balance_low', 20, 1999]
		]);
		await expectInvariants(db);
	});

	it('re-arms on a top-up, so the next drop fires the steps again; a spent lot leaving the base re-arms nothing', async () => {
		const u = await person('Rearm');
		await give(u.accountId, 1000);
		await spend(u.accountId, 850);
		expect((await evaluate(u.accountId)).map((a) => a.stage)).toEqual(['share:20']);
		// A small top-up: 250 of 1,100 is above 20% again, re-armed; the next drop fires 20% again.
		await give(u.accountId, 100);
		expect(await evaluate(u.accountId)).toEqual([]);
		await spend(u.accountId, 40);
		expect((await evaluate(u.accountId)).map((a) => a.stage)).toEqual(['share:20']);
		// The first lot is spent to nothing and leaves the base: measured by the base before the spend
		// (1,100), 100 left is below 10%. Then by what is left of it: 15 of 100 is not below 20% again,
		// and no tokens were added since the crossing, so 20% does not fire again on the way down.
		await spend(u.accountId, 110);
		expect((await evaluate(u.accountId)).map((a) => a.stage)).toEqual(['share:10']);
		await spend(u.accountId, 85);
		expect(await evaluate(u.accountId)).toEqual([]);
		await spend(u.accountId, 11); // 4 of 100: below 5%
		expect((await evaluate(u.accountId)).map((a) => a.stage)).toEqual(['share:5']);
		// Buying more lifts it above every step: all re-armed.
		await give(u.accountId, 5000);
		expect(await evaluate(u.accountId)).toEqual([]);
		await spend(u.accountId, 4100);
		expect((await evaluate(u.accountId)).map((a) => a.stage)).toEqual(['share:20']);
		expect(await stagesOf(u.accountId)).toEqual(['share:20', 'share:20', 'share:10', 'share:5', 'share:20']);
		await expectInvariants(db);
	});

	it('measures a change that takes a lot out of the allocation by the allocation before it: a spend, a settle, an expiry, in a team pool too', async () => {
		// 20,000 never expiring with 5,405 left (27%), and a 40,000 bonus that expires, spent first, with 29,000
		// left: 34,405 of 60,000 (57%). Taking those 29,000 leaves 5,405 of the 20,000 still granted (27% of
		// it), but 9% of the 60,000 it passed through: 20% and 10% were passed, one alert for the lower.
		const drained = async (accountId: string) => {
			await give(accountId, 20_000);
			await spend(accountId, 14_595);
			const bonus = await grant(db.orm, { accountId, tokens: 40_000, source: 'bonus', expiresAt: new Date(Date.now() + 30 * 86_400_000) });
			await spend(accountId, 11_000);
			expect((await evaluate(accountId)).map((a) => a.stage)).toEqual([]);
			return bonus.lotId;
		};
		const u = await person('Drained');
		await drained(u.accountId);
		await spend(u.accountId, 29_000);
		expect(await balances(db.orm, u.accountId)).toMatchObject({ available: 5_405 });
		expect((await evaluate(u.accountId)).map((a) => a.stage)).toEqual(['share:10']);
		expect(mailsTo(u.email!).at(-1)!.decoded).toMatch(/^Subject: Your available tokens dropped below 10%$/m);
		// The alert says the allocation it was measured by (so does its balance.low event: the same figures).
		expect((await listNotifications(db.orm, u.id)).entries[0]).toMatchObject({ sharePercent: 10, balance: 5_405, base: 60_000 });
		// From there the 20,000 still granted is the allocation: 5% of it is 1,000 tokens.
		await spend(u.accountId, 4_405);
		expect(await evaluate(u.accountId)).toEqual([]);
		await spend(u.accountId, 1);
		expect((await evaluate(u.accountId)).map((a) => a.stage)).toEqual(['share:5']);

		// A running job's hold takes the bonus's 29,000: held, still there and still in the allocation; its settle takes them.
		const streamed = await person('Streamed');
		await drained(streamed.accountId);
		const job = await hold(db.orm, { accountId: streamed.accountId, feature: 'plain', maxTokens: 29_000, ttlSeconds: 60, actor: {}, idempotency: { scope: 'alerts-test', key: randomUUID() } });
		expect(await evaluate(streamed.accountId)).toEqual([]);
		await settle(db.orm, job.holdId, 29_000, { scope: 'alerts-test', key: randomUUID() });
		expect((await evaluate(streamed.accountId)).map((a) => a.stage)).toEqual(['share:10']);

		// The bonus ends with its 29,000 unspent (an expiry records it alike).
		const ended = await person('Ended');
		const bonus = await drained(ended.accountId);
		await endLot(db.orm, { lotId: bonus, actor: {}, paidSources: ['purchase', 'subscription'] });
		expect((await evaluate(ended.accountId)).map((a) => a.stage)).toEqual(['share:10']);

		// A team pool's owner hears the same.
		const owner = await person('Pooled');
		const team = await createTeam(db.orm, { name: 'Drained Team', ownerUserId: owner.id });
		await drained(team.accountId);
		await spend(team.accountId, 29_000, owner.id);
		expect(await evaluate(team.accountId)).toEqual([expect.objectContaining({ userId: owner.id, stage: 'share:10' })]);
		await expectInvariants(db);
	});

	it('gives the dashboard the level the alerts measure while a running job holds a lot it emptied', async () => {
		// 900 never expiring and a 100 bonus that expires, spent first: the job's hold of 100 empties the bonus,
		// then 810 are spent. 90 + 100 held = 190 left of the 1,000 still granted (19%): below 20%, "low", as the
		// alerts measure it, not 190 of the 900 of the lots with tokens in them (21%, "ok").
		const u = await person('Held');
		await give(u.accountId, 900);
		await grant(db.orm, { accountId: u.accountId, tokens: 100, source: 'bonus', expiresAt: new Date(Date.now() + 30 * 86_400_000) });
		const job = await hold(db.orm, { accountId: u.accountId, feature: 'plain', maxTokens: 100, ttlSeconds: 60, actor: {}, idempotency: { scope: 'alerts-test', key: randomUUID() } });
		await spend(u.accountId, 810);
		const share = (await allocationShares(db.orm, [u.accountId])).get(u.accountId)!;
		expect(share).toMatchObject({ base: 1_000, left: 190 });
		const dashboard = await balances(db.orm, u.accountId);
		expect(dashboard).toMatchObject({ available: 90, held: 100, lowSharePercent: 20, level: 'low' });
		expect(dashboard.level).toBe(levelOfLeft(share.left, share.base, dashboard.lowSharePercent));
		expect((await evaluate(u.accountId)).map((a) => a.stage)).toEqual(['share:20']);
		await release(db.orm, job.holdId, { scope: 'alerts-test', key: randomUUID() });
		await expectInvariants(db);
	});

	it('counts held tokens as still there: a streaming reply’s hold and its settle or release do not flap the steps', async () => {
		const u = await person('Stream');
		await give(u.accountId, 1000);
		const reply = (maxTokens: number) =>
			hold(db.orm, { accountId: u.accountId, feature: 'plain', maxTokens, ttlSeconds: 60, actor: {}, idempotency: { scope: 'alerts-test', key: randomUUID() } });
		const first = await reply(900);
		expect(await evaluate(u.accountId)).toEqual([]);
		await settle(db.orm, first.holdId, 850, { scope: 'alerts-test', key: randomUUID() });
		expect((await evaluate(u.accountId)).map((a) => a.stage)).toEqual(['share:20']);
		// Another reply holds 120 and gives it all back: nothing crossed, nothing re-armed.
		const second = await reply(120);
		expect(await evaluate(u.accountId)).toEqual([]);
		// Settings words the figure as the dashboard's Available card does (the hold apart), not as the share's 150.
		const dashboard = await balances(db.orm, u.accountId);
		expect(dashboard).toMatchObject({ available: 30, held: 120 });
		// And where the held tokens came from in the dashboard's words (lib/held-words.ts), not the old "and 120 held by running jobs".
		expect((await listAlertSteps(db, u.id)).accounts).toEqual([
			expect.objectContaining({ left: 150, available: dashboard.available, held: dashboard.held, heldWords: '120 held by running jobs, all from the balance, already taken off these figures.' })
		]);
		await release(db.orm, second.holdId, { scope: 'alerts-test', key: randomUUID() });
		expect((await listAlertSteps(db, u.id)).accounts[0]!.heldWords).toBe('');
		expect(await evaluate(u.accountId)).toEqual([]);
		await spend(u.accountId, 60);
		expect((await evaluate(u.accountId)).map((a) => a.stage)).toEqual(['share:10']);
		expect(await stagesOf(u.accountId)).toEqual(['share:20', 'share:10']);
		await expectInvariants(db);
	});

	it('follows the steps a member sets, alerts at once a step set above the share, and refuses bad steps changing nothing', async () => {
		const u = await person('Custom');
		await give(u.accountId, 1000);
		await spend(u.accountId, 700); // 30%: above the default steps
		expect(await evaluate(u.accountId)).toEqual([]);
		const key = `device-${randomUUID()}`;
		const set = await setAlertSteps(db, u.id, key, u.accountId, { shares: [15, 50, 25], tokens: [], depleted: false });
		await deliver();
		expect(set.steps.accounts).toEqual([expect.objectContaining({ accountId: u.accountId, shares: [50, 25, 15], depleted: false, isDefault: false, base: 1000, left: 300 })]);
		// 30% is below the new 50% step: told at once, as already below it (the tokens did not drop: the step was set above them).
		expect(await stagesOf(u.accountId)).toEqual(['share:50']);
		expect((await listNotifications(db.orm, u.id)).entries).toEqual([expect.objectContaining({ kind: 'balance_low', sharePercent: 50, balance: 300, cause: 'set' })]);
		expect(mailsTo(u.email!).at(-1)!.decoded).toContain('Your available tokens were already below 50% of your allocation (the tokens granted plus the free allowances) when the alert steps were saved: 300 tokens available.');
		// The same change sent again from the device (offline replay) is applied once.
		expect((await setAlertSteps(db, u.id, key, u.accountId, { shares: [15, 50, 25], tokens: [], depleted: false })).replayed).toBe(true);
		await deliver();
		await spend(u.accountId, 60); // 24%
		await evaluate(u.accountId);
		await spend(u.accountId, 100); // 14%
		await evaluate(u.accountId);
		await spend(u.accountId, 140); // 0: "depleted" is off, nothing more
		await evaluate(u.accountId);
		expect(await stagesOf(u.accountId)).toEqual(['share:50', 'share:25', 'share:15']);
		// Those the spending passed say so.
		expect((await listNotifications(db.orm, u.id)).entries.map((e) => [e.sharePercent, e.cause])).toEqual([[15, 'drop'], [25, 'drop'], [50, 'set']]);
		expect(mailsTo(u.email!).at(-1)!.decoded).toContain('Your available tokens dropped below 15% of your allocation');

		for (const bad of [[0], [100], [12.5], [20, 20], [60, 50, 40, 30, 20, 10]]) {
			await expect(setAlertSteps(db, u.id, `device-${randomUUID()}`, u.accountId, { shares: bad, tokens: [], depleted: true })).rejects.toMatchObject({ code: 'invalid_input' });
		}
		const other = await person('Other');
		await expect(setAlertSteps(db, other.id, `device-${randomUUID()}`, u.accountId, { shares: [30], tokens: [], depleted: true })).rejects.toMatchObject({ code: 'forbidden' });
		// The same device key with other steps is another change: refused, and nothing changes (issue 12.1).
		await expect(setAlertSteps(db, u.id, key, u.accountId, { shares: [1], tokens: [], depleted: true })).rejects.toMatchObject({ code: 'idempotency_key_reused' });
		const [now] = (await listAlertSteps(db, u.id)).accounts;
		expect(now).toMatchObject({ shares: [50, 25, 15], depleted: false });
		await expectInvariants(db);
	});

	it('lets a team’s owner and admins set the pool’s steps, not its members', async () => {
		const [owner, admin, member] = await Promise.all([person('Owner'), person('Admin'), person('Member')]);
		const team = await createTeam(db.orm, { name: 'Steps Team', ownerUserId: owner.id });
		await db.orm.insert(teamMembers).values([
			{ teamId: team.id, userId: admin.id, role: 'admin' },
			{ teamId: team.id, userId: member.id, role: 'member' }
		]);
		const set = await setAlertSteps(db, admin.id, `device-${randomUUID()}`, team.accountId, { shares: [40], tokens: [], depleted: true });
		await deliver();
		expect(set.steps.accounts.map((a) => [a.name, a.shares])).toEqual([
			['Personal', [20, 10, 5]],
			['Steps Team', [40]]
		]);
		await expect(setAlertSteps(db, member.id, `device-${randomUUID()}`, team.accountId, { shares: [90], tokens: [], depleted: true })).rejects.toMatchObject({ code: 'forbidden' });
		await give(team.accountId, 1000);
		await spend(team.accountId, 650, member.id);
		expect((await evaluate(team.accountId)).map((a) => [a.userId, a.stage]).sort()).toEqual([[owner.id, 'share:40'], [admin.id, 'share:40']].sort());
		await expectInvariants(db);
	});

	it('marks alerts read by id or up to the list seen, only the user’s own, and counts what is unread', async () => {
		const u = await person('Reader');
		const stranger = await person('Stranger');
		await give(u.accountId, 1000);
		for (const use of [850, 60, 60]) {
			await spend(u.accountId, use);
			await evaluate(u.accountId);
		}
		const { entries, unread } = await listNotifications(db.orm, u.id);
		expect(unread).toBe(3);
		const [newest, middle, oldest] = entries.map((e) => e.id);
		expect(await markRead(db.orm, stranger.id, { ids: [newest!] })).toBe(0);
		expect(await markRead(db.orm, u.id, { ids: [middle!] })).toBe(2);
		expect(await markRead(db.orm, u.id, { ids: [middle!] })).toBe(2);
		expect(await markRead(db.orm, u.id, { upTo: oldest! })).toBe(1);
		const after = await listNotifications(db.orm, u.id);
		expect(after.entries.map((e) => e.readAt !== null)).toEqual([false, true, true]);
		expect(await markRead(db.orm, u.id, { upTo: newest! })).toBe(0);
		await expectInvariants(db);
	});

	it('fires each step once when many uses run at once and two app processes watch the changes', async () => {
		const u = await person('Rush');
		await give(u.accountId, 4000);
		// A second "process": its own connections on Postgres; on PGlite the same database.
		const other = backend === 'postgres' ? openPostgres(db.url!, { max: 4 }) : db;
		const stops = [await startAlerts(db, { delayMs: 5 }), await startAlerts(other, { delayMs: 5 })];
		try {
			// 40 uses of 100 from both connection pools at once, in waves, spending everything.
			for (let wave = 0; wave < 4; wave++) {
				await Promise.all(Array.from({ length: 10 }, (_, i) => spend(u.accountId, 100, undefined, i % 2 ? other : db)));
				await new Promise((r) => setTimeout(r, 30));
			}
			const deadline = Date.now() + 10_000;
			while (!(await stagesOf(u.accountId)).includes('depleted') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
			await new Promise((r) => setTimeout(r, 300));
		} finally {
			for (const stop of stops) await stop();
			if (other !== db) await other.close();
		}
		await deliver();
		const stages = await stagesOf(u.accountId);
		expect(stages.filter((s) => s === 'depleted')).toEqual(['depleted']);
		expect(new Set(stages).size).toBe(stages.length);
		expect(mailsTo(u.email!)).toHaveLength(stages.length);
		await expectInvariants(db);
	});
});
