import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client';
import { siteTimeZone } from '../ledger';
import { siteUsageTotals, type SiteUsageTotals } from '../ledger/site-usage';
import { paymentFlags, siteRevenue, type PaymentFlag, type Revenue } from '../store/overview';

export interface Overview {
	usage: SiteUsageTotals;
	revenue: { today: Revenue[]; month: Revenue[] };
	/** What needs an admin: Paddle events rejected or flagged (unknown price ids, partial refunds, credits, refunds of spent tokens). */
	flags: { rejected: number; unknownPrice: number; otherFlagged: number; newest: PaymentFlag[] };
	asOf: string;
	/** The site's time zone (IANA id), whose days and months these are. */
	timeZone: string;
}

/** The Overview's figures, all in the site's current day and month (its time zone): tokens, active users, revenue, open flags. */
export async function overview(exec: Executor): Promise<Overview> {
	const [usage, revenue, flags, [zone]] = await Promise.all([
		siteUsageTotals(exec),
		siteRevenue(exec),
		paymentFlags(exec),
		queryRows<{ time_zone: string }>(exec, sql`select ${siteTimeZone} as time_zone`)
	]);
	return { usage, revenue, flags, asOf: new Date().toISOString(), timeZone: zone!.time_zone };
}
