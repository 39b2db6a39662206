/** The token store: catalog, checkout, fulfilment of Paddle webhooks, purchases and subscriptions. */
import { sql } from 'drizzle-orm';
import type { Db, Executor } from '../db';
import { mapRead, readOne, together } from '../db/reads';
import { orders } from '../db/schema';
import { listModels, spendable, viewerAvailableRead } from '../ledger';
import { poolName } from '../accounts';
import type { CapBound } from '../../available-words';
import { listProducts } from './catalog';
import { toOffers } from './offer';
import { getPurchase, openCheckoutRead, purchasesRead, type Purchase } from './orders';
import { subscriptionsRead } from './subscriptions';
import { paymentProvider } from './paddle';

export { saveProduct, listProducts, productRequest, type Product, type ProductInput } from './catalog';
export { addPackage } from './new-package';
export { catalogPreview, deleteProduct, keptProducts, reorderProducts, savingsPreview, setProductActive } from './catalog-admin';
export { seedDemoCatalog, demoCatalog } from './demo-catalog';
export { listed, notInStore, type ListedProduct } from './sale';
export type { Offer, SavingChange } from './offer';
export { startCheckout, resumeCheckout, dismissCheckout, listPurchases, RENEWAL_SQL, AUTO_TOP_UP_SQL, PAID_SQL, type CheckoutStart, type Purchase, type PurchaseStatus } from './orders';
export type { PaymentProvider } from './paddle/provider';
export { listSubscriptions, cancelSubscription, resumeSubscription, type SubscriptionView } from './subscriptions';
export { flaggedEvents } from './paddle/webhook';
export { siteRevenue, paymentFlags, paymentMovements, type Revenue, type PaymentFlag, type PaymentMovement } from './overview';
export { paymentProvider, requireProvider, activeSimulator, paymentsLine, catalogProviders } from './paddle';
export { simulatorFor, type SimulatorActor } from './paddle/simulator/access';

/**
 * What the store page shows: the packages for sale and how the browser opens the checkout;
 * `checkout: null` and no offers when no payment provider is live.
 */
export async function storeFront(db: Db) {
	const provider = await paymentProvider();
	if (!provider) return { offers: [], checkout: null };
	const [catalog, modelRows] = await Promise.all([listProducts(db.orm, { activeOnly: true }), listModels(db.orm)]);
	const offers = toOffers(catalog, provider.environment, new Map(modelRows.map((m) => [m.key, m.name])));
	return { offers: offers.filter((o) => o.paddlePriceId !== null), checkout: provider.browserCheckout() };
}

/**
 * An account's purchases (paid orders, newest first), subscriptions and the checkout `userId` left
 * open on it (`openCheckout`, or null), as the purchases page and the dashboard show them (one statement).
 */
export function accountPurchases(exec: Executor, accountId: string, userId: string) {
	return readOne(exec, accountPurchasesRead(accountId, userId));
}

/** The read behind `accountPurchases`, for a page that asks it with other figures. */
export function accountPurchasesRead(accountId: string, userId: string) {
	return mapRead(
		together({ purchases: purchasesRead(accountId), subscriptions: subscriptionsRead(accountId), openCheckout: openCheckoutRead(accountId, userId) }),
		(p) => ({ accountId, ...p })
	);
}

/** The account an order belongs to (for the access check before showing it). */
export async function orderAccount(db: Db, orderId: string): Promise<string | null> {
	if (!/^[0-9a-f-]{36}$/i.test(orderId)) return null;
	const [row] = await db.rows<{ account_id: string }>(sql`select account_id from ${orders} where id = ${orderId}::uuid`);
	return row?.account_id ?? null;
}

/**
 * An order while the store waits for its payment: its status; once its tokens landed, the account's
 * Available (`balance`) and, for `viewerId` (the member who bought), what a cap on their use leaves
 * them when less (`capBound`): what their dashboard's Available card says (viewerAvailableRead); and
 * `pool`, the team's name when the account is a team's pool (the store says "Tokens added to <team>
 * pool": a member who buys for a pool is told where the tokens went), else null. The embedded store's
 * viewer is the account's own user, or the team member its ticket names (none for a pool no member views).
 */
export async function orderProgress(db: Db, accountId: string, orderId: string, viewerId: string | null): Promise<{ purchase: Purchase; balance: number | null; capBound: CapBound | null; pool: string | null }> {
	const purchase = await getPurchase(db.orm, accountId, orderId);
	if (purchase.status !== 'completed') return { purchase, balance: null, capBound: null, pool: null };
	const [pool, figures] = await Promise.all([
		poolName(db.orm, accountId),
		viewerId ? readOne(db.orm, viewerAvailableRead(accountId, viewerId)) : spendable(db.orm, accountId).then((s) => ({ available: s.available, capBound: null }))
	]);
	return { purchase, balance: figures.available, capBound: figures.capBound, pool };
}
