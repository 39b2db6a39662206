// Webhooks to the host site, delivered to receivers on loopback: one that fails three times, one
// that never answers, one that is down while the app restarts. Every event arrives, none is lost,
// a retried event carries the same id and body, each is signed per Standard Webhooks, and an
// endpoint failing for good is turned off with a notice to the site admins.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { openPostgres, type Db } from '../../src/lib/server/db/client';
import { grant } from '../../src/lib/server/ledger';
import { startSchedule } from '../../src/lib/server/schedule';
import {
	createEndpoint,
	deliverDue,
	getEndpoint,
	listDeliveries,
	redeliver,
	startWebhookOutbox,
	updateEndpoint,
	webhookDeliveryJob,
	closeWebhookAgents
} from '../../src/lib/server/webhooks';
import { backend, freshDb, pgliteDir } from '../helpers/db';
import { expectInvariants, makeUser } from '../helpers/ledger';
import { receiver } from '../helpers/webhook-receiver';

const FAST = [0.05, 0.05, 0.05, 0.05];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs deliveries until `done()` holds (backoff waits included), at most ~8 s. */
async function deliverUntil(db: Db, done: () => Promise<boolean> | boolean, opts = {}) {
	for (let i = 0; i < 80 && !(await done()); i++) {
		await deliverDue(db, { retrySchedule: FAST, timeoutMs: 3000, ...opts });
		await sleep(60);
	}
	expect(await done()).toBe(true);
}

let db: Db & { url?: string };
let unsubscribe: () => void;
beforeAll(async () => {
	db = await freshDb();
	unsubscribe = startWebhookOutbox();
});
afterAll(async () => {
	unsubscribe();
	await closeWebhookAgents();
	await db.close();
});

async function grantTo(target: Db, accountId: string, n: number) {
	return grant(target.orm, { accountId, tokens: 1000 + n, source: 'bonus', grantKey: `hook-${accountId}-${n}`, note: `bonus ${n}` });
}

describe(`webhook delivery on ${backend}`, () => {
	it('500 three times, then 200: every event arrives signed, in per-account sequence, retries with the same id and body', async () => {
		const flaky = await receiver((n, res) => res.writeHead(n <= 3 ? 500 : 200).end(n <= 3 ? 'busy' : 'ok'));
		const ep = await createEndpoint(db, { url: flaky.url, event_types: ['grant.created'] }, { ip: null });
		expect(ep.secret).toMatch(/^whsec_/);
		const u = await makeUser(db);
		for (let n = 1; n <= 3; n++) await grantTo(db, u.accountId, n);
		await deliverUntil(db, async () => (await listDeliveries(db.orm, ep.id)).every((d) => d.status === 'delivered'));
		await flaky.close();

		const ids = [...new Set(flaky.got.map((g) => g.id))];
		expect(ids).toHaveLength(3);
		const wh = new Webhook(ep.secret);
		for (const g of flaky.got) {
			const payload = wh.verify(g.body, g.headers) as { type: string; data: Record<string, unknown> };
			expect(payload.type).toBe('grant.created');
			expect(payload.data.event_id).toBe(g.id);
			expect(g.body).toBe(flaky.got.find((o) => o.id === g.id)!.body); // a retry is the same body
		}
		const first = flaky.got.map((g) => JSON.parse(g.body)).filter((p, i, all) => all.findIndex((o) => o.data.event_id === p.data.event_id) === i);
		expect(first.map((p) => p.data.sequence).sort()).toEqual([1, 2, 3]);
		expect(first.map((p) => p.data.account_id)).toEqual([u.accountId, u.accountId, u.accountId]);
		// The balance after each grant: 1001, then 1001+1002, then all three.
		expect(first.sort((a, b) => a.data.sequence - b.data.sequence).map((p) => p.data.balance_after.available)).toEqual([1001, 2003, 3006]);

		const log = await listDeliveries(db.orm, ep.id);
		const attempts = log.flatMap((d) => d.attempts);
		expect(attempts).toHaveLength(6);
		expect(attempts.filter((a) => a.statusCode === 500)).toHaveLength(3);
		expect(attempts.filter((a) => a.statusCode === 500).every((a) => a.responseExcerpt === 'busy' && a.latencyMs >= 0)).toBe(true);
		await updateEndpoint(db, ep.id, { enabled: false }, { ip: null });
		await expectInvariants(db);
	});

	it('an endpoint that never answers times out, and holds up no other endpoint', async () => {
		let hang = true;
		const slow = await receiver((_, res) => (hang ? undefined : res.writeHead(204).end()));
		const healthy = await receiver((_, res) => res.writeHead(200).end('thanks'));
		const slowEp = await createEndpoint(db, { url: slow.url, event_types: ['grant.created'] }, { ip: null });
		const okEp = await createEndpoint(db, { url: healthy.url, event_types: ['grant.created'] }, { ip: null });
		const u = await makeUser(db);
		for (let n = 1; n <= 6; n++) await grantTo(db, u.accountId, n);

		// 3 s: each of the slow endpoint's slots waits out the whole timeout, twice over for its six events.
		const run = deliverDue(db, { retrySchedule: [30], timeoutMs: 3000 });
		// The healthy endpoint has everything while the slow one's requests are still waiting for an answer.
		await expect.poll(async () => (await listDeliveries(db.orm, okEp.id)).map((d) => d.status), { timeout: 2500 }).toEqual(Array(6).fill('delivered'));
		expect((await listDeliveries(db.orm, slowEp.id)).flatMap((d) => d.attempts)).toEqual([]);
		await run;
		expect(new Set(healthy.got.map((g) => g.id)).size).toBe(6);
		const slowLog = await listDeliveries(db.orm, slowEp.id);
		expect(slowLog.every((d) => d.status === 'pending' && d.attempts[0]?.error === 'No answer within 3 s')).toBe(true);
		expect((await listDeliveries(db.orm, okEp.id)).every((d) => d.status === 'delivered')).toBe(true);

		hang = false;
		await db.rows(sql`update webhook_deliveries set next_attempt_at = now() where endpoint_id = ${slowEp.id}::uuid`);
		await deliverUntil(db, async () => (await listDeliveries(db.orm, slowEp.id)).every((d) => d.status === 'delivered'));
		expect(new Set(slow.got.map((g) => g.id))).toEqual(new Set(healthy.got.map((g) => g.id)));
		await Promise.all([slow.close(), healthy.close()]);
		await updateEndpoint(db, slowEp.id, { enabled: false }, { ip: null });
		await updateEndpoint(db, okEp.id, { enabled: false }, { ip: null });
	});

	it('a receiver down while the app restarts gets every event once it is back, through the schedule', async () => {
		// The "app": its own database connection (a PGlite directory it reopens, or a Postgres pool).
		const dir = backend === 'pglite' ? mkdtempSync(join(tmpdir(), 'quota-hooks-')) : null;
		const open = async () => {
			const app = dir ? await pgliteDir(dir) : openPostgres(db.url!);
			await app.migrate();
			return app;
		};
		let app = await open();
		const down = await receiver((_, res) => res.writeHead(200).end());
		const { port, url } = down;
		await down.close();
		const ep = await createEndpoint(app, { url, event_types: ['grant.created'] }, { ip: null });
		const u = await makeUser(app);
		for (let n = 1; n <= 4; n++) await grantTo(app, u.accountId, n);

		const job = webhookDeliveryJob({ retrySchedule: [0.2, 0.2, 0.2, 0.2, 0.2, 0.2], timeoutMs: 3000 });
		let schedule = await startSchedule(app, [{ ...job, everySeconds: 1 }], { pollMs: 100 });
		await expect.poll(async () => (await listDeliveries(app.orm, ep.id)).every((d) => d.attempts.length >= 1), { timeout: 8000 }).toBe(true);
		expect((await listDeliveries(app.orm, ep.id))[0]!.attempts[0]!.error).toBe('Could not connect: nothing listens at that address and port (ECONNREFUSED)');
		await schedule.stop();
		await app.close();

		const back = await receiver((_, res) => res.writeHead(200).end(), port);
		app = await open();
		schedule = await startSchedule(app, [{ ...job, everySeconds: 1 }], { pollMs: 100 });
		await expect.poll(async () => (await listDeliveries(app.orm, ep.id)).map((d) => d.status), { timeout: 10_000 }).toEqual(Array(4).fill('delivered'));
		await schedule.stop();
		const events = await app.rows<{ id: string }>(sql`select id from webhook_events where account_id = ${u.accountId}::uuid`);
		expect(new Set(back.got.map((g) => g.id))).toEqual(new Set(events.map((e) => e.id)));
		await back.close();
		await updateEndpoint(app, ep.id, { enabled: false }, { ip: null });
		await app.close();
		if (dir) rmSync(dir, { recursive: true, force: true });
	});

	it('an endpoint failing every try is turned off with a notice to the site admins; redelivery after turning it on sends the same event', async () => {
		const admin = await makeUser(db, 'admin');
		const dead = await receiver((_, res) => res.writeHead(410).end('gone'));
		const ep = await createEndpoint(db, { url: dead.url, event_types: ['grant.created'] }, { ip: null });
		const u = await makeUser(db);
		await grantTo(db, u.accountId, 1);
		await deliverUntil(db, async () => !(await getEndpoint(db.orm, ep.id)).enabled, { retrySchedule: [0.05, 0.05] });

		const off = await getEndpoint(db.orm, ep.id);
		expect(off.disabledReason).toMatch(/^Turned off automatically: every delivery failed for \d+ hours \(3 tries of event msg_/);
		const [delivery] = await listDeliveries(db.orm, ep.id);
		expect(delivery).toMatchObject({ status: 'failed', nextAttemptAt: null });
		expect(delivery!.attempts.map((a) => [a.statusCode, a.error])).toEqual([[410, null], [410, null], [410, null]]);
		const mails = await db.rows<{ payload: { to: string; subject: string } }>(sql`select payload from scheduled_jobs where name = 'mail.send' and key like ${`webhook-disabled:${ep.id}:%`}`);
		expect(mails.map((m) => m.payload.subject)).toContain('A webhook endpoint of your site was turned off');
		const [adminRow] = await db.rows<{ email: string }>(sql`select email from users where id = ${admin.userId}::uuid`);
		expect(mails.map((m) => m.payload.to)).toContain(adminRow!.email);
		const [audit] = await db.rows<{ n: number }>(sql`select count(*)::int as n from audit_log where action = 'webhook_endpoint.disabled' and target_id = ${ep.id}`);
		expect(audit!.n).toBe(1);

		await expect(redeliver(db, ep.id, delivery!.id, { ip: null })).rejects.toMatchObject({ code: 'conflict' });
		await dead.close();
		const fixed = await receiver((_, res) => res.writeHead(200).end());
		await updateEndpoint(db, ep.id, { enabled: true, url: fixed.url }, { ip: null });
		await redeliver(db, ep.id, delivery!.id, { ip: null });
		await deliverUntil(db, async () => (await listDeliveries(db.orm, ep.id))[0]!.status === 'delivered');
		expect(fixed.got.map((g) => g.id)).toEqual([delivery!.eventId]);
		expect(dead.got.every((g) => g.id === delivery!.eventId)).toBe(true);
		await fixed.close();
		await expect(redeliver(db, ep.id, 999_999, { ip: null })).rejects.toMatchObject({ code: 'not_found' });
		await updateEndpoint(db, ep.id, { enabled: false }, { ip: null });
	});

	it('runs one after another reuse the keep-alive connection to an endpoint', async () => {
		const sink = await receiver((_, res) => res.writeHead(200).end());
		const ep = await createEndpoint(db, { url: sink.url, event_types: ['grant.created'] }, { ip: null });
		const u = await makeUser(db);
		for (let n = 1; n <= 5; n++) {
			await grantTo(db, u.accountId, n);
			// One delivery per run, as the schedule's runs every 2 s send what came meanwhile.
			expect(await deliverDue(db, { concurrency: 1 })).toBe(1);
		}
		expect(sink.got).toHaveLength(5);
		// A run that made its own dispatcher opened one connection each (5). Kept, the runs share at
		// most two (undici may open a second beside the first while that one is settling into its pool).
		expect(sink.sockets.opened).toBeLessThanOrEqual(2);
		await sink.close();
		await updateEndpoint(db, ep.id, { enabled: false }, { ip: null });
	});

	it('two app processes delivering at once send each event once', async () => {
		const sink = await receiver((_, res) => res.writeHead(200).end());
		const ep = await createEndpoint(db, { url: sink.url, event_types: ['grant.created'] }, { ip: null });
		const u = await makeUser(db);
		for (let n = 1; n <= 30; n++) await grantTo(db, u.accountId, n);
		const other = backend === 'postgres' ? openPostgres(db.url!) : db;
		await Promise.all([deliverDue(db, { concurrency: 5 }), deliverDue(other, { concurrency: 5 }), deliverDue(db, { concurrency: 5 })]);
		if (other !== db) await other.close();
		expect(sink.got).toHaveLength(30);
		expect(new Set(sink.got.map((g) => g.id)).size).toBe(30);
		const log = await listDeliveries(db.orm, ep.id);
		expect(log.every((d) => d.status === 'delivered' && d.attempts.length === 1)).toBe(true);
		await sink.close();
		await updateEndpoint(db, ep.id, { enabled: false }, { ip: null });
	});

	it('an event nobody subscribes to writes nothing; a change rolled back writes no event', async () => {
		const u = await makeUser(db);
		const before = await db.rows<{ n: number }>(sql`select count(*)::int as n from webhook_events`);
		await grantTo(db, u.accountId, 1); // every endpoint is off now
		const ep = await createEndpoint(db, { url: 'http://127.0.0.1:39/none', event_types: ['grant.created'] }, { ip: null });
		await db.orm
			.transaction(async (tx) => {
				await grant(tx, { accountId: u.accountId, tokens: 5, source: 'bonus', grantKey: `rolled-back-${u.accountId}` });
				throw new Error('rolled back');
			})
			.catch(() => {});
		const after = await db.rows<{ n: number }>(sql`select count(*)::int as n from webhook_events`);
		expect(after[0]!.n).toBe(before[0]!.n);
		await updateEndpoint(db, ep.id, { enabled: false }, { ip: null });
	});
});
