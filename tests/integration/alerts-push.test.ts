import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { backend, freshDb } from '../helpers/db';
import { startSmtp } from '../helpers/mail';
import { startPushService, verifyVapid } from '../helpers/push-service';
import { configureRates, expectInvariants } from '../helpers/ledger';
import { openPostgres, type Db } from '../../src/lib/server/db/client';
import { pushSubscriptions, teamMembers } from '../../src/lib/server/db/schema';
import { createMailer, type Mailer } from '../../src/lib/server/mail';
import { mailJob } from '../../src/lib/server/mail/job';
import { listJobs, retryDelaySeconds, startSchedule, type Schedule } from '../../src/lib/server/schedule';
import { consume, grant, upsertFeature } from '../../src/lib/server/ledger';
import { createSession, createTeam, createUser, signOut, signOutEverywhere } from '../../src/lib/server/accounts';
import {
	evaluateAlerts,
	listNotifications,
	pushDeviceCount,
	setAlertSteps,
	setQuietHours,
	subscribePush,
	pushJob,
	unsubscribePush,
	vapidKeys
} from '../../src/lib/server/alerts';
import { parsePushMessage } from '../../src/lib/push-message';

let db: Db & { url?: string };
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let push: Awaited<ReturnType<typeof startPushService>>;
let mailer: Mailer;
/** The clock the push job reads quiet hours at (null: the real one). */
let clock: Date | null = null;
/** The schedule's mail and push jobs: alert mail and pushes are queued by the alert and sent through them. */
let mailRunner: Schedule;

beforeAll(async () => {
	db = await freshDb();
	[smtp, push] = await Promise.all([startSmtp(), startPushService()]);
	mailer = createMailer({ smtpUrl: smtp.url, mailDir: 'unused', from: 'Quota <alerts@quota.test>' });
	mailRunner = await startSchedule(db, [mailJob(mailer), pushJob({ agent: push.agent, now: () => clock ?? new Date() })], { pollMs: 3_600_000 });
	await configureRates(db);
	await upsertFeature(db.orm, { key: 'plain', name: 'Plain', module: 'product', unit: 'token', tokensPerUnit: 1 });
});
afterAll(async () => {
	await mailRunner?.stop();
	await Promise.all([smtp?.close(), push?.close()]);
	await db?.close();
});

const key = () => `device-${randomUUID()}`;
/**
 * A moment of next December (CET all month, so Berlin is UTC+1), e.g. `december('01T22:30')`.
 * Next year's, not a fixed date: a held push is due at its `run_at` by the database's real clock,
 * so a night already past would send it at once.
 */
const december = (dayTime: string) => new Date(`${new Date().getUTCFullYear() + 1}-12-${dayTime}:00Z`);
async function person(name: string) {
	const u = await createUser(db.orm, { email: `${name.toLowerCase()}-${randomUUID().slice(0, 8)}@example.com`, name, emailConfirmed: true });
	const session = await createSession(db.orm, u.id);
	return { ...u, sessionId: session.sessionId, auth: { sessionId: session.sessionId, user: { id: u.id } } };
}
type Person = Awaited<ReturnType<typeof person>>;
async function phoneOf(p: Person) {
	const device = push.device();
	await subscribePush(db.orm, { userId: p.id, sessionId: p.sessionId }, device.subscription, { extraOrigins: [push.origin] });
	return device;
}
const give = (accountId: string, tokens: number) => grant(db.orm, { accountId, tokens, source: 'purchase' });
const spend = (accountId: string, tokens: number) =>
	consume(db.orm, { accountId, feature: 'plain', units: tokens, actor: {}, idempotency: { scope: 'push-test', key: randomUUID() } });
/** Evaluates the account's alerts, then runs what they queued (mail, pushes) with the clock at `now`. */
async function evaluate(accountId: string, now?: Date) {
	clock = now ?? null;
	const sent = await evaluateAlerts(db, accountId);
	await mailRunner.runDue();
	return sent;
}

/** The user's pushes waiting for their quiet hours to end, with when they go out (ISO). */
async function heldPushes(userId: string) {
	const rows = await db.rows<{ run_at: string }>(sql`
		select run_at from scheduled_jobs where name = 'push.send' and status = 'scheduled' and key like 'held:%' and payload->>'userId' = ${userId}`);
	return rows.map((r) => ({ run_at: new Date(r.run_at).toISOString() }));
}
/** The night passes: the user's held pushes fall due, and the runner runs them with the clock at `morning`. */
async function nightPasses(userId: string, morning: Date) {
	clock = morning;
	await db.rows(sql`update scheduled_jobs set run_at = now() where name = 'push.send' and key like 'held:%' and payload->>'userId' = ${userId}`);
	await mailRunner.runDue();
}

describe('the site’s VAPID keys', () => {
	it('are generated once and kept, whichever process asks first', async () => {
		const other = backend === 'postgres' ? openPostgres(db.url!, { max: 2 }) : db;
		try {
			const [a, b] = await Promise.all([vapidKeys(db.orm), vapidKeys(other.orm)]);
			expect(a).toEqual(b);
			expect(Buffer.from(a.publicKey, 'base64url')).toHaveLength(65);
			expect(await vapidKeys(db.orm)).toEqual(a);
		} finally {
			if (other !== db) await other.close();
		}
	});
});

describe('push alerts to a phone', () => {
	it('sends the crossing, encrypted for the device and signed with the site’s key, to each signed-in device', async () => {
		const u = await person('Robin');
		const [phone, laptop] = [await phoneOf(u), await phoneOf(u)];
		await give(u.accountId, 1000);
		await spend(u.accountId, 801);
		expect(await evaluate(u.accountId)).toEqual([expect.objectContaining({ stage: 'share:20' })]);

		for (const device of [phone, laptop]) {
			const [req] = device.received();
			expect(req!.headers['content-encoding']).toBe('aes128gcm');
			expect(Number(req!.headers.ttl)).toBe(12 * 3600);
			expect(req!.headers.urgency).toBe('normal');
			expect(req!.headers.topic).toBe(u.accountId.replaceAll('-', ''));
			const claims = verifyVapid(req!, push.origin);
			expect(claims.key).toBe((await vapidKeys(db.orm)).publicKey);
			expect(claims.sub).toBe('mailto:no-reply@quota.localhost');
			// The device decrypts what the service worker shows.
			expect(parsePushMessage(device.decrypt(req!))).toEqual({
				title: 'Your available tokens dropped below 20%',
				body: '199 tokens available now. Tap to see the dashboard.',
				url: '/dashboard',
				tag: `balance-${u.accountId}`
			});
		}
		// Running out is pushed with high urgency, once.
		await spend(u.accountId, 199);
		await evaluate(u.accountId);
		await evaluate(u.accountId);
		const out = phone.received();
		expect(out).toHaveLength(2);
		expect(out[1]!.headers.urgency).toBe('high');
		expect(parsePushMessage(phone.decrypt(out[1]!))).toMatchObject({ title: 'You are out of tokens' });
		await expectInvariants(db);
	});

	it('pushes a team pool’s alerts to its owner’s devices, naming the team', async () => {
		const [owner, member] = [await person('Owner'), await person('Member')];
		const team = await createTeam(db.orm, { name: 'Pool Team', ownerUserId: owner.id });
		await db.orm.insert(teamMembers).values({ teamId: team.id, userId: member.id, role: 'member' });
		const [ownerPhone, memberPhone] = [await phoneOf(owner), await phoneOf(member)];
		await setAlertSteps(db, owner.id, key(), team.accountId, { shares: [], tokens: [500], depleted: true });
		await give(team.accountId, 2000);
		await spend(team.accountId, 1501);
		await evaluate(team.accountId);
		expect(ownerPhone.received().map((r) => parsePushMessage(ownerPhone.decrypt(r)))).toEqual([
			expect.objectContaining({ title: "Pool Team's available tokens dropped below 500 tokens", body: '499 tokens available now. Tap to see the dashboard.' })
		]);
		expect(memberPhone.received()).toEqual([]);
		await expectInvariants(db);
	});

	it('holds pushes back in the quiet hours of the user’s zone and sends the latest when they end (the inbox and the mail get the alert at once)', async () => {
		const u = await person('Night');
		const phone = await phoneOf(u);
		await setQuietHours(db, u.id, key(), { from: '22:00', to: '07:00', timeZone: 'Europe/Berlin' });
		await give(u.accountId, 1000);
		await spend(u.accountId, 801);
		// 23:30 in Berlin (CET, UTC+1): quiet.
		expect(await evaluate(u.accountId, december('01T22:30'))).toHaveLength(1);
		expect(phone.received()).toEqual([]);
		expect((await listNotifications(db.orm, u.id)).entries).toHaveLength(1);
		await mailRunner.runDue();
		expect(smtp.messages.filter((m) => m.to.includes(u.email!))).toHaveLength(1);
		// A second crossing at 02:00 replaces the push waiting for 07:00 (the phone wakes to the latest news).
		await spend(u.accountId, 100);
		expect(await evaluate(u.accountId, december('02T01:00'))).toHaveLength(1);
		expect(phone.received()).toEqual([]);
		expect(await heldPushes(u.id)).toEqual([{ run_at: december('02T06:00').toISOString() }]);
		// 07:00 in Berlin: the quiet hours are over (their end is not quiet) and the held push goes out.
		await nightPasses(u.id, december('02T06:00'));
		expect(phone.received().map((r) => parsePushMessage(phone.decrypt(r)))).toEqual([expect.objectContaining({ body: expect.stringContaining('99 tokens available') })]);
		expect(await heldPushes(u.id)).toEqual([]);
		await expectInvariants(db);
	});

	it('drops a push that would be older than its 12-hour time to live when the quiet hours end (the inbox keeps the alert)', async () => {
		const u = await person('Sleeper');
		const phone = await phoneOf(u);
		await setQuietHours(db, u.id, key(), { from: '07:30', to: '07:00', timeZone: 'Europe/Berlin' });
		await give(u.accountId, 1000);
		await spend(u.accountId, 801);
		// 09:00 in Berlin: quiet until 07:00 tomorrow, 22 hours away.
		expect(await evaluate(u.accountId, december('02T08:00'))).toHaveLength(1);
		expect(await heldPushes(u.id)).toEqual([]);
		expect(phone.received()).toEqual([]);
		expect((await listNotifications(db.orm, u.id)).entries).toHaveLength(1);
		await expectInvariants(db);
	});

	it('retries a push the push service failed, with the schedule’s backoff, and sends it once it answers', async () => {
		const u = await person('Flaky');
		const phone = await phoneOf(u);
		push.answer(phone.subscription.endpoint, 503);
		await give(u.accountId, 1000);
		await spend(u.accountId, 801);
		await evaluate(u.accountId);
		expect(phone.received()).toHaveLength(1);
		const [job] = await db.rows<{ status: string; attempts: number; delay: number; payload: unknown }>(sql`
			select status, attempts, extract(epoch from run_at - last_finished_at)::int as delay, payload
			  from scheduled_jobs where name = 'push.send' and payload->>'userId' = ${u.id}`);
		expect(job).toMatchObject({ status: 'scheduled', attempts: 1, delay: retryDelaySeconds(1) });
		// The admin sees why, without the endpoint (a capability URL).
		const waiting = (await listJobs(db.orm)).find((j) => j.name === 'push.send' && j.status === 'scheduled');
		expect(waiting).toMatchObject({ failures: 1, lastError: expect.stringMatching(/^PushServiceError http_503/) });
		expect(waiting!.lastError).not.toContain('127.0.0.1');
		push.answer(phone.subscription.endpoint, 201);
		await db.rows(sql`update scheduled_jobs set run_at = now() where name = 'push.send' and payload->>'userId' = ${u.id}`);
		await mailRunner.runDue();
		expect(phone.received()).toHaveLength(2);
		expect(parsePushMessage(phone.decrypt(phone.received()[1]!))).toMatchObject({ title: expect.stringMatching(/^Your available tokens dropped below /) });
		const [done] = await db.rows<{ status: string }>(sql`select status from scheduled_jobs where name = 'push.send' and payload is null and key like ${'alert:%'} and status = 'done' and attempts = 2`);
		expect(done).toEqual({ status: 'done' });
		expect(await pushDeviceCount(db.orm, u.id)).toBe(1);
		await expectInvariants(db);
	});

	it('forgets a device its push service says is gone, and keeps others', async () => {
		const u = await person('Gone');
		const [gone, kept] = [await phoneOf(u), await phoneOf(u)];
		push.answer(gone.subscription.endpoint, 410);
		await give(u.accountId, 100);
		await spend(u.accountId, 100);
		await evaluate(u.accountId);
		expect([gone.received().length, kept.received().length]).toEqual([1, 1]);
		expect(await pushDeviceCount(db.orm, u.id)).toBe(1);
		await expectInvariants(db);
	});
});

describe('push subscriptions', () => {
	it('end with the session: signing out stops pushes to that device; everywhere, to all', async () => {
		const u = await person('Shared');
		const second = await createSession(db.orm, u.id);
		await phoneOf(u);
		const other = push.device();
		await subscribePush(db.orm, { userId: u.id, sessionId: second.sessionId }, other.subscription, { extraOrigins: [push.origin] });
		expect(await pushDeviceCount(db.orm, u.id)).toBe(2);
		await signOut(db, u.auth);
		expect(await pushDeviceCount(db.orm, u.id)).toBe(1);
		await signOutEverywhere(db, u.id);
		expect(await pushDeviceCount(db.orm, u.id)).toBe(0);
	});

	it('move to whoever signs in on the device next, and are forgotten on request', async () => {
		const [a, b] = [await person('First'), await person('Second')];
		const device = await phoneOf(a);
		await subscribePush(db.orm, { userId: b.id, sessionId: b.sessionId }, device.subscription, { extraOrigins: [push.origin] });
		expect([await pushDeviceCount(db.orm, a.id), await pushDeviceCount(db.orm, b.id)]).toEqual([0, 1]);
		// Another user cannot remove it; its owner can.
		await unsubscribePush(db.orm, a.id, device.subscription.endpoint);
		expect(await pushDeviceCount(db.orm, b.id)).toBe(1);
		await unsubscribePush(db.orm, b.id, device.subscription.endpoint);
		expect(await pushDeviceCount(db.orm, b.id)).toBe(0);
	});

	it('refuse endpoints that are no push service’s and malformed keys, storing nothing', async () => {
		const u = await person('Sly');
		const good = push.device().subscription;
		const who = { userId: u.id, sessionId: u.sessionId };
		const refusals = [
			{ ...good, endpoint: 'https://169.254.169.254/latest/meta-data' },
			{ ...good, endpoint: 'http://fcm.googleapis.com/fcm/send/x' },
			{ ...good, endpoint: 'https://fcm.googleapis.com.evil.test/x' },
			{ ...good, keys: { ...good.keys, p256dh: 'AAAA' } },
			{ ...good, keys: { ...good.keys, auth: 'not base64!' } },
			{ endpoint: good.endpoint }
		];
		for (const s of refusals) await expect(subscribePush(db.orm, who, s)).rejects.toMatchObject({ code: 'invalid_input' });
		await expect(subscribePush(db.orm, who, good)).rejects.toMatchObject({ code: 'invalid_input' });
		expect(await db.orm.select().from(pushSubscriptions).where(eq(pushSubscriptions.userId, u.id))).toEqual([]);
		await subscribePush(db.orm, who, { ...good, endpoint: 'https://fcm.googleapis.com/fcm/send/abc:def' });
		expect(await pushDeviceCount(db.orm, u.id)).toBe(1);
	});
});

describe('quiet hours', () => {
	it('are validated, applied once per device key, and cleared with null', async () => {
		const u = await person('Clock');
		const k = key();
		const q = { from: '21:30', to: '06:45', timeZone: 'America/New_York' };
		expect(await setQuietHours(db, u.id, k, q)).toEqual({ replayed: false, quietHours: q });
		expect(await setQuietHours(db, u.id, k, q)).toEqual({ replayed: true, quietHours: q });
		await expect(setQuietHours(db, u.id, k, { ...q, from: '20:00' })).rejects.toMatchObject({ code: 'idempotency_key_reused' });
		for (const bad of [{ ...q, from: '24:00' }, { ...q, to: '7:00' }, { ...q, to: q.from }, { ...q, timeZone: 'Mars/Olympus' }]) {
			await expect(setQuietHours(db, u.id, key(), bad)).rejects.toMatchObject({ code: 'invalid_input' });
		}
		expect(await setQuietHours(db, u.id, key(), null)).toEqual({ replayed: false, quietHours: null });
	});
});
