import { count, eq } from 'drizzle-orm';
import type { Database, Executor } from '../db';
import { orders, products, subscriptions, topupRules, topups } from '../db/schema';
import { counted } from '../../counted';
import { listModels } from '../ledger';
import { DomainError, parseInput } from '../errors';
import { audit } from '../accounts/audit';
import { listProducts, priceIdOf, productInput, type PaddleEnvironment, type Product, type ProductInput } from './catalog';
import type { PaymentProvider } from './paddle/provider';
import { savingsChangedBy, toOffers, type Offer, type SavingChange } from './offer';

/**
 * What a buyer sees in one Paddle environment: the active packages in store order, as offers (per-1k
 * price, bundle savings). An offer without a price id in that environment is shown to the admin
 * flagged, since the store leaves it out (`paddlePriceId: null`).
 */
export async function catalogPreview(exec: Executor, env: PaddleEnvironment): Promise<Offer[]> {
	const [catalog, modelRows] = await Promise.all([listProducts(exec, { activeOnly: true }), listModels(exec)]);
	return toOffers(catalog, env, new Map(modelRows.map((m) => [m.key, m.name])));
}

/**
 * What saving `input` (as "Add package" or "Save changes" would) does to the other packages' "Save N%"
 * in the store, asked before saving; nothing is written. The store's own maths (`savingsChangedBy`):
 * the packages on sale whose saving moves, each with its percent before and after (null: no label).
 * Errors: `invalid_input`, as the save would refuse it.
 */
export async function savingsPreview(exec: Executor, input: ProductInput): Promise<SavingChange[]> {
	const p = parseInput(productInput, input);
	const catalog = await listProducts(exec, { activeOnly: false });
	const saved = catalog.find((c) => c.id === p.id);
	return savingsChangedBy(catalog, { ...p, createdAt: saved?.createdAt ?? new Date(), retiredPrices: saved?.retiredPrices ?? [] });
}

/**
 * Puts the packages in the given order (the store lists them so), audited with the order before and
 * after. `ids` must be every package, each once. Errors: `invalid_input` otherwise.
 */
export async function reorderProducts(db: Database, actor: { userId: string; ip: string | null }, ids: string[]): Promise<{ order: string[] }> {
	return db.transaction(async (tx) => {
		const before = (await listProducts(tx, { activeOnly: false })).map((p) => p.id);
		if (ids.length !== before.length || new Set(ids).size !== ids.length || !ids.every((id) => before.includes(id))) {
			throw new DomainError('invalid_input', 'The new order must name every package once; reload and try again.');
		}
		// Ten apart, so a package saved later with its own number can slot in between.
		for (const [i, id] of ids.entries()) await tx.update(products).set({ sort: (i + 1) * 10 }).where(eq(products.id, id));
		await audit(tx, { action: 'store.products_reordered', actorUserId: actor.userId, targetType: 'product', targetId: null, ip: actor.ip, before: { order: before }, after: { order: ids } });
		return { order: ids };
	});
}

/** Shows a package in the store or takes it off sale (orders and subscriptions of it stay), audited. Errors: `not_found`. */
export async function setProductActive(db: Database, actor: { userId: string; ip: string | null }, id: string, active: boolean): Promise<{ id: string; active: boolean }> {
	return db.transaction(async (tx) => {
		const [p] = await tx.select({ active: products.active }).from(products).where(eq(products.id, id)).for('update');
		if (!p) throw new DomainError('not_found', 'No such package');
		if (p.active !== active) {
			await tx.update(products).set({ active }).where(eq(products.id, id));
			await audit(tx, { action: 'store.product_updated', actorUserId: actor.userId, targetType: 'product', targetId: id, ip: actor.ip, before: { active: p.active }, after: { active } });
		}
		return { id, active };
	});
}

/**
 * What names package `id` in the store's records: `orders` (any status: a checkout opened is an order
 * Paddle may have a transaction for), `subscriptions`, `topupRules` (accounts' auto top-ups that buy it)
 * and `topups` (top-ups it was bought by). All 0: it was never ordered, and deleting it loses nothing.
 */
export interface ProductReferences {
	orders: number;
	subscriptions: number;
	topupRules: number;
	topups: number;
}

async function productReferences(exec: Executor, id: string): Promise<ProductReferences> {
	const named = async (table: typeof orders | typeof subscriptions | typeof topupRules | typeof topups) => (await exec.select({ n: count() }).from(table).where(eq(table.productId, id)))[0]!.n;
	return { orders: await named(orders), subscriptions: await named(subscriptions), topupRules: await named(topupRules), topups: await named(topups) };
}

/** Why package `p` named by `refs` stays, in words: what names it, and that off sale is the way. */
function keptWords(p: Product, refs: ProductReferences): string {
	const en = (n: number) => n.toLocaleString('en');
	const what = refs.orders || refs.subscriptions
		? `was ordered ${counted(refs.orders || refs.subscriptions, 'time', en)}: its orders, Paddle's records and the buyers' statements name it`
		: `is the package ${counted(refs.topupRules, 'account', en)} top up with automatically${refs.topups ? ', and their top-ups name it' : ''}`;
	const instead = p.active ? 'Take it off sale instead: nobody can buy it then, and who bought it keeps what they got.' : 'It is off sale already, which is the way: nobody can buy it, and who bought it keeps what they got.';
	return `“${p.name}” ${what}, so it cannot be deleted. ${instead}`;
}

/**
 * Deletes package `id` when nothing names it (ProductReferences all 0: one never ordered), audited
 * (`store.product_deleted`, the package as it was), and answers it as it was. The row is locked, so
 * an order of it opened meanwhile waits and then finds no package. Then, with `provider`, its Paddle
 * price in the provider's environment is archived (after the commit: Paddle is not asked inside a
 * transaction; should Paddle not answer, the price stays active in Paddle but sells nothing through
 * Quota, logged by the provider). Errors: `not_found`; `conflict` (with keptWords, `details`: the
 * references) when it was ordered or an auto top-up buys it: off sale is the way then.
 */
export async function deleteProduct(db: Database, actor: { userId: string; ip: string | null }, id: string, provider: PaymentProvider | null = null): Promise<Product> {
	const deleted = await db.transaction(async (tx) => {
		const [p] = await tx.select().from(products).where(eq(products.id, id)).for('update');
		if (!p) throw new DomainError('not_found', 'No such package: another admin may have deleted it.');
		const refs = await productReferences(tx, id);
		if (refs.orders || refs.subscriptions || refs.topupRules || refs.topups) throw new DomainError('conflict', keptWords(p, refs), { ...refs });
		await tx.delete(products).where(eq(products.id, id));
		await audit(tx, { action: 'store.product_deleted', actorUserId: actor.userId, targetType: 'product', targetId: id, ip: actor.ip, before: p, after: null });
		return p;
	});
	const price = provider && priceIdOf(deleted, provider.environment);
	if (price) await provider.archivePrice(price).catch(() => undefined);
	return deleted;
}
