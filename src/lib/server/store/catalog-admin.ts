import { and, count, eq, inArray, sql } from 'drizzle-orm';
import type { Database, Executor } from '../db';
import { orders, products, subscriptions, topupRules, topups } from '../db/schema';
import { counted } from '../../counted';
import { plainFormatter } from '../../refusal-message';
import { listModels } from '../ledger';
import { DomainError, parseInput } from '../errors';
import { audit } from '../accounts/audit';
import { listProducts, priceIdOf, productInput, type PaddleEnvironment, type Product, type ProductInput } from './catalog';
import type { PaddleArchive, PaymentProvider } from './paddle/provider';
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

/** Shows a package in the store or takes it off sale (orders and subscriptions of it stay), audited; answers the package as it is then. Errors: `not_found`. */
export async function setProductActive(db: Database, actor: { userId: string; ip: string | null }, id: string, active: boolean): Promise<Product> {
	return db.transaction(async (tx) => {
		const [p] = await tx.select().from(products).where(eq(products.id, id)).for('update');
		if (!p) throw new DomainError('not_found', 'No such package');
		if (p.active === active) return p;
		const [after] = await tx.update(products).set({ active }).where(eq(products.id, id)).returning();
		await audit(tx, { action: 'store.product_updated', actorUserId: actor.userId, targetType: 'product', targetId: id, ip: actor.ip, before: { active: p.active }, after: { active } });
		return after!;
	});
}

/**
 * What names package `id` in the store's records: `orders` (any status: a checkout opened is an order
 * Paddle may have a transaction for), `bought` (those paid: completed, refunded or charged back since),
 * `subscriptions`, `topupRules` (accounts' auto top-ups that buy it) and `topups` (top-ups it was bought
 * by). All 0: it was never ordered, and deleting it loses nothing.
 */
export interface ProductReferences {
	orders: number;
	bought: number;
	subscriptions: number;
	topupRules: number;
	topups: number;
}

const NONE: ProductReferences = { orders: 0, bought: 0, subscriptions: 0, topupRules: 0, topups: 0 };

/** The references of the packages named by anything (of package `id` only, when given), by package id. */
async function referencesByProduct(exec: Executor, id?: string): Promise<Map<string, ProductReferences>> {
	const named = (table: typeof subscriptions | typeof topupRules | typeof topups) =>
		exec.select({ id: table.productId, n: count() }).from(table).where(id === undefined ? undefined : eq(table.productId, id)).groupBy(table.productId);
	const [ordered, subscribed, rules, toppedUp] = await Promise.all([
		// Every order and the paid ones, in one read of the orders.
		exec
			.select({ id: orders.productId, all: count(), bought: count(sql`case when ${inArray(orders.status, ['completed', 'refunded', 'charged_back', 'partially_refunded'])} then 1 end`) })
			.from(orders)
			.where(id === undefined ? undefined : eq(orders.productId, id))
			.groupBy(orders.productId),
		named(subscriptions),
		named(topupRules),
		named(topups)
	]);
	const refs = new Map<string, ProductReferences>();
	const of = (productId: string) => refs.get(productId) ?? refs.set(productId, { ...NONE }).get(productId)!;
	for (const o of ordered) Object.assign(of(o.id), { orders: o.all, bought: o.bought });
	for (const s of subscribed) of(s.id).subscriptions = s.n;
	for (const r of rules) of(r.id).topupRules = r.n;
	for (const t of toppedUp) of(t.id).topups = t.n;
	return refs;
}

/**
 * Why a package cannot be deleted (keptWords), or null for one named by nothing: read once for the
 * whole catalog (side by side with the catalog's own read), then asked of each package. For the
 * console's list, so Delete says so at once; the delete still checks (deletable).
 */
export async function keptProducts(exec: Executor): Promise<(p: Pick<Product, 'id' | 'name' | 'active'>) => string | null> {
	const refs = await referencesByProduct(exec);
	return (p) => (refs.has(p.id) ? keptWords(p, refs.get(p.id)!) : null);
}

/** Why package `p` named by `refs` stays, in words: what names it, and that off sale is the way. */
export function keptWords(p: Pick<Product, 'name' | 'active'>, refs: ProductReferences): string {
	const n = (count: number, noun: string) => counted(count, noun, plainFormatter.tokens);
	// A checkout opened and not paid is an order too (Paddle may have its transaction), said apart from purchases.
	const [bought, unpaid] = [refs.bought || (refs.orders ? 0 : refs.subscriptions), Math.max(refs.orders - refs.bought, 0)];
	const opened = `${n(unpaid, 'checkout')} opened for it and not paid`;
	const what = bought
		? `was bought ${n(bought, 'time')}${unpaid ? ` (and had ${opened})` : ''}: its orders, Paddle's records and the buyers' statements name it`
		: unpaid
			? `had ${opened}: its orders and Paddle's records name it`
			: `is the package ${n(refs.topupRules, 'account')} ${refs.topupRules === 1 ? 'tops' : 'top'} up with automatically${refs.topups ? ', and their top-ups name it' : ''}`;
	const instead = p.active ? 'Take it off sale instead: nobody can buy it then, and who bought it keeps what they got.' : 'It is off sale already, which is the way: nobody can buy it, and who bought it keeps what they got.';
	return `“${p.name}” ${what}, so it cannot be deleted. ${instead}`;
}

/** The package `id`, locked (FOR UPDATE) while nothing names it. Errors: `not_found`; `conflict` (keptWords, `details`: the references). */
async function deletable(exec: Executor, id: string): Promise<Product> {
	const [p] = await exec.select().from(products).where(eq(products.id, id)).for('update');
	if (!p) throw new DomainError('not_found', 'No such package: another admin may have deleted it.');
	const refs = (await referencesByProduct(exec, id)).get(id) ?? NONE;
	if (refs.orders || refs.subscriptions || refs.topupRules || refs.topups) throw new DomainError('conflict', keptWords(p, refs), { ...refs });
	return p;
}

const PADDLE_ENVIRONMENT = { sandbox: "Paddle's sandbox", production: "Paddle's production environment" } as const;

/** The Paddle price ids package `p` sells or sold through in `env`: its price there and the ones it retired there. */
const pricesIn = (p: Product, env: PaddleEnvironment): string[] =>
	[priceIdOf(p, env), ...p.retiredPrices.filter((r) => r.environment === env).map((r) => r.priceId)].filter((id): id is string => id !== null);

/**
 * Why package `p` cannot be deleted from this site when it has a price in a Paddle environment none of
 * `providers` reaches (Quota cannot archive it there, and it would stay on sale); null when it has none.
 */
function unreachableWords(p: Product, providers: PaymentProvider[]): string | null {
	const env = (['sandbox', 'production'] as const).find((e) => priceIdOf(p, e) && !providers.some((x) => x.environment === e));
	if (!env) return null;
	const site = providers.length ? `reaches ${providers.map((x) => PADDLE_ENVIRONMENT[x.environment]).join(' and ')} only` : 'is not connected to Paddle';
	return `“${p.name}” sells through the price ${priceIdOf(p, env)} in ${PADDLE_ENVIRONMENT[env]}, and this site ${site}, so it cannot archive that price: deleting the package would leave it on sale in Paddle. Archive the price in Paddle's dashboard and clear it from the package, then delete it.`;
}

/** The package as stored, but for whether it is on sale. */
const sameBut = (a: Product, b: Product) => JSON.stringify({ ...a, active: b.active }) === JSON.stringify(b);

/**
 * Deletes package `id` when nothing names it (ProductReferences all 0: one never ordered), with
 * everything Paddle holds for it archived, audited (`store.product_deleted`, the package as it was),
 * and answers it as it was. Paddle is not asked inside a transaction, so in three steps:
 * 1. the package, locked, is checked and taken off sale: a checkout of it is refused from then on (a
 *    checkout locks the package until its order is recorded, so one under way is waited for, and then
 *    names it: the delete is refused, and the order completes as any other; see startCheckout);
 * 2. each of `providers` (the Paddle environments the site reaches: catalogProviders) archives what
 *    Paddle holds for it there (`archiveAll`: its price, the prices it retired, their Paddle products);
 * 3. the package, locked again, unchanged and still named by nothing, is deleted.
 * Should Paddle refuse or not answer (2), or the package be changed, put on sale or named meanwhile (3),
 * the package is left as it was (on sale again if it was) and what Paddle archived is made active again.
 * Errors: `not_found`; `conflict` (with keptWords, `details`: the references) when it was ordered or an
 * auto top-up buys it: off sale is the way then; `conflict` (unreachableWords) when it has a price in a
 * Paddle environment none of `providers` reaches, or when it changed while being deleted;
 * `payment_provider_error` when Paddle refused, saying the package stays as it was.
 */
export async function deleteProduct(db: Database, actor: { userId: string; ip: string | null }, id: string, providers: PaymentProvider[] = []): Promise<Product> {
	const before = await db.transaction(async (tx) => {
		const p = await deletable(tx, id);
		const unreachable = unreachableWords(p, providers);
		if (unreachable) throw new DomainError('conflict', unreachable);
		if (p.active) await tx.update(products).set({ active: false }).where(eq(products.id, id));
		return p;
	});
	const archived: PaddleArchive[] = [];
	try {
		for (const provider of providers) {
			const prices = pricesIn(before, provider.environment);
			if (prices.length) archived.push(await provider.archiveAll(prices));
		}
		return await db.transaction(async (tx) => {
			const now = await deletable(tx, id);
			if (now.active || !sameBut(now, before)) throw new DomainError('conflict', `“${now.name}” was changed while it was being deleted, so it stays as it is now: reload the list and delete it again if you still mean to.`);
			await tx.delete(products).where(eq(products.id, id));
			await audit(tx, { action: 'store.product_deleted', actorUserId: actor.userId, targetType: 'product', targetId: id, ip: actor.ip, before, after: null });
			return before;
		});
	} catch (e) {
		for (const a of archived) await a.restore();
		// Back on sale unless someone put it on sale meanwhile (or deleted it).
		if (before.active) await db.update(products).set({ active: true }).where(and(eq(products.id, id), eq(products.active, false)));
		if (e instanceof DomainError && e.code === 'payment_provider_error') throw new DomainError(e.code, `“${before.name}” is not deleted, and stays as it was: ${e.message}`);
		throw e;
	}
}
