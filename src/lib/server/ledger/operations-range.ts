import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client';
import { DomainError } from '../errors';
import { dayRule, isDay } from '../../day-text';
import { balanceNowSql, movedBy, OTHER_MOVEMENT_KINDS, OTHER_MOVEMENTS } from './movements';

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
	/**
	 * The account's balance right after it, in tokens, as its statement shows it (lots, held tokens
	 * still in; what a free allowance or unlimited use paid left it as it was): the balance before the
	 * account's first row plus `tokens` row by row. Not a use's `remaining`, which counts the feature's
	 * free allowance too.
	 */
	balanceAfter: number;
}

/** A movement's signed tokens as the statement counts them: a hold is no movement until it settles, a refusal moved nothing. */
const movedTokens = sql`case when p.kind = 'hold' or p.status <> 'ok' then 0 else moved.delta end`;

/**
 * The statement's balance of each account just before its operation `first` (an account's first row
 * of a page): its balance now less every movement from that operation on, in one statement.
 */
async function balancesBefore(exec: Executor, firsts: { accountId: string; atKey: string; id: string }[]): Promise<Map<string, number>> {
	if (!firsts.length) return new Map();
	// The movements only (uses, then grants and the others: each kind list a partial index's, as the statement reads them).
	const since = (kinds: SQL) => sql`
		select moved.delta from operations p ${movedBy}
		 where p.account_id = f.account_id and p.status = 'ok' and p.kind in ${kinds} and (p.created_at, p.id) >= (f.at, f.id)`;
	const rows = await queryRows<{ account_id: string; before: string }>(exec, sql`
		select f.account_id, ${balanceNowSql(sql`f.account_id`)} - coalesce((select sum(m.delta) from (${since(sql`('consume', 'settle')`)} union all ${since(OTHER_MOVEMENTS)}) m), 0) as before
		  from (values ${sql.join(firsts.map((f) => sql`(${f.accountId}::uuid, ${f.atKey}::timestamptz, ${f.id}::uuid)`), sql`, `)}) f(account_id, at, id)`);
	return new Map(rows.map((r) => [r.account_id, Number(r.before)]));
}

/**
 * Operations recorded between two site-local days (both included, in the site's time zone), oldest
 * first, `limit` at a time after the (atKey, id) of the last one read: a keyset walk over the
 * `operations_created_idx` index. `balances`: each account's balance after the last row read, kept by
 * the caller from page to page (start empty); an account's first row works it out once. Errors:
 * `invalid_input` for a day that is not YYYY-MM-DD or a range that ends before it starts.
 */
export async function operationsBetween(
	exec: Executor,
	range: { from: string; to: string },
	after: { atKey: string; id: string } | null,
	limit: number,
	balances: Map<string, number>
): Promise<OperationRecord[]> {
	for (const field of ['from', 'to'] as const) if (!isDay(range[field])) throw new DomainError('invalid_input', dayRule(field, range[field]));
	if (range.to < range.from) throw new DomainError('invalid_input', 'The range ends before it starts.');
	const zone = sql`(select time_zone from site_settings where id = 1)`;
	const rows = await queryRows<{
		id: string; created_at: string; at_key: string; account_id: string; kind: string; status: string; code: string | null; feature: string | null; model: string | null;
		units: string | null; cost: number; tokens: string | null; actor_user_id: string | null; actor_key_id: string | null;
	}>(exec, sql`
		select p.id, p.created_at, p.created_at::text as at_key, p.account_id, p.kind, p.status, p.code, p.feature, p.model, p.units::text as units, p.cost,
		       ${movedTokens} as tokens, p.actor_user_id, p.actor_key_id
		  from operations p
		  ${movedBy}
		 where p.created_at >= (${range.from}::date::timestamp at time zone ${zone})
		   and p.created_at < ((${range.to}::date + 1)::timestamp at time zone ${zone})
		   ${after ? sql`and (p.created_at, p.id) > (${after.atKey}::timestamptz, ${after.id}::uuid)` : sql``}
		 order by p.created_at, p.id
		 limit ${limit}`);
	const firsts = new Map<string, { accountId: string; atKey: string; id: string }>();
	for (const r of rows) if (!balances.has(r.account_id) && !firsts.has(r.account_id)) firsts.set(r.account_id, { accountId: r.account_id, atKey: r.at_key, id: r.id });
	for (const [accountId, before] of await balancesBefore(exec, [...firsts.values()])) balances.set(accountId, before);
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
		balanceAfter: runningBalance(balances, r.account_id, Number(r.tokens ?? 0))
	}));
}

/** `accountId`'s balance after a row that moved `tokens`, kept in `balances` for its next row. */
function runningBalance(balances: Map<string, number>, accountId: string, tokens: number): number {
	const after = balances.get(accountId)! + tokens;
	balances.set(accountId, after);
	return after;
}
