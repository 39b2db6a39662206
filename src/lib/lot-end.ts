// Which lots a site admin may end now from a user's page (admin `endLotNow`, the Lots table's End now):
// the ledger refuses the others (quota_end_lot), and the table offers them no button.

/** Lots bought with money: a refund through Paddle takes them back, or the admin sets the general balance. */
export const PAID_SOURCES: readonly string[] = ['purchase', 'subscription', 'refund-reversal'];

/** Whether the admin may end this lot now: in force, and unlimited use or tokens not paid for with some left. */
export function endableLot(l: { source: string; unlimited: boolean; remaining: number; active: boolean }): boolean {
	return l.active && (l.unlimited || (!PAID_SOURCES.includes(l.source) && l.remaining > 0));
}
