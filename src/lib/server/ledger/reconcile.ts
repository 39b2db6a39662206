import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client';

export interface Breach {
	invariant: number;
	what: string;
	row: Record<string, unknown>;
}

export interface ReconcileReport {
	ok: boolean;
	breaches: Breach[];
	checked: { lots: number; windows: number; operations: number; accounts: number };
}

/**
 * Each query returns the rows that break one invariant of DESIGN.md ("The ledger"). Every clause is
 * checked once, where it is most precise, so a breach names the one invariant it breaks (the
 * per-account balance of invariant 6 is the sum of invariant 1 over an account's lots, once every
 * lot was granted by its operation and no entry crosses accounts; it is not checked twice).
 */
const checks: { invariant: number; what: string; query: SQL }[] = [
	{
		invariant: 1,
		what: "a lot's remaining is not amount + Σ its entries, or is outside 0..amount",
		query: sql`select l.id, l.amount, l.remaining, coalesce(sum(e.amount), 0)::int8 as entries
			from lots l left join entries e on e.lot_id = l.id where not l.unlimited
			group by l.id having l.remaining <> l.amount + coalesce(sum(e.amount), 0) or l.remaining < 0 or l.remaining > l.amount`
	},
	{
		invariant: 2,
		what: "an allowance window's used is not −Σ its entries, or is above its limit",
		query: sql`select w.id, w.used, w.limit_tokens, coalesce(-sum(e.amount), 0)::int8 as entries
			from allowance_windows w left join entries e on e.window_id = w.id
			group by w.id having w.used <> coalesce(-sum(e.amount), 0) or (w.limit_tokens is not null and w.used > w.limit_tokens)`
	},
	{
		invariant: 3,
		what: "an operation's entries do not add up to its cost (or a refusal or a grant has entries, or its kind is unknown)",
		// Operations that take tokens: Σ entries = −cost. Those that close a hold: what the hold took
		// minus what was kept (cost) comes back. A grant's tokens are its lot's amount (invariant 6).
		query: sql`select o.id, o.kind, o.status, o.cost, coalesce(sum(e.amount), 0)::int8 as entries, h.amount as held
			from operations o
			left join entries e on e.operation_id = o.id
			left join holds h on h.id = o.hold_id
			group by o.id, h.amount
			having (o.status = 'refused' and count(e.id) > 0)
			    or (o.status = 'ok' and coalesce(sum(e.amount), 0) is distinct from case
			         when o.kind in ('consume', 'hold', 'expire', 'clawback', 'adjust') then -o.cost
			         when o.kind in ('settle', 'release', 'expire_hold') then h.amount - o.cost
			         when o.kind = 'grant' then 0 end)`
	},
	{
		invariant: 3,
		what: 'an entry belongs to no operation, or to an operation of another account',
		query: sql`select e.id, e.operation_id, e.account_id, o.account_id as operation_account from entries e
			left join operations o on o.id = e.operation_id where o.id is null or o.account_id <> e.account_id`
	},
	{
		invariant: 4,
		what: 'an idempotency key has more than one effect',
		query: sql`select idem_scope, idem_key, count(*)::int as n from operations
			where idem_key is not null group by 1, 2 having count(*) > 1`
	},
	{
		invariant: 5,
		what: 'a grant key (Paddle transaction item, API grant) granted more than once',
		query: sql`select grant_key, count(*)::int as n from lots where grant_key is not null group by 1 having count(*) > 1`
	},
	{
		invariant: 6,
		what: "per account, Σ granted (grant operations) ≠ Σ its lots' amounts",
		query: sql`with g as (select account_id, sum(cost) as granted from operations where kind = 'grant' and status = 'ok' group by 1),
			l as (select account_id, sum(amount) as amount from lots where not unlimited group by 1)
			select a.id, coalesce(g.granted, 0)::int8 as granted, coalesce(l.amount, 0)::int8 as lot_amounts
			  from accounts a left join g on g.account_id = a.id left join l on l.account_id = a.id
			 where coalesce(g.granted, 0) <> coalesce(l.amount, 0)`
	},
	{
		invariant: 6,
		what: "an entry moves the tokens of another account's lot or allowance window (tokens are not transferable)",
		query: sql`select e.id, e.operation_id, o.account_id as operation_account, coalesce(l.account_id, w.account_id) as target_account
			from entries e join operations o on o.id = e.operation_id
			left join lots l on l.id = e.lot_id left join allowance_windows w on w.id = e.window_id
			where coalesce(l.account_id, w.account_id) <> o.account_id`
	},
	{
		invariant: 6,
		what: "an open hold's tokens are not what its hold operation took",
		query: sql`select h.id, h.amount, coalesce(-sum(e.amount), 0)::int8 as taken from holds h
			left join entries e on e.operation_id = h.operation_id where h.status = 'open'
			group by h.id having h.amount <> coalesce(-sum(e.amount), 0)`
	}
];

/** Checks every ledger invariant over the whole database. */
export async function reconcile(exec: Executor): Promise<ReconcileReport> {
	const breaches: Breach[] = [];
	for (const check of checks) {
		for (const row of await queryRows(exec, check.query)) {
			breaches.push({ invariant: check.invariant, what: check.what, row });
		}
	}
	const [counts] = await queryRows<{ lots: number; windows: number; operations: number; accounts: number }>(
		exec,
		sql`select (select count(*) from lots)::int as lots, (select count(*) from allowance_windows)::int as windows,
			(select count(*) from operations)::int as operations, (select count(*) from accounts)::int as accounts`
	);
	return { ok: breaches.length === 0, breaches, checked: counts! };
}
