import { sql } from 'drizzle-orm';
import type { Db } from '../db';
import { readOne } from '../db/reads';
import { balances, history, modelNamesRead, viewerAvailableRead, type Balances, type HistoryRow } from '../ledger';
import { listPurchases, type Purchase } from '../store';
import type { CapBound } from '../../available-words';

/** How many of the latest uses and purchases the widget shows. */
export const EMBED_RECENT = { usage: 10, purchases: 5 } as const;

/** What the widget shows besides the balances: its latest uses and purchases, and what a cap leaves its user. Read again with every change its stream tells, so a purchase lands with the tokens it bought. */
export interface EmbedRecent {
	/** The latest uses, newest first, each with its model's name (`modelName`, as Allocations and the dashboard say it; the key when the model is gone). */
	usage: (HistoryRow & { modelName: string | null })[];
	/** The latest purchases, newest first (a checkout left unpaid drops out after an hour, as on /purchases). */
	purchases: Purchase[];
	/** What a cap on the account's user leaves them when less than the account's available: what their dashboard's Available card says (viewerAvailableRead); null when none binds, and for a team's pool, which no one person views. */
	capBound: CapBound | null;
}

export interface EmbedView extends EmbedRecent {
	balances: Balances;
}

/** The user whose own account `accountId` is (a host site's user), or null for a team's pool or a guest's. */
export async function accountUser(db: Db, accountId: string): Promise<string | null> {
	const [row] = await db.rows<{ id: string }>(sql`select id from users where account_id = ${accountId}::uuid limit 1`);
	return row?.id ?? null;
}

/** What a cap on the user of `accountId` leaves them, as their dashboard says it (viewerAvailableRead); null for an account no one user owns. */
export async function ownerCapBound(db: Db, accountId: string): Promise<CapBound | null> {
	const user = await accountUser(db, accountId);
	return user ? (await readOne(db.orm, viewerAvailableRead(accountId, user))).capBound : null;
}

/** The widget's latest uses (with their models' names) and purchases of one account, and what a cap on its user leaves them. */
export async function embedRecent(db: Db, accountId: string): Promise<EmbedRecent> {
	const [usage, names, purchases, capBound] = await Promise.all([
		history(db.orm, accountId, { limit: EMBED_RECENT.usage }),
		readOne(db.orm, modelNamesRead()),
		listPurchases(db.orm, accountId, { limit: EMBED_RECENT.purchases }),
		ownerCapBound(db, accountId)
	]);
	return { usage: usage.rows.map((r) => ({ ...r, modelName: r.model && (names.get(r.model) ?? r.model) })), purchases, capBound };
}

/** What the `<quota-usage>` widget shows of one account: balances, allowances, allocations, recent use and purchases, and what a cap on its user leaves them. */
export async function embedView(db: Db, accountId: string): Promise<EmbedView> {
	const [b, recent] = await Promise.all([balances(db.orm, accountId), embedRecent(db, accountId)]);
	return { balances: b, ...recent };
}
