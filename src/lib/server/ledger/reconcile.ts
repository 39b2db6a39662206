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

/** Each query returns the rows that break one invariant of DESIGN.md ("The ledger"). */
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
		what: "an operation's entries do not add up to its cost (or a refusal has entries)",
		query: sql`select o.id, o.kind, o.status, o.cost, coalesce(sum(e.amount), 0)::int8 as entries, h.amount as held
			from operations o
			left join entries e on e.operation_id = o.id
			left join holds h on h.id = o.hold_id
			where o.kind in ('consume', 'hold', 'settle', 'release', 'expire_hold') or o.status = 'refused'
			group by o.id, h.amount
			having (o.status = 'refused' and count(e.id) > 0)
			    or (o.status = 'ok' and o.kind in ('consume', 'hold') and coalesce(sum(e.amount), 0) <> -o.cost)
			    or (o.status = 'ok' and o.kind in ('settle', 'release', 'expire_hold') and coalesce(sum(e.amount), 0) <> h.amount - o.cost)`
	},
	{
		invariant: 3,
		what: 'an entry belongs to another account than its operation',
		query: sql`select e.id, e.account_id, o.account_id as operation_account from entries e
			join operations o on o.id = e.operation_id where o.account_id <> e.account_id`
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
		what: 'per account, granted − consumed − expired − held ≠ remaining',
		query: sql`with g as (select account_id, sum(cost) as granted from operations where kind = 'grant' and status = 'ok' group by 1),
			l as (select account_id, sum(amount) as amount, sum(remaining) as remaining from lots where not unlimited group by 1),
			e as (select e.account_id, sum(e.amount) as moved from entries e join lots lo on lo.id = e.lot_id and not lo.unlimited group by 1)
			select a.id, coalesce(g.granted, 0)::int8 as granted, coalesce(l.amount, 0)::int8 as lot_amounts,
			       coalesce(e.moved, 0)::int8 as moved, coalesce(l.remaining, 0)::int8 as remaining
			  from accounts a left join g on g.account_id = a.id left join l on l.account_id = a.id left join e on e.account_id = a.id
			 where coalesce(g.granted, 0) <> coalesce(l.amount, 0)
			    or coalesce(g.granted, 0) + coalesce(e.moved, 0) <> coalesce(l.remaining, 0)`
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
