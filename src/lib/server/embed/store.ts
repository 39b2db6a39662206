import type { Db } from '../db';
import { poolName, rateLimit } from '../accounts';
import { spendable } from '../ledger';
import { listSubscriptions, orderProgress, startCheckout, storeFront, type CheckoutStart, type PaymentProvider } from '../store';
import { mintStoreTicket, type EmbedGrant } from './tokens';
import { accountUser, viewerCapBound } from './view';

// The store a host site's user reaches from the widget's "Buy tokens": the member store's packages
// and checkout, for the one account the embed token reads, with no sign-in. The widget's summary
// carries the link with a store ticket in its fragment (never sent to a server, never in a Referer).

/** The path of the store page; the ticket follows it as the fragment. */
export const EMBED_STORE_PATH = '/embed/store';

/** "Buy tokens": the store page's link for the embed token's account, `origin` + path + `#` + store ticket. */
export function storeLink(grant: EmbedGrant, origin: string): string {
	return `${new URL(EMBED_STORE_PATH, origin).href}#${mintStoreTicket(grant).ticket}`;
}

/**
 * What /embed/store shows: the packages for sale and how to open the checkout (`storeFront`), the
 * plans the account already holds (not ended), which it is not offered again and whose state it says
 * as the member store and Purchases do (`subscriptionState`: Active, Payment due, Ending…), the
 * tokens it can spend now (`available`) and, when a cap leaves its viewer less (its user, or the member a
 * team pool's ticket names), what it leaves (`capBound`, their dashboard's figure and cap line, as the widget says it),
 * and `pool`, the team's name when the account is a team's pool (null for a user's own): a member buying
 * there buys for the team, tokens their own account never sees, which the page must say.
 */
export async function embedStoreFront(db: Db, grant: EmbedGrant) {
	const { accountId } = grant;
	const [front, subscriptions, balance, capBound, pool] = await Promise.all([
		storeFront(db),
		listSubscriptions(db.orm, accountId),
		spendable(db.orm, accountId),
		viewerCapBound(db, accountId, grant.viewerId),
		poolName(db.orm, accountId)
	]);
	const heldPlans = subscriptions.filter((s) => s.status !== 'canceled').map(({ productId, status, currentPeriodEnd, nextBilledAt, canceledAt }) => ({ productId, status, currentPeriodEnd, nextBilledAt, canceledAt }));
	return { ...front, heldPlans, available: balance.available, capBound, pool };
}

/**
 * Starts a checkout for the ticket's account, exactly as the member store does (`startCheckout`: its
 * refusals are `not_found` for a package not for sale, `conflict` for a plan already held,
 * `invalid_input` for a quantity out of range). The order names its buyer (`buyerOf`: the member a
 * team pool's ticket names, else the account's own user; none for a pool no member views) and no
 * e-mail: Paddle's checkout asks the buyer for it. At most 20 checkouts per account in 10 minutes (`rate_limited`).
 */
export async function embedCheckout(
	db: Db,
	provider: PaymentProvider,
	grant: EmbedGrant,
	req: { productId: string; quantity: number; checkoutKey?: string | null }
): Promise<CheckoutStart> {
	await rateLimit(db, `checkout:account:${grant.accountId}`, 20, 600);
	return startCheckout(db.orm, provider, { accountId: grant.accountId, userId: await buyerOf(db, grant), email: null, ...req, channel: 'embed' });
}

/** Who buys with a ticket: the team member it names, else the account's own user; null for a team's pool no member views. */
const buyerOf = async (db: Db, grant: EmbedGrant): Promise<string | null> => grant.viewerId ?? (await accountUser(db, grant.accountId));

/**
 * One order of the ticket's account while its payment is processed (another account's order is
 * `not_found`, as an unknown id); once paid, the figures for its buyer (`buyerOf`), as their dashboard
 * says them (a cap on their use that leaves less is what they can spend).
 */
export async function embedOrder(db: Db, grant: EmbedGrant, orderId: string) {
	return orderProgress(db, grant.accountId, orderId, await buyerOf(db, grant));
}
