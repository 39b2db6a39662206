import { sql } from 'drizzle-orm';
import type { Db, Executor } from '../db';
import { queryRows } from '../db/client';
import { DomainError } from '../errors';
import { ACCOUNT_HOLDERS, ACCOUNT_NAME, audit } from '../accounts';
import type { WebhookActor } from './operator';

export interface AttemptView {
	at: string;
	statusCode: number | null;
	latencyMs: number;
	responseExcerpt: string | null;
	error: string | null;
}

/** One event to one endpoint: its state and its attempts, newest first. */
export interface DeliveryView {
	id: number;
	eventId: string;
	eventType: string;
	sequence: number;
	accountId: string;
	/** Whose event it is, as the console names the account: its user's or team's name (the sequence counts per account). */
	account: { name: string; kind: 'user' | 'team' | 'guest' };
	status: 'pending' | 'delivered' | 'failed';
	attempts: AttemptView[];
	/** When the next try is due (pending only). */
	nextAttemptAt: string | null;
	createdAt: string;
	deliveredAt: string | null;
	/** A test event (`sendTestEvent`) is a `TestDeliveryView`. */
	test: false;
}

/** A test event's delivery (`ping`, `sendTestEvent`): no account, no sequence. */
export interface TestDeliveryView extends Omit<DeliveryView, 'accountId' | 'account' | 'sequence' | 'test'> {
	accountId: null;
	account: null;
	sequence: null;
	test: true;
}

/** A delivery as the console's log lists it: an event's, or a test's. */
export type LoggedDelivery = DeliveryView | TestDeliveryView;

interface LogPage {
	limit?: number;
	/** The next page: deliveries before this delivery id. */
	before?: number;
}

const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());

/**
 * An endpoint's delivery log: its latest deliveries (at most `limit`, before the delivery id
 * `before` for the next page), each with its account's name and up to 10 attempts: when, HTTP status or the connection
 * error, latency (ms) and the first 500 characters of the answer. Test events' deliveries only with `tests`
 * (the console's log): the REST log lists the events of accounts, as its schema says.
 */
export function listDeliveries(exec: Executor, endpointId: string, opts?: LogPage): Promise<DeliveryView[]>;
export function listDeliveries(exec: Executor, endpointId: string, opts: LogPage & { tests: true }): Promise<LoggedDelivery[]>;
export async function listDeliveries(exec: Executor, endpointId: string, opts: LogPage & { tests?: boolean } = {}): Promise<LoggedDelivery[]> {
	const rows = await queryRows<Record<string, unknown>>(
		exec,
		sql`select d.id, d.event_id, ev.type, ev.seq, ev.account_id, ${ACCOUNT_NAME} as account_name, a.kind as account_kind, d.status, d.next_attempt_at, d.created_at, d.delivered_at,
		           coalesce((select json_agg(json_build_object('at', a.at, 'status_code', a.status_code, 'latency_ms', a.latency_ms,
		                       'response_excerpt', a.response_excerpt, 'error', a.error) order by a.at desc)
		                       from (select * from webhook_attempts a where a.delivery_id = d.id order by a.at desc limit 10) a), '[]') as attempts
		      from webhook_deliveries d join webhook_events ev on ev.id = d.event_id
		      left join accounts a on a.id = ev.account_id ${ACCOUNT_HOLDERS}
		     where d.endpoint_id = ${endpointId}::uuid ${opts.before ? sql`and d.id < ${opts.before}` : sql``} ${opts.tests ? sql`` : sql`and ev.account_id is not null`}
		     order by d.id desc limit ${Math.min(opts.limit ?? 50, 200)}`
	);
	return rows.map((r) => ({
		id: Number(r.id),
		eventId: r.event_id as string,
		eventType: r.type as string,
		...(r.account_id === null
			? { sequence: null, accountId: null, account: null, test: true as const }
			: {
					sequence: Number(r.seq),
					accountId: r.account_id as string,
					account: { name: r.account_name as string, kind: r.account_kind as DeliveryView['account']['kind'] },
					test: false as const
				}),
		status: r.status as DeliveryView['status'],
		attempts: (typeof r.attempts === 'string' ? JSON.parse(r.attempts) : (r.attempts as Record<string, unknown>[])).map(
			(a: Record<string, unknown>) => ({
				at: iso(a.at)!,
				statusCode: a.status_code == null ? null : Number(a.status_code),
				latencyMs: Number(a.latency_ms),
				responseExcerpt: (a.response_excerpt as string | null) ?? null,
				error: (a.error as string | null) ?? null
			})
		),
		nextAttemptAt: r.status === 'pending' ? iso(r.next_attempt_at) : null,
		createdAt: iso(r.created_at)!,
		deliveredAt: iso(r.delivered_at)
	}));
}

/**
 * Sends a delivery again, now, with the same event id and body (a new signature and timestamp),
 * and a fresh retry schedule. Errors: not_found (no such delivery of this endpoint), conflict
 * (the endpoint is off: turn it on first; or the delivery is being sent right now).
 */
export async function redeliver(db: Db, endpointId: string, deliveryId: number, actor: WebhookActor): Promise<void> {
	await db.orm.transaction(async (tx) => {
		const row = await deliveryToTry(tx, endpointId, deliveryId, 'redeliver');
		await tx.execute(sql`update webhook_deliveries set status = 'pending', attempts = 0, next_attempt_at = now(), lease_until = null, delivered_at = null
		                     where id = ${deliveryId}`);
		await audit(tx, { action: 'webhook_delivery.redeliver', actorUserId: actor.userId, actorKeyId: actor.keyId, ip: actor.ip, targetType: 'webhook_endpoint', targetId: endpointId, detail: { delivery_id: deliveryId, event_id: row.event_id } });
	});
}

/**
 * Tries a delivery that waits for its next try now, keeping its place in the retry schedule (its tries
 * so far count: after this one it waits as long as its next try would have). Audited
 * `webhook_delivery.retry_now`. Errors: not_found (no such delivery of this endpoint), conflict (the
 * endpoint is off; the delivery is not waiting, delivered or failed: Redeliver sends it again; or it is
 * being sent right now).
 */
export async function retryNow(db: Db, endpointId: string, deliveryId: number, actor: WebhookActor): Promise<void> {
	await db.orm.transaction(async (tx) => {
		const row = await deliveryToTry(tx, endpointId, deliveryId, 'try it again');
		if (row.status !== 'pending') throw new DomainError('conflict', `This delivery ${row.status === 'delivered' ? 'was delivered' : 'failed'}: Redeliver sends it again.`);
		await tx.execute(sql`update webhook_deliveries set next_attempt_at = now() where id = ${deliveryId}`);
		await audit(tx, { action: 'webhook_delivery.retry_now', actorUserId: actor.userId, actorKeyId: actor.keyId, ip: actor.ip, targetType: 'webhook_endpoint', targetId: endpointId, detail: { delivery_id: deliveryId, event_id: row.event_id } });
	});
}

/**
 * A delivery of the endpoint, locked, that may be sent now: its endpoint is on and no process is
 * sending it (a lease unexpired: it would go out twice at once). `then` words what to do once on.
 */
async function deliveryToTry(tx: Executor, endpointId: string, deliveryId: number, then: string) {
	const [row] = await queryRows<{ enabled: boolean; event_id: string; status: DeliveryView['status']; sending: boolean }>(
		tx,
		sql`select e.enabled, d.event_id, d.status, (d.status = 'pending' and d.lease_until > now()) as sending
		      from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id
		     where d.id = ${deliveryId} and d.endpoint_id = ${endpointId}::uuid for update of d`
	);
	if (!row) throw new DomainError('not_found', 'No such delivery for this endpoint.');
	if (!row.enabled) throw new DomainError('conflict', `This endpoint is turned off. Turn it on, then ${then}.`);
	if (row.sending) throw new DomainError('conflict', 'This delivery is being sent right now: its answer is in its attempts within seconds.');
	return row;
}
