// Tokens a site admin adds to an account (a bonus), a balance they correct (an adjustment) and unlimited
// use they grant or end are told to whoever looks after it, with the admin's note: in the in-app inbox, by push to their devices and
// by mail unless they turned alert mails off, once per change, in the change's transaction.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { backend, freshDb } from '../helpers/db';
import { configureRates, expectInvariants } from '../helpers/ledger';
import { startSmtp } from '../helpers/mail';
import { startPushService } from '../helpers/push-service';
import { makeWorld, type World } from '../helpers/world';
import type { Db } from '../../src/lib/server/db/client';
import { createSession, createUser, endWithSiteKey, ensureSiteKey, grantWithSiteKey, type ApiKeyAuth } from '../../src/lib/server/accounts';
import { applySettingsWrite } from '../../src/lib/server/accounts/settings';
import { listNotifications, pushJob, subscribePush } from '../../src/lib/server/alerts';
import { adjustAccountBalance, endLotNow, grantBonus, grantUnlimited } from '../../src/lib/server/admin';
import { updateSiteSettings } from '../../src/lib/server/ledger';
import { startSchedule, type Schedule } from '../../src/lib/server/schedule';
import { createMailer } from '../../src/lib/server/mail';
import { mailJob } from '../../src/lib/server/mail/job';
import { parsePushMessage } from '../../src/lib/push-message';

let db: Db & { url?: string };
let push: Awaited<ReturnType<typeof startPushService>>;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
/** The schedule's push and mail jobs: the notices' pushes and mails go out through them. */
let outbox: Schedule;
let w: World;
let admin: { userId: string; ip: string | null };

beforeAll(async () => {
	db = await freshDb();
	[push, smtp] = await Promise.all([startPushService(), startSmtp()]);
	outbox = await startSchedule(db, [pushJob({ agent: push.agent }), mailJob(createMailer({ smtpUrl: smtp.url, mailDir: 'unused', from: 'Quota <no-reply@quota.test>' }))], { pollMs: 3_600_000 });
	w = await makeWorld(db);
	admin = { userId: w.users.siteAdmin.id, ip: '10.0.0.9' };
}, 60_000);
afterAll(async () => {
	await outbox?.stop();
	await Promise.all([push?.close(), smtp?.close()]);
	await db?.close();
});

/** A member with a phone subscribed to pushes. */
async function member(name: string) {
	const u = await createUser(db.orm, { email: `${name.toLowerCase()}-${randomUUID().slice(0, 8)}@example.com`, name, emailConfirmed: true });
	const phone = push.device();
	await subscribePush(db.orm, { userId: u.id, sessionId: (await createSession(db.orm, u.id)).sessionId }, phone.subscription, { extraOrigins: [push.origin] });
	return { ...u, phone, pushed: () => phone.received().map((r) => parsePushMessage(phone.decrypt(r))) };
}
const told = async (userId: string) =>
	(await listNotifications(db.orm, userId)).entries.filter((e) => ['site_grant', 'balance_corrected', 'tokens_ended', 'unlimited_granted', 'unlimited_ended'].includes(e.kind));

describe(`a site admin's grant or balance correction, told to the member, on ${backend}`, () => {
	it('a bonus says "5,000 tokens added by the site" with the note: inbox, push and mail, once however often the admin’s device sends it', async () => {
		const mia = await member('Mia');
		const mailsBefore = smtp.messages.length;
		const bonus = { accountId: mia.accountId, tokens: 5_000, note: 'Welcome to the beta', key: randomUUID() };
		await grantBonus(db, admin, bonus);
		expect(await grantBonus(db, admin, bonus)).toMatchObject({ replayed: true });
		const words = { title: '5,000 tokens added by the site', body: 'Note from the site: Welcome to the beta' };
		expect(await told(mia.id)).toMatchObject([{ kind: 'site_grant', accountId: mia.accountId, teamName: null, mailed: true, readAt: null, said: words }]);
		expect((await listNotifications(db.orm, mia.id)).unread).toBe(1);
		await outbox.runDue();
		expect(mia.pushed()).toEqual([{ ...words, url: '/alerts', tag: `credit-${mia.accountId}` }]);
		const mail = await smtp.waitFor(mia.email!, mailsBefore);
		expect(mail.decoded).toContain(`Subject: ${words.title}`);
		expect(mail.decoded).toContain(words.body);
		// One with an expiry says it, in the site's zone (UTC here), in the inbox, the push and the mail's subject.
		const dated = await grantBonus(db, admin, { accountId: mia.accountId, tokens: 700, note: 'Weekend', key: randomUUID(), expiresAt: new Date('2030-03-31T23:59:59.999Z') });
		expect(dated).toMatchObject({ replayed: false });
		expect((await told(mia.id)).map((e) => e.said?.title)).toContain('700 tokens added by the site, expiring Mar 31, 2030, 23:59 UTC');
		await expectInvariants(db);
	});

	it('a correction says "Your balance was corrected by −200" (or +300) with the reason; a member who turned alert mails off is told in the app only; a set to what it was tells no one', async () => {
		const leo = await member('Leo');
		await applySettingsWrite(db, leo.id, `device-${randomUUID()}`, { emailAlerts: false });
		await grantBonus(db, admin, { accountId: leo.accountId, tokens: 1_000, note: 'Start', key: randomUUID() });
		const mailsBefore = smtp.messages.length;
		const adjust = (mode: 'delta' | 'set', tokens: number, reason: string) => adjustAccountBalance(db, admin, { accountId: leo.accountId, mode, tokens, reason, key: randomUUID() });
		expect(await adjust('delta', -200, 'Refund of a duplicate grant')).toMatchObject({ delta: -200, after: 800 });
		expect(await adjust('delta', 300, 'Goodwill after the outage')).toMatchObject({ delta: 300, after: 1_100 });
		expect(await adjust('set', 1_100, 'Checked: it is right')).toMatchObject({ delta: 0 });
		expect((await told(leo.id)).map((e) => [e.kind, e.said, e.mailed])).toEqual([
			['balance_corrected', { title: 'Your balance was corrected by +300', body: 'Note from the site: Goodwill after the outage' }, false],
			['balance_corrected', { title: 'Your balance was corrected by \u2212200', body: 'Note from the site: Refund of a duplicate grant' }, false],
			['site_grant', { title: '1,000 tokens added by the site', body: 'Note from the site: Start' }, false]
		]);
		await outbox.runDue();
		expect(leo.pushed().map((m) => m?.title).sort()).toEqual(['1,000 tokens added by the site', 'Your balance was corrected by +300', 'Your balance was corrected by \u2212200']);
		expect(smtp.messages.slice(mailsBefore).filter((m) => m.to.includes(leo.email!))).toEqual([]);
		await expectInvariants(db);
	});

	it('a bonus ended early says "1,000 tokens ended by the site" with its note: inbox and push, once however often the admin\u2019s device sends it', async () => {
		const eva = await member('Eva');
		const { lotId } = await grantBonus(db, admin, { accountId: eva.accountId, tokens: 1_000, note: 'Trial week', key: randomUUID() });
		const end = { accountId: eva.accountId, lotId, key: randomUUID() };
		await endLotNow(db, admin, end);
		expect(await endLotNow(db, admin, end)).toMatchObject({ replayed: true });
		const words = { title: '1,000 tokens ended by the site', body: 'Note from the site: Trial week' };
		expect((await told(eva.id)).map((e) => [e.kind, e.said])).toEqual([['tokens_ended', words], ['site_grant', { title: '1,000 tokens added by the site', body: words.body }]]);
		await expect.poll(async () => (await outbox.runDue(), eva.pushed().map((m) => m?.title)), { timeout: 10_000 }).toContain(words.title);
		await expectInvariants(db);
	});

	it("a team's pool: its owners and admins are told, the pool named; a plain member, who looks after none of it, is not", async () => {
		await grantBonus(db, admin, { accountId: w.teamA.accountId, tokens: 2_500, note: 'Launch week', key: randomUUID() });
		const team = `Team A ${w.tag}`;
		expect(await told(w.users.memberA.id)).toMatchObject([
			{ kind: 'site_grant', accountId: w.teamA.accountId, teamName: team, said: { title: `2,500 tokens added to ${team}'s pool by the site`, body: 'Note from the site: Launch week' } }
		]);
		expect(await told(w.users.teamMember.id)).toEqual([]);
		await adjustAccountBalance(db, admin, { accountId: w.teamB.accountId, mode: 'delta', tokens: 40, reason: 'Rounding', key: randomUUID() });
		for (const u of [w.users.teamBOwner, w.users.otherTeamAdmin]) {
			expect((await told(u.id)).map((e) => e.said?.title)).toEqual([`Team B ${w.tag}'s balance was corrected by +40`]);
		}
		await expectInvariants(db);
	});
});

describe(`a site admin's grant or end of unlimited use, told to the member, on ${backend}`, () => {
	beforeAll(() => configureRates(db));

	it('a grant says "Unlimited use of GPT-5 Nano until <its end in the site\'s zone>, by the site", its end "Your unlimited use of GPT-5 Nano ended", with the note: inbox, push and mail, once each', async () => {
		await updateSiteSettings(db.orm, { timeZone: 'Europe/Berlin' });
		const ana = await member('Ana');
		const mailsBefore = smtp.messages.length;
		const grant = { accountId: ana.accountId, model: 'gpt-5-nano', expiresAt: new Date('2030-01-15T09:30:00Z'), note: 'Beta tester', key: randomUUID() };
		const { lotId } = await grantUnlimited(db, admin, grant);
		expect(await grantUnlimited(db, admin, grant)).toMatchObject({ replayed: true });
		const granted = { title: 'Unlimited use of GPT-5 Nano until Jan 15, 2030, 10:30 Berlin time (UTC+1), by the site', body: 'Note from the site: Beta tester' };
		expect(await told(ana.id)).toMatchObject([{ kind: 'unlimited_granted', accountId: ana.accountId, teamName: null, mailed: true, readAt: null, said: granted }]);

		const end = { accountId: ana.accountId, lotId, key: randomUUID() };
		await endLotNow(db, admin, end);
		expect(await endLotNow(db, admin, end)).toMatchObject({ replayed: true });
		const ended = { title: 'Your unlimited use of GPT-5 Nano ended', body: 'Note from the site: Beta tester' };
		expect((await told(ana.id)).map((e) => [e.kind, e.said])).toEqual([['unlimited_ended', ended], ['unlimited_granted', granted]]);
		expect((await listNotifications(db.orm, ana.id)).unread).toBe(2);

		await expect.poll(async () => (await outbox.runDue(), ana.pushed().map((m) => m?.title).sort()), { timeout: 10_000 }).toEqual([granted.title, ended.title].sort());
		const mails = async () => smtp.messages.slice(mailsBefore).filter((m) => m.to.includes(ana.email!));
		await expect.poll(async () => (await mails()).length, { timeout: 10_000 }).toBe(2);
		// A long subject is folded over lines (RFC 5322): read unfolded.
		const unfolded = (await mails()).map((m) => m.decoded.replace(/\r?\n(?=[ \t])/g, ''));
		for (const words of [granted, ended]) expect(unfolded.find((m) => m.includes(`Subject: ${words.title}`)) ?? '', words.title).toContain(words.body);
		await updateSiteSettings(db.orm, { timeZone: 'UTC' });
		await expectInvariants(db);
	});

	it("every model with no end date, to a team's pool: its owners and admins are told, the team named; a plain member is not", async () => {
		const team = `Team B ${w.tag}`;
		const { lotId } = await grantUnlimited(db, admin, { accountId: w.teamB.accountId, note: 'Launch week', key: randomUUID() });
		await endLotNow(db, admin, { accountId: w.teamB.accountId, lotId, key: randomUUID() });
		for (const u of [w.users.teamBOwner, w.users.otherTeamAdmin]) {
			expect((await told(u.id)).filter((e) => e.kind.startsWith('unlimited')).map((e) => [e.kind, e.teamName, e.said])).toEqual([
				['unlimited_ended', team, { title: `${team}'s unlimited use of every model ended`, body: 'Note from the site: Launch week' }],
				['unlimited_granted', team, { title: `Unlimited use of every model for ${team}'s pool with no end date, by the site`, body: 'Note from the site: Launch week' }]
			]);
		}
		expect(await told(w.users.teamMember.id)).toEqual([]);
		await expectInvariants(db);
	});

	it("a site key's grant and end (REST) are the host site's to announce: no one is told here", async () => {
		const zoe = await member('Zoe');
		const key = await ensureSiteKey(db, { name: `Host ${randomUUID().slice(0, 8)}` });
		const auth: ApiKeyAuth = { keyId: key.id, kind: 'site', accountId: null, scopes: ['grant'] };
		const r = await grantWithSiteKey(db, auth, { target: { user: zoe.id }, unlimited: true, source: 'bonus', note: 'From the host', idempotencyKey: randomUUID() }, null);
		await endWithSiteKey(db, auth, r.lotId, { scope: `test:${key.id}`, key: randomUUID() }, null);
		expect(await told(zoe.id)).toEqual([]);
		await outbox.runDue();
		expect(zoe.pushed()).toEqual([]);
		await expectInvariants(db);
	});
});
