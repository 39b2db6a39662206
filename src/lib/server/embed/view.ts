import { sql } from 'drizzle-orm';
import type { Db } from '../db';
import { readOne } from '../db/reads';
import { balances, history, modelNamesRead, viewerAvailableRead, type Balances, type HistoryRow } from '../ledger';
import { listPurchases, type Purchase } from '../store';
import type { CapBound } from '../../available-words';
import { poolMember, poolName } from '../accounts';
import { fieldRefusal } from '../errors';

/** How many of the latest uses and purchases the widget shows. */
export const EMBED_RECENT = { usage: 10, purchases: 5 } as const;

/** What the widget shows besides the balances: its latest uses and purchases, and what a cap leaves its viewer. Read again with every change its stream tells, so a purchase lands with the tokens it bought. */
export interface EmbedRecent {
	/** The latest uses, newest first, each with its model's name (`modelName`, as Allocations and the dashboard say it; the key when the model is gone). */
	usage: (HistoryRow & { modelName: string | null })[];
	/** The latest purchases, newest first (a checkout left unpaid drops out after an hour, as on /purchases). */
	purchases: Purchase[];
	/**
	 * What a cap leaves the account's viewer when less than the account's available, as their dashboard's
	 * Available card says it (viewerAvailableRead): a user's own account's user, or the member a team
	 * pool's token names (a member's cap or the pool's); null when none binds, and for a pool no member views.
	 */
	capBound: CapBound | null;
}

export interface EmbedView extends EmbedRecent {
	balances: Balances;
	/** The team's name when the account is a team's pool, with or without a member viewing it (the widget is titled "<team> pool"); null for a user's own account. */
	pool: string | null;
}

/** The user whose own account `accountId` is (a host site's user), or null for a team's pool or a guest's. */
export async function accountUser(db: Db, accountId: string): Promise<string | null> {
	const [row] = await db.rows<{ id: string }>(sql`select id from users where account_id = ${accountId}::uuid limit 1`);
	return row?.id ?? null;
}

/**
 * The member of the team whose pool is `accountId` that `member` names (the host site's user id or a
 * Quota user id): the viewer an embed token for that pool carries. Errors: invalid_input on `member`
 * (no such member of this team; a user's own account has no member to name).
 */
export async function embedViewer(db: Db, accountId: string, member: string): Promise<string> {
	// Which refusal is asked only once the member is not found: a token for a member is one query.
	return poolMember(db.orm, accountId, member).catch(async (e: unknown) => {
		if ((await accountUser(db, accountId)) !== null) throw fieldRefusal('member', 'member goes with team: the member viewing its pool. Leave it out for a user.');
		throw e;
	});
}

/** What a cap leaves the viewer of `accountId` (`viewerId`, else the account's own user), as their dashboard says it (viewerAvailableRead); null when no one views it as theirs. */
export async function viewerCapBound(db: Db, accountId: string, viewerId: string | null = null): Promise<CapBound | null> {
	const user = viewerId ?? (await accountUser(db, accountId));
	return user ? (await readOne(db.orm, viewerAvailableRead(accountId, user))).capBound : null;
}

/** The widget's latest uses (with their models' names) and purchases of one account, and what a cap leaves its viewer (`viewerId`, see viewerCapBound). */
export async function embedRecent(db: Db, accountId: string, viewerId: string | null = null): Promise<EmbedRecent> {
	const [usage, names, purchases, capBound] = await Promise.all([
		history(db.orm, accountId, { limit: EMBED_RECENT.usage }),
		readOne(db.orm, modelNamesRead()),
		listPurchases(db.orm, accountId, { limit: EMBED_RECENT.purchases }),
		viewerCapBound(db, accountId, viewerId)
	]);
	return { usage: usage.rows.map((r) => ({ ...r, modelName: r.model && (names.get(r.model) ?? r.model) })), purchases, capBound };
}

/** What the `<quota-usage>` widget shows of one account: balances, allowances, allocations, recent use and purchases, what a cap leaves its viewer, and whose pool it is. */
export async function embedView(db: Db, accountId: string, viewerId: string | null = null): Promise<EmbedView> {
	const [b, recent, pool] = await Promise.all([balances(db.orm, accountId), embedRecent(db, accountId, viewerId), poolName(db.orm, accountId)]);
	return { balances: b, ...recent, pool };
}
