import type { Db } from '../db';
import { balances, history, type Balances, type HistoryRow } from '../ledger';
import { listPurchases, type Purchase } from '../store';

/** How many of the latest uses and purchases the widget shows. */
export const EMBED_RECENT = { usage: 10, purchases: 5 } as const;

export interface EmbedView {
	balances: Balances;
	/** The latest uses, newest first. */
	usage: HistoryRow[];
	/** The latest purchases, newest first (a checkout left unpaid drops out after an hour, as on /purchases). */
	purchases: Purchase[];
}

/** What the `<quota-usage>` widget shows of one account: balances, allowances, allocations, recent use and purchases. */
export async function embedView(db: Db, accountId: string): Promise<EmbedView> {
	const [b, usage, purchases] = await Promise.all([
		balances(db.orm, accountId),
		history(db.orm, accountId, { limit: EMBED_RECENT.usage }),
		listPurchases(db.orm, accountId, { limit: EMBED_RECENT.purchases })
	]);
	return { balances: b, usage: usage.rows, purchases };
}
