import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { backend, freshDb } from '../helpers/db';
import { startSmtp } from '../helpers/mail';
import { configureRates, expectInvariants } from '../helpers/ledger';
import { openPostgres, type Db } from '../../src/lib/server/db/client';
import { notifications, teamMembers } from '../../src/lib/server/db/schema';
import { createMailer, type Mailer } from '../../src/lib/server/mail';
import { consume, grant, setAllowanceRule, upsertFeature } from '../../src/lib/server/ledger';
import { createTeam, createUser } from '../../src/lib/server/accounts';
import { applySettingsWrite } from '../../src/lib/server/accounts/settings';
import { evaluateAlerts, listNotifications, startAlerts } from '../../src/lib/server/alerts';
import { accountsToAlert } from '../../src/lib/server/alerts/evaluate';

let db: Db & { url?: string };
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let mailer: Mailer;

beforeAll(async () => {
	db = await freshDb();
	smtp = await startSmtp();
	mailer = createMailer({ smtpUrl: smtp.url, mailDir: 'unused', from: 'Quota <alerts@quota.test>' });
	await configureRates(db);
	// One token per unit keeps the arithmetic of the scenarios readable.
	await upsertFeature(db.orm, { key: 'plain', name: 'Plain', module: 'product', unit: 'token', tokensPerUnit: 1 });
});
afterAll(async () => {
	await smtp?.close();
	await db?.close();
});

let n = 0;
const person = (name = 'Alex') => createUser(db.orm, { email: `${name.toLowerCase()}-${++n}-${randomUUID().slice(0, 6)}@example.com`, name });
const give = (accountId: string, tokens: number) => grant(db.orm, { accountId, tokens, source: 'purchase' });
const spend = (accountId: string, tokens: number, userId?: string) =>
	consume(db.orm, { accountId, feature: 'plain', units: tokens, actor: { userId }, idempotency: { scope: 'alerts-test', key: randomUUID() } });
const evaluate = (accountId: string) => evaluateAlerts(db, accountId, { mailer });
const mailsTo = (email: string) => smtp.messages.filter((m) => m.to.includes(email));
const recordsOf = (accountId: string) => db.orm.select().from(notifications).where(eq(notifications.accountId, accountId));

describe('low-balance and out-of-tokens alerts', () => {
	it('sends one "running low" mail and record per crossing, even when evaluated at the same time', async () => {
		const u = await person('Robin');
		await give(u.accountId, 1000);
		await spend(u.accountId, 800);
		// Exactly 20 % left is not below 20 %.
		expect(await evaluate(u.accountId)).toEqual([]);
		await spend(u.accountId, 3);

		// Two app processes reacting to the same NOTIFY: two connections on Postgres, two calls on PGlite.
		const other = backend === 'postgres' ? openPostgres(db.url!, { max: 2 }) : db;
		try {
			const results = await Promise.all([evaluate(u.accountId), evaluateAlerts(other, u.accountId, { mailer })]);
			expect(results.flat()).toEqual([expect.objectContaining({ userId: u.id, kind: 'balance_low', mailed: true })]);
		} finally {
			if (other !== db) await other.close();
		}
		expect(await evaluate(u.accountId)).toEqual([]);

		const mails = mailsTo(u.email!);
		expect(mails).toHaveLength(1);
		expect(mails[0]!.decoded).toMatch(/^Subject: You are running low on tokens/m);
		expect(mails[0]!.decoded).toContain('dropped below 20 %: 197 tokens left');
		expect(mails[0]!.decoded).toContain('http://localhost:3000/store');
		expect(await recordsOf(u.accountId)).toEqual([expect.objectContaining({ userId: u.id, kind: 'balance_low', balance: 197 })]);

		// Staying low sends nothing more.
		await spend(u.accountId, 100);
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
			'You are running low on tokens',
			'You are out of tokens',
			'You are running low on tokens',
			'You are out of tokens'
		]);
		const records = await recordsOf(u.accountId);
		expect(new Set(records.map((r) => r.dedupeKey)).size).toBe(4);
		await expectInvariants(db);
	});

	it('goes straight to "out of tokens" when one use empties a healthy balance, and re-arms on a partial top-up', async () => {
		const u = await person('Kim');
		await give(u.accountId, 500);
		await spend(u.accountId, 500);
		expect((await evaluate(u.accountId)).map((s) => s.kind)).toEqual(['balance_empty']);
		// A small top-up that stays below the threshold is low, not a new crossing of "low" …
		await give(u.accountId, 50);
		await give(u.accountId, 1000);
		await spend(u.accountId, 1000);
		expect(await evaluate(u.accountId)).toEqual([]);
		// … but running out again is a new "out of tokens".
		await spend(u.accountId, 50);
		expect((await evaluate(u.accountId)).map((s) => s.kind)).toEqual(['balance_empty']);
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
			expect(mail!.decoded).toMatch(/^Subject: Pool Team is running low on tokens/m);
			expect(mail!.decoded).toContain('The token pool of Pool Team dropped below 20 %: 300 tokens left');
		}
		// Their own personal accounts are untouched and in-app lists show the team's alert.
		expect(await listNotifications(db.orm, admin.id)).toEqual([expect.objectContaining({ kind: 'balance_low', teamName: 'Pool Team', balance: 300, mailed: true })]);
		expect(await listNotifications(db.orm, member.id)).toEqual([]);
		await expectInvariants(db);
	});

	it('records the alert but sends no mail to a user who turned mails off, and uses each user’s own threshold', async () => {
		const quiet = await person('Quiet');
		await applySettingsWrite(db, quiet.id, `device-${randomUUID()}`, { emailAlerts: false, lowSharePercent: 50 });
		await give(quiet.accountId, 1000);
		await spend(quiet.accountId, 400);
		expect(await evaluate(quiet.accountId)).toEqual([]);
		await spend(quiet.accountId, 101);
		expect(await evaluate(quiet.accountId)).toEqual([expect.objectContaining({ kind: 'balance_low', mailed: false })]);
		expect(mailsTo(quiet.email!)).toHaveLength(0);
		expect(await listNotifications(db.orm, quiet.id)).toEqual([expect.objectContaining({ kind: 'balance_low', balance: 499, sharePercent: 50, mailed: false })]);
		await expectInvariants(db);
	});

	it('never tells a user who only uses free allowances that they are out of tokens', async () => {
		const free = await person('Free');
		await setAllowanceRule(db.orm, { module: 'product', audience: 'member', userId: free.id, limitTokens: 1000, period: 'daily' });
		await spend(free.accountId, 300);
		expect(await evaluate(free.accountId)).toEqual([]);
		expect(await recordsOf(free.accountId)).toEqual([]);
		await expectInvariants(db);
	});

	it('picks, from many changed accounts at once, only those whose level moved for someone', async () => {
		const [low, fine, never] = [await person('Low'), await person('Fine'), await person('Never')];
		await give(low.accountId, 1000);
		await give(fine.accountId, 1000);
		await spend(low.accountId, 900);
		await spend(fine.accountId, 100);
		const all = [low.accountId, fine.accountId, never.accountId];
		expect(await accountsToAlert(db.orm, all)).toEqual([low.accountId]);
		expect(await evaluate(low.accountId)).toEqual([expect.objectContaining({ userId: low.id, kind: 'balance_low' })]);
		expect(await accountsToAlert(db.orm, all)).toEqual([]);
		await expectInvariants(db);
	});

	it('evaluates on its own after committed balance changes of several accounts (NOTIFY), once per burst', async () => {
		const bystander = await person('Bystander');
		await give(bystander.accountId, 1000);
		const u = await person('Watched');
		const stop = await startAlerts(db, { mailer, delayMs: 30 });
		try {
			await give(u.accountId, 1000);
			// 1000 → 830 → 660 → 490 → 320 → 150: only the last use crosses the 20 % line.
			await Promise.all([...Array.from({ length: 5 }, () => spend(u.accountId, 170)), spend(bystander.accountId, 10)]);
			const mail = await smtp.waitFor(u.email!);
			expect(mail.decoded).toMatch(/^Subject: You are running low on tokens/m);
			expect(mail.decoded).toContain('150 tokens left');
			await new Promise((r) => setTimeout(r, 300));
			expect(mailsTo(u.email!)).toHaveLength(1);
			expect(await recordsOf(u.accountId)).toHaveLength(1);
			expect(mailsTo(bystander.email!)).toHaveLength(0);
		} finally {
			await stop();
		}
		await expectInvariants(db);
	});
});
