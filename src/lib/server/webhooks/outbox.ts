import { sql } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import type { Executor } from '../db/client';
import { queryRows } from '../db/client';
import { subscribeDomainEvents, type DomainEvent } from '../domain-events';
import { balances } from '../ledger';
import { apiIdentityOf } from '../accounts';
import { unlimitedBody } from '../../allocation-words';

/**
 * The webhook event id of a domain event: the same change gives the same id, so a change
 * recorded twice is one event, and every delivery of it (retries, redeliveries) carries that id.
 */
export function webhookEventId(event: Pick<DomainEvent, 'type' | 'key'>): string {
	return `msg_${createHash('sha256').update(`${event.type}\n${event.key}`).digest('base64url').slice(0, 27)}`;
}

/**
 * Writes `event` to the outbox in `exec` (the transaction of the change), when at least one
 * enabled endpoint takes its type: the event row with the account's next sequence number, and one
 * pending delivery per endpoint. Nothing is read or written when no endpoint wants it, nor when the
 * event was recorded before, under its key or one of its `formerKeys`.
 * The payload (Standard Webhooks' `{type, timestamp, data}`) carries the event id, the sequence
 * number, the account, the name the API takes it back by (`user_id`: the host site's id, else the Quota
 * user id; `team_id`; `guest_id`: `apiIdentityOf`) and the balance after the change (tokens, and unlimited use,
 * as GET /api/v1/balance says them).
 */
export async function writeOutbox(exec: Executor, event: DomainEvent): Promise<void> {
	const [wanted] = await queryRows<{ n: number }>(
		exec,
		sql`select count(*)::int as n from webhook_endpoints where enabled and ${event.type} = any(event_types)`
	);
	if (!wanted?.n) return;
	const id = webhookEventId(event);
	const sameIds = [id, ...(event.formerKeys ?? []).map((key) => webhookEventId({ type: event.type, key }))];
	const who = await apiIdentityOf(exec, event.accountId);
	if (!who) return;
	const b = await balances(exec, event.accountId);
	// The sequence row is the account's lock for its events: concurrent changes of one account get 1, 2, 3… in commit order.
	const [seq] = await queryRows<{ last_seq: number }>(
		exec,
		sql`insert into webhook_sequences as s (account_id, last_seq)
		    select ${event.accountId}::uuid, 1 where not exists (select 1 from webhook_events where id in (${sql.join(sameIds.map((i) => sql`${i}`), sql`, `)}))
		    on conflict (account_id) do update set last_seq = s.last_seq + 1
		    returning last_seq`
	);
	if (!seq) return; // recorded before
	const payload = {
		type: event.type,
		timestamp: new Date().toISOString(),
		data: {
			event_id: id,
			sequence: Number(seq.last_seq),
			account_id: event.accountId,
			account_kind: who.kind,
			user_id: who.userId,
			team_id: who.teamId,
			guest_id: who.guestId,
			balance_after: { available: b.available, held: b.held, ...unlimitedBody(b.allocations) },
			...event.data
		}
	};
	await exec.execute(sql`
		with ev as (
		  insert into webhook_events (id, account_id, seq, type, payload)
		  values (${id}, ${event.accountId}::uuid, ${seq.last_seq}, ${event.type}, ${JSON.stringify(payload)}::jsonb)
		  on conflict (id) do nothing
		  returning id)
		insert into webhook_deliveries (event_id, endpoint_id)
		select ev.id, e.id from ev, webhook_endpoints e where e.enabled and ${event.type} = any(e.event_types)`);
}

/** Subscribes the outbox to the domain events (once per process, at start-up); returns the unsubscribe function. */
export function startWebhookOutbox(): () => void {
	return subscribeDomainEvents(writeOutbox);
}
