import { eq } from 'drizzle-orm';
import type { Database, Executor } from '../db';
import { products } from '../db/schema';
import { listModels } from '../ledger';
import { DomainError, parseInput } from '../errors';
import { audit } from '../accounts/audit';
import { listProducts, productInput, type PaddleEnvironment, type ProductInput } from './catalog';
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
