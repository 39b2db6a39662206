import { sql } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import type { Db } from '../db';
import { queryRows } from '../db/client';
import { DomainError } from '../errors';
import { audit } from '../accounts';
import type { WebhookActor } from './operator';

/** The type of a test event: no change of any account, so no account, sequence or balance in it. */
export const TEST_EVENT_TYPE = 'ping';

/**
 * Queues a test event (`ping`) to one endpoint, through the outbox and its delivery log like any event:
 * the schedule's sender POSTs it within seconds, signed as Standard Webhooks says (with the old secret
 * too while a rotation lasts), tried again on failure, and the console lists it as a test. Its body is
 * `{type: "ping", timestamp, data: {event_id, test: true, endpoint_id, message}}`; each test is a new
 * event (its own id). Audited `webhook_endpoint.test_sent`. Answers the delivery's id and the event's.
 * Errors: not_found (no such endpoint), conflict (the endpoint is off: turn it on first).
 */
export async function sendTestEvent(db: Db, endpointId: string, actor: WebhookActor): Promise<{ deliveryId: number; eventId: string }> {
	return db.orm.transaction(async (tx) => {
		const [ep] = await queryRows<{ enabled: boolean }>(tx, sql`select enabled from webhook_endpoints where id = ${endpointId}::uuid for share`);
		if (!ep) throw new DomainError('not_found', 'No such webhook endpoint.');
		if (!ep.enabled) throw new DomainError('conflict', 'This endpoint is turned off. Turn it on, then send a test event.');
		const eventId = `msg_${randomBytes(20).toString('base64url').slice(0, 27)}`;
		const payload = {
			type: TEST_EVENT_TYPE,
			timestamp: new Date().toISOString(),
			data: { event_id: eventId, test: true, endpoint_id: endpointId, message: 'A test event from the Quota console: no account changed.' }
		};
		const [d] = await queryRows<{ id: number }>(tx, sql`
			with ev as (insert into webhook_events (id, type, payload) values (${eventId}, ${TEST_EVENT_TYPE}, ${JSON.stringify(payload)}::jsonb) returning id)
			insert into webhook_deliveries (event_id, endpoint_id) select ev.id, ${endpointId}::uuid from ev returning id`);
		const deliveryId = Number(d!.id);
		await audit(tx, {
			action: 'webhook_endpoint.test_sent',
			actorUserId: actor.userId,
			actorKeyId: actor.keyId,
			ip: actor.ip,
			targetType: 'webhook_endpoint',
			targetId: endpointId,
			detail: { delivery_id: deliveryId, event_id: eventId }
		});
		return { deliveryId, eventId };
	});
}
