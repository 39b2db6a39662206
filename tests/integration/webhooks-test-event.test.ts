// An admin setting up a webhook endpoint sends it a test event from the console and sees a signed
// delivery arrive, through the same outbox, sender and delivery log as every event; a delivery that
// waits for its next try can be tried at once (Retry now), keeping its retry schedule.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { backend } from '../helpers/db';
import { trpcRefusal } from '../helpers/refusal';
import { type World, type Caller, adminWorld } from '../helpers/world';
import { receiver, type Received } from '../helpers/webhook-receiver';
import type { Db } from '../../src/lib/server/db/client';
import { auditLog, webhookDeliveries } from '../../src/lib/server/db/schema';
import { closeWebhookAgents, createEndpoint, deliverDue, listDeliveries } from '../../src/lib/server/webhooks';

let db: Db;
let w: World;
let admin: Caller;
const receivers: { close: () => Promise<void> }[] = [];
beforeAll(async () => {
	({ db, w, admin } = await adminWorld('10.9.0.4'));
});
afterAll(async () => {
	await Promise.all(receivers.map((r) => r.close()));
	await closeWebhookAgents();
	await db?.close();
});

const nobody = { ip: null };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A loopback receiver, closed after the file. */
async function endpointAt(answer: Parameters<typeof receiver>[0]) {
	const hooks = await receiver(answer);
	receivers.push(hooks);
	return { hooks, ep: await createEndpoint(db, { url: hooks.url, event_types: ['grant.created'] }, nobody) };
}
/** Runs the sender until `got` has `n` deliveries (or it gave up). */
async function sendUntil(got: Received[], n: number, retrySchedule?: number[]) {
	for (let i = 0; i < 80 && got.length < n; i++) {
		await deliverDue(db, { timeoutMs: 3000, retrySchedule });
		await sleep(50);
	}
	expect(got.length).toBe(n);
}
const audited = (action: string, endpointId: string) => db.orm.select().from(auditLog).where(and(eq(auditLog.action, action), eq(auditLog.targetId, endpointId)));

describe(`a webhook endpoint's test event on ${backend}`, () => {
	it('is POSTed to that endpoint alone, signed with its secret; the console lists it as a test, the REST log does not', async () => {
		const { hooks, ep } = await endpointAt((_, res) => res.writeHead(200).end('pong'));
		const other = await endpointAt((_, res) => res.writeHead(200).end('ok'));
		const sent = await admin.webhooks.sendTest({ id: ep.id });
		await sendUntil(hooks.got, 1);

		// The receiver's own check, as the developer guide tells a host site to make it.
		const got = hooks.got[0]!;
		const body = new Webhook(ep.secret).verify(got.body, got.headers) as { type: string; data: Record<string, unknown> };
		expect(got.id).toBe(sent.eventId);
		expect(body).toMatchObject({ type: 'ping', data: { event_id: sent.eventId, test: true, endpoint_id: ep.id } });
		expect(() => new Webhook(other.ep.secret).verify(got.body, got.headers)).toThrow();
		expect(other.hooks.got).toEqual([]);

		const log = await admin.webhooks.deliveries({ id: ep.id });
		expect(log.deliveries).toHaveLength(1);
		expect(log.deliveries[0]).toMatchObject({ id: sent.deliveryId, eventId: sent.eventId, eventType: 'ping', test: true, account: null, sequence: null, status: 'delivered' });
		expect(log.deliveries[0]!.attempts).toMatchObject([{ statusCode: 200, responseExcerpt: 'pong' }]);
		// The REST log lists accounts' events only, as its schema has them.
		expect(await listDeliveries(db.orm, ep.id)).toEqual([]);
		expect(await audited('webhook_endpoint.test_sent', ep.id)).toMatchObject([{ actorUserId: w.users.siteAdmin.id, detail: { delivery_id: sent.deliveryId, event_id: sent.eventId } }]);

		// Each test is an event of its own; an endpoint turned off, or none, is refused.
		expect((await admin.webhooks.sendTest({ id: ep.id })).eventId).not.toBe(sent.eventId);
		await admin.webhooks.update({ id: ep.id, enabled: false });
		expect(await trpcRefusal(admin.webhooks.sendTest({ id: ep.id }))).toMatchObject({ domain: 'conflict', message: 'This endpoint is turned off. Turn it on, then send a test event.' });
		expect(await trpcRefusal(admin.webhooks.sendTest({ id: randomUUID() }))).toMatchObject({ domain: 'not_found' });
	});

	it('Retry now tries a delivery waiting for its next try at once, its tries counted; one delivered, or being sent, is refused', async () => {
		const { hooks, ep } = await endpointAt((n, res) => (n === 1 ? res.writeHead(503).end('starting') : res.writeHead(200).end('ok')));
		const { deliveryId } = await admin.webhooks.sendTest({ id: ep.id });
		// The first try fails, and the next waits an hour: the sender finds nothing due meanwhile.
		await sendUntil(hooks.got, 1, [3600]);
		await deliverDue(db, { timeoutMs: 3000, retrySchedule: [3600] });
		expect(hooks.got).toHaveLength(1);
		expect((await admin.webhooks.deliveries({ id: ep.id })).deliveries[0]).toMatchObject({ status: 'pending', attempts: [{ statusCode: 503 }] });

		await admin.webhooks.retryNow({ id: ep.id, deliveryId });
		await sendUntil(hooks.got, 2, [3600]);
		const [row] = await db.orm.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, deliveryId));
		expect(row).toMatchObject({ status: 'delivered', attempts: 2 });
		expect(hooks.got[1]!.id).toBe(hooks.got[0]!.id);
		expect(await audited('webhook_delivery.retry_now', ep.id)).toMatchObject([{ detail: { delivery_id: deliveryId } }]);
		expect(await trpcRefusal(admin.webhooks.retryNow({ id: ep.id, deliveryId }))).toMatchObject({ domain: 'conflict', message: 'This delivery was delivered: Redeliver sends it again.' });

		// Being sent (a sender holds its lease): neither Retry now nor Redeliver sends it a second time at once.
		const next = await admin.webhooks.sendTest({ id: ep.id });
		await db.orm.execute(sql`update webhook_deliveries set lease_until = now() + interval '1 minute', attempts = 1 where id = ${next.deliveryId}`);
		const sending = 'This delivery is being sent right now: its answer is in its attempts within seconds.';
		expect(await trpcRefusal(admin.webhooks.retryNow({ id: ep.id, deliveryId: next.deliveryId }))).toMatchObject({ domain: 'conflict', message: sending });
		expect(await trpcRefusal(admin.webhooks.redeliver({ id: ep.id, deliveryId: next.deliveryId }))).toMatchObject({ domain: 'conflict', message: sending });
		expect(await trpcRefusal(admin.webhooks.retryNow({ id: ep.id, deliveryId: 999_999_999 }))).toMatchObject({ domain: 'not_found' });
	});
});
