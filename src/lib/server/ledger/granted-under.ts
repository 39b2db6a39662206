import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client';
import { DomainError } from '../errors';

/*
 * The lots under one grant-key prefix, for a domain that grants many lots under one name (a campaign's
 * `campaign:<id>:<account>`). The ledger reads a prefix as an opaque string; it is read as a range of
 * `lots_grant_key_prefix_idx` (text_pattern_ops, 0064): byte order, so the range is right whatever the
 * database's collation, and `~>=~` takes a parameter where `like $1 || '%'` would scan every lot.
 */

/**
 * `grant_key` within the prefix's range: from the prefix to the prefix with its last character one
 * higher. That character is ASCII below DEL (a campaign's ends in ':'): one higher is then one byte
 * higher and still a character, where past U+FFFF `fromCharCode` wraps, and a surrogate's neighbour is
 * no character at all. Errors: `invalid_input` (an empty prefix, or one that ends otherwise).
 */
function underPrefix(prefix: string) {
	const last = prefix.charCodeAt(prefix.length - 1);
	if (!(last >= 0x20 && last < 0x7f)) throw new DomainError('invalid_input', 'A grant-key prefix must end in a printable ASCII character.');
	const upper = prefix.slice(0, -1) + String.fromCharCode(last + 1);
	return sql`l.grant_key ~>=~ ${prefix} and l.grant_key ~<~ ${upper}`;
}

/** A lot that still counts: not ended, its expiry (if any) ahead. */
const stillCounts = sql`l.expired_at is null and (l.expires_at is null or l.expires_at > now())`;

/** A lot under a prefix that still counts, as `lotsUnder` pages them. */
export interface CountingLot {
	id: string;
	accountId: string;
}

/**
 * The lots under `prefix` that still count (not ended, expiry ahead), by lot id after `after`,
 * `limit` of them: a keyset page, so a caller ending or changing them commits in steps. Errors: as `grantedUnder`'s.
 */
export async function lotsUnder(exec: Executor, prefix: string, after: string | null, limit: number): Promise<CountingLot[]> {
	const from = after ? sql`and l.id > ${after}::uuid` : sql``;
	return queryRows<CountingLot>(exec, sql`
		select l.id, l.account_id as "accountId" from lots l
		 where ${underPrefix(prefix)} and ${stillCounts} ${from}
		 order by l.id limit ${limit}`);
}

/** What became of the tokens of the lots under a prefix, in tokens: granted = used + left + expired. */
export interface GrantedUnder {
	/** Lots under the prefix (one per account, for a campaign). */
	lots: number;
	granted: number;
	/** Spent (settled uses; tokens a running job holds count as used until it gives them back). */
	used: number;
	/** Still spendable: the remaining of the lots that still count. */
	left: number;
	/** Lost at an expiry or an end (recorded, or due and not swept yet). */
	expired: number;
	/** Lots that still count. */
	counting: number;
}

/** The figures of the lots under `prefix` (GrantedUnder), in one read. Errors: `invalid_input` (a prefix that does not end in a printable ASCII character). */
export async function grantedUnder(exec: Executor, prefix: string): Promise<GrantedUnder> {
	const [r] = await queryRows<{ lots: number; granted: number; left: number; lost: number; due: number; counting: number }>(exec, sql`
		select count(*)::int8 as lots, coalesce(sum(l.amount), 0)::int8 as granted,
		       coalesce(sum(l.remaining) filter (where ${stillCounts}), 0)::int8 as left,
		       coalesce(sum(l.remaining) filter (where not (${stillCounts})), 0)::int8 as due,
		       coalesce(sum((select -sum(e.amount) from entries e where e.lot_id = l.id and e.kind = 'expire')), 0)::int8 as lost,
		       count(*) filter (where ${stillCounts})::int8 as counting
		  from lots l where ${underPrefix(prefix)}`);
	const [granted, left, expired] = [Number(r!.granted), Number(r!.left), Number(r!.lost) + Number(r!.due)];
	return { lots: Number(r!.lots), granted, used: granted - left - expired, left, expired, counting: Number(r!.counting) };
}

/** Which of `keys` a lot was granted under (exact keys, along the grant key's unique index). */
export async function grantedKeys(exec: Executor, keys: string[]): Promise<Set<string>> {
	if (!keys.length) return new Set();
	const rows = await queryRows<{ grant_key: string }>(exec, sql`
		select grant_key from lots where grant_key in (select jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb))`);
	return new Set(rows.map((r) => r.grant_key));
}
