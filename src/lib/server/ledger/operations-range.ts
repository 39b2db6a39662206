import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client';
import { DomainError } from '../errors';
import { dayRule, isDay } from '../../day-text';
import { movedBy, OTHER_MOVEMENT_KINDS } from './movements';

/** One operation as the operations export writes it: every consume, hold, settle, grant, expiry, … and refusal. */
export interface OperationRecord {
	id: string;
	/** ISO time it was recorded. */
	at: string;
	/** The exact recorded time (microseconds, which a JS date drops): pass it back as `after.atKey`. */
	atKey: string;
	accountId: string;
	kind: string;
	/** `ok`, or `refused` with the refusal's code. */
	status: string;
	code: string | null;
	feature: string | null;
	model: string | null;
	/** Units measured (words, characters, model tokens, operations), as text: exact decimals. */
	units: string | null;
	/**
	 * What a use cost, in tokens (consume, hold, settle, release, expiry of a hold: allowance-paid part
	 * included); null for a grant, expiry, clawback or adjustment, whose unsigned amount read as a cost.
	 */
	cost: number | null;
	/**
	 * Signed change of the balance, in tokens, as the account's statement counts it (movements.ts
	 * `movedBy`): + a grant, − a spend (at its settle for a hold), expiry, clawback or adjustment; 0 for
	 * a hold, release or refusal and what free allowances or unlimited lots paid. An account's rows add
	 * up to its statement's balance change.
	 */
	tokens: number;
	actorUserId: string | null;
	actorKeyId: string | null;
	/** Spendable lot balance after it, in tokens; null where the ledger did not record one. */
	balanceAfter: number | null;
}

/**
 * Operations recorded between two site-local days (both included, in the site's time zone), oldest
 * first, `limit` at a time after the (atKey, id) of the last one read: a keyset walk over the
 * `operations_created_idx` index. Errors: `invalid_input` for a day that is not YYYY-MM-DD or a range
 * that ends before it starts.
 */
export async function operationsBetween(
	exec: Executor,
	range: { from: string; to: string },
	after: { atKey: string; id: string } | null,
	limit: number
): Promise<OperationRecord[]> {
	for (const field of ['from', 'to'] as const) if (!isDay(range[field])) throw new DomainError('invalid_input', dayRule(field, range[field]));
	if (range.to < range.from) throw new DomainError('invalid_input', 'The range ends before it starts.');
	const zone = sql`(select time_zone from site_settings where id = 1)`;
	const rows = await queryRows<{
		id: string; created_at: string; at_key: string; account_id: string; kind: string; status: string; code: string | null; feature: string | null; model: string | null;
		units: string | null; cost: number; tokens: string | null; actor_user_id: string | null; actor_key_id: string | null; balance_after: number | null;
	}>(exec, sql`
		select p.id, p.created_at, p.created_at::text as at_key, p.account_id, p.kind, p.status, p.code, p.feature, p.model, p.units::text as units, p.cost,
		       -- A hold is no movement until it settles (the statement's rule); a refusal moved nothing.
		       case when p.kind = 'hold' or p.status <> 'ok' then 0 else moved.delta end as tokens,
		       p.actor_user_id, p.actor_key_id, p.balance_after
		  from operations p
		  ${movedBy}
		 where p.created_at >= (${range.from}::date::timestamp at time zone ${zone})
		   and p.created_at < ((${range.to}::date + 1)::timestamp at time zone ${zone})
		   ${after ? sql`and (p.created_at, p.id) > (${after.atKey}::timestamptz, ${after.id}::uuid)` : sql``}
		 order by p.created_at, p.id
		 limit ${limit}`);
	return rows.map((r) => ({
		id: r.id,
		at: new Date(r.created_at).toISOString(),
		atKey: r.at_key,
		accountId: r.account_id,
		kind: r.kind,
		status: r.status,
		code: r.code,
		feature: r.feature,
		model: r.model,
		units: r.units,
		cost: OTHER_MOVEMENT_KINDS.includes(r.kind) ? null : Number(r.cost),
		tokens: Number(r.tokens ?? 0),
		actorUserId: r.actor_user_id,
		actorKeyId: r.actor_key_id,
		balanceAfter: r.balance_after === null ? null : Number(r.balance_after)
	}));
}
