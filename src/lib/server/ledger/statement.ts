import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client';
import { cursorRefusal } from '../errors';
import type { LotSource } from './types';
import { heldNowSql, lotsNowSql, movedBy, OTHER_MOVEMENTS } from './movements';
import { unlimitedNowSql, type UnlimitedNow } from './unlimited-now';
import { endedBySomeone } from './lot-ended';

/**
 * What moved an account's token balance:
 * - `grant`: a lot arrived (purchase, subscription period or renewal, bonus, referral, event, admin, chargeback reversal);
 * - `spend`: a use paid (partly) from lots — a consume, or a hold when it is settled;
 * - `expiry`: what was left of a lot when it expired or its subscription period ended; an unlimited lot's end (0 tokens);
 * - `clawback`: a refund or chargeback took back what was left of a purchase;
 * - `adjustment`: a site admin took tokens away (an admin's addition is a `grant` with source `admin`).
 */
export type StatementKind = 'grant' | 'spend' | 'expiry' | 'clawback' | 'adjustment';

/** Why a clawback happened; it prefixes the clawback's reason (`clawbackReason`) so the statement can say so. */
export type ClawbackCause = 'refund' | 'chargeback';

export interface StatementRow {
	/** The operation's id. */
	id: string;
	at: string;
	kind: StatementKind;
	/** Signed change of the balance, in tokens (0 for an unlimited grant, a refund with nothing left to take, …). */
	tokens: number;
	/** The balance right after this movement, in tokens. */
	balanceAfter: number;
	/** The lot's source (grants; the lot expired or taken back for expiries and clawbacks). */
	source: LotSource | null;
	/** The lot's note: the package ("Monthly plan · renewal"), the bonus's reason ("Invited Leo"), … */
	note: string | null;
	/** Clawbacks: refund or chargeback (null when not recorded). */
	cause: ClawbackCause | null;
	/** Adjustments and clawbacks: the reason recorded with them. */
	reason: string | null;
	/** Model scope (null = general tokens, usable by every model). */
	model: string | null;
	modelName: string | null;
	/** Spending: the feature used. */
	feature: string | null;
	featureName: string | null;
	/** Spending: the part a free allowance paid, which leaves the balance as it is. */
	allowanceTokens: number;
	/** Grants: when the lot expires (null = never); once someone ended it early, when they did. */
	expiresAt: string | null;
	/**
	 * Grants: someone (a site admin, a site key) ended the lot before its time. Its expiry is then the
	 * moment they did, so the grant's line says "ended early", not "expires" at a moment that was never
	 * its expiry (the Ended line says when).
	 */
	endedEarly: boolean;
	/** A grant of unlimited use, or its end (an expiry of 0 tokens that says who ended it: `actorName`, or `atEndDate`). */
	unlimited: boolean;
	/** An unlimited lot's end that its end date made (the sweep recorded it; no one ended it). */
	atEndDate: boolean;
	/** Who did it (spending by a member of a team pool, an admin's adjustment or end of unlimited use, the buyer of a purchase), when known. */
	actorName: string | null;
}

export interface StatementPage {
	rows: StatementRow[];
	/** The balance now (the first page only; the same figure as the newest row's balanceAfter), in tokens: running holds' tokens still in it. */
	balance: number | null;
	/**
	 * Tokens that running holds reserve now (the first page only): in `balance` until their jobs
	 * settle, not in the dashboard's Balance, which is `balance - held`.
	 */
	held: number | null;
	/**
	 * The unlimited use in force now (the first page only; null on later pages): `every`, of every model;
	 * `models`, the names of the models an unlimited lot of their own covers. Its uses take no tokens, so
	 * they are no movements here, as the uses a free allowance paid are not (GET /api/v1/balance's `unlimited`).
	 */
	unlimitedNow: { every: boolean; models: string[] } | null;
	nextCursor: string | null;
}

/** The reason stored with a clawback, starting with its cause so a statement can tell a chargeback from a refund. */
export function clawbackReason(cause: ClawbackCause | undefined, detail: string): string {
	return cause ? `${cause}: ${detail}` : detail;
}

function causeOf(reason: string | null): ClawbackCause | null {
	const m = /^(refund|chargeback): /.exec(reason ?? '');
	return m ? (m[1] as ClawbackCause) : null;
}

interface Cursor {
	at: string;
	id: string;
	/** The balance after the next older movement (= before the last one shown). */
	balance: number;
}

function encodeCursor(c: Cursor): string {
	return Buffer.from(`${c.at}|${c.id}|${c.balance}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): Cursor {
	const [at, id, balance] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
	const n = Number(balance);
	if (!at || !id || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(Date.parse(at)) || !Number.isSafeInteger(n)) {
		throw cursorRefusal();
	}
	return { at, id, balance: n };
}

/**
 * An account's **statement**: every movement of its token balance, newest first, each with the
 * balance after it. The balance is what the account's lots hold (the Balance of the dashboard and
 * the admin's pages, lib/balance-figures.ts) plus the tokens running holds reserve (`held`,
 * first page): a hold is no movement until it settles; unlimited lots add nothing countable. Uses paid
 * entirely by a free allowance or unlimited tokens do not move it (the usage history lists them).
 *
 * Keyset-paged (`limit` 1–200, default 50) so page N costs what page 1 costs: each page is two
 * index scans (operations_history_idx for spending, operations_statement_idx for the rest). The
 * first page reads the balance now in the same statement (one snapshot) and walks back through
 * the movements; the cursor carries the balance where the page ended. Invariant 6 of DESIGN.md
 * makes the oldest movement's balance before it 0.
 * Throws DomainError `invalid_input` for a cursor this function did not write.
 */
export async function statement(exec: Executor, accountId: string, q: { limit?: number; cursor?: string | null } = {}): Promise<StatementPage> {
	const limit = Math.min(Math.max(q.limit ?? 50, 1), 200);
	const after = q.cursor ? decodeCursor(q.cursor) : null;
	const before = after ? sql`and (o.created_at, o.id) < (${after.at}::timestamptz, ${after.id}::uuid)` : sql``;
	const rows = await queryRows<{
		id: string; kind: string; at_text: string; feature: string | null; feature_name: string | null; op_model: string | null;
		metadata: { reason?: string; at_end_date?: boolean } | null; actor_name: string | null; delta: string | null; allowance: string | null;
		source: LotSource | null; note: string | null; lot_model: string | null; model_name: string | null;
		expires_at: string | null; unlimited: boolean | null; ended_early: boolean | null; lots_now: string | null; held_now: string | null;
		unlimited_now: UnlimitedNow | null;
	}>(exec, sql`
		with page as (
		  (select o.id, o.kind, o.created_at, o.feature, o.model, o.metadata, o.actor_user_id, o.hold_id
		     from operations o
		    where o.account_id = ${accountId}::uuid and o.status = 'ok' and o.kind in ('consume', 'settle') ${before}
		      and o.cost > 0 and exists (select 1 from entries e join lots l on l.id = e.lot_id and not l.unlimited
		                   where e.operation_id in (o.id, (select h.operation_id from holds h where h.id = o.hold_id)))
		    -- nulls last: the order of operations_history_idx (both columns are never null)
		    order by o.created_at desc nulls last, o.id desc nulls last limit ${limit + 1})
		  union all
		  (select o.id, o.kind, o.created_at, o.feature, o.model, o.metadata, o.actor_user_id, o.hold_id
		     from operations o
		    where o.account_id = ${accountId}::uuid and o.status = 'ok' and o.kind in ${OTHER_MOVEMENTS} ${before}
		      -- A lot that expired with nothing left moved nothing; an unlimited lot's end (metadata) is said all the same.
		      and not (o.kind = 'expire' and o.cost = 0 and o.metadata is null)
		    order by o.created_at desc, o.id desc limit ${limit + 1})
		  order by created_at desc, id desc limit ${limit + 1}
		)
		select p.id, p.kind, p.feature, f.name as feature_name, p.model as op_model, p.metadata, u.name as actor_name,
		       to_char(p.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at_text,
		       moved.delta, moved.allowance, lot.source, lot.note, lot.model as lot_model, m.name as model_name, lot.expires_at, lot.unlimited,
		       case when p.kind = 'grant' and lot.id is not null then ${endedBySomeone(sql`lot.id`)} else false end as ended_early,
		       ${after ? sql`null::int8` : lotsNowSql(accountId)} as lots_now,
		       ${after ? sql`null::int8` : heldNowSql(accountId)} as held_now,
		       ${after ? sql`null::jsonb` : unlimitedNowSql(accountId)} as unlimited_now
		  from page p
		  ${movedBy}
		  left join lots lot on lot.id = case when p.kind = 'grant' then (p.metadata->>'lot_id')::uuid
		                                      when p.kind in ('expire', 'clawback') then moved.lot_id::uuid end
		  left join features f on f.key = p.feature
		  left join models m on m.key = coalesce(lot.model, p.model)
		  left join users u on u.id = p.actor_user_id
		 order by p.created_at desc, p.id desc`);
	const page = rows.slice(0, limit);
	// A hold is no movement: until it settles its tokens stay in the statement's balance.
	const held = Number(rows[0]?.held_now ?? 0);
	const balanceNow = Number(rows[0]?.lots_now ?? 0) + held;
	let balance = after ? after.balance : balanceNow;
	const out: StatementRow[] = page.map((r) => {
		const tokens = Number(r.delta ?? 0);
		const row: StatementRow = {
			id: r.id,
			at: r.at_text,
			kind: kindOf(r.kind),
			tokens,
			balanceAfter: balance,
			source: r.source,
			note: r.note,
			cause: r.kind === 'clawback' ? causeOf(r.metadata?.reason ?? null) : null,
			reason: r.kind === 'clawback' || r.kind === 'adjust' ? (r.metadata?.reason ?? null) : null,
			model: r.lot_model ?? r.op_model,
			modelName: r.model_name,
			feature: r.feature,
			featureName: r.feature_name ?? r.feature,
			allowanceTokens: r.kind === 'consume' || r.kind === 'settle' ? Number(r.allowance ?? 0) : 0,
			expiresAt: r.kind === 'grant' && r.expires_at ? new Date(r.expires_at).toISOString() : null,
			endedEarly: r.kind === 'grant' && r.ended_early === true,
			unlimited: (r.kind === 'grant' || r.kind === 'expire') && Boolean(r.unlimited),
			atEndDate: r.kind === 'expire' && r.metadata?.at_end_date === true,
			actorName: r.actor_name
		};
		balance -= tokens;
		return row;
	});
	const last = page.at(-1);
	return {
		rows: out,
		balance: after ? null : balanceNow,
		held: after ? null : held,
		// An account with an unlimited lot has its grant among its movements, so the first page has a row to carry it.
		unlimitedNow: after ? null : namesOf(rows[0]?.unlimited_now ?? { every: false, models: [] }),
		nextCursor: rows.length > limit && last ? encodeCursor({ at: last.at_text, id: last.id, balance }) : null
	};
}

const namesOf = (u: UnlimitedNow) => ({ every: u.every, models: u.models.map((m) => m.name) });

function kindOf(operationKind: string): StatementKind {
	switch (operationKind) {
		case 'grant':
			return 'grant';
		case 'expire':
			return 'expiry';
		case 'clawback':
			return 'clawback';
		case 'adjust':
			return 'adjustment';
		default:
			return 'spend';
	}
}
