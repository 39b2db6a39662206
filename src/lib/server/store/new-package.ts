// "Add package" makes the package's Paddle price, as a changed price does (catalog.ts newPrice): the
// owner names the package, its tokens, price and billing period, and needs no price id from Paddle's dashboard.
import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../db';
import type { SetupActor } from '../accounts/audit';
import { paddlePriceRequests, products } from '../db/schema';
import { DomainError } from '../errors';
import { checkedProduct, checkTypedPrice, saveProduct, unchanged, type PaddleEnvironment, type Product, type ProductInput } from './catalog';
import type { PaymentProvider } from './paddle/provider';
import { PRICE_FIELD } from '../../price-range';
/** How long a second add of one package waits for the first one's price (Paddle answers in seconds). */
const WAIT_MS = 20_000;
/** A claim this old was left by a crash (no add waits for Paddle that long): the next add takes it over. */
const STALE = sql`now() - interval '2 minutes'`;

/**
 * The console's "Add package" on a site that sells through `provider` (null: payments not configured,
 * the package is saved as typed). The price id of the provider's environment:
 * - left empty: Paddle gets a product (the package's name and description) and a price of the package's
 *   amount, currency and billing period (`createPrice`), and the package is saved with that price's id;
 * - typed (a price the owner made in Paddle's dashboard): Paddle must hold it, active, at the package's
 *   amount, currency and billing period, or it is refused (`invalid_input` on that field, saying why).
 * Idempotent: adds of one package take turns (`paddle_price_requests`), and an add that finds the package
 * saved as asked (a double click, a retry after a lost answer) answers it; no second price is made.
 * Input the save refuses asks Paddle for nothing; a save refused after the price was made archives it (and
 * its product). Answers the package as saved. Errors: saveProduct's ('create'), and `payment_provider_error`
 * (nothing saved, the words say so) when Paddle refuses or cannot be reached; `conflict` when another add
 * of the same package is still waiting for Paddle after 20 s.
 */
export async function addPackage(db: Database, actor: SetupActor, input: ProductInput, provider: PaymentProvider | null): Promise<Product> {
	if (!provider) return saveProduct(db, actor, input, 'create');
	const p = await checkedProduct(db, input);
	const field = PRICE_FIELD[provider.environment];
	const price = { unitPriceCents: p.priceCents, currency: p.currency, interval: p.billingInterval };
	const notAdded = (e: unknown) => {
		if (e instanceof DomainError && e.code === 'payment_provider_error') throw new DomainError(e.code, `“${p.name}” is not added: ${e.message}`);
		throw e;
	};
	const typed = p[field];
	if (typed) {
		await checkTypedPrice(provider, p, typed, 'Correct the price or the id, or leave the id empty: adding the package then makes its price in Paddle.').catch(notAdded);
		return saveProduct(db, actor, input, 'create');
	}
	return claimed(db, provider.environment, p, async () => {
		const [already] = await db.select().from(products).where(eq(products.id, p.id));
		// Added as asked meanwhile (its price made then): that package. Another one under this id: refused by the save.
		if (already) return unchanged(already, { ...p, [field]: already[field] }) ? already : saveProduct(db, actor, input, 'create');
		const { priceId } = await provider.createPrice({ name: p.name, description: p.description }, price).catch(notAdded);
		try {
			return await saveProduct(db, actor, { ...input, ...(field === 'paddlePriceSandbox' ? { paddlePriceSandbox: priceId } : { paddlePriceProduction: priceId }) }, 'create');
		} catch (e) {
			// Not saved: the price would sit active in Paddle selling nothing.
			await provider.archiveAll([priceId]).catch(() => undefined);
			throw e;
		}
	});
}

/** Runs `fn` holding the claim on adding package `p` in `environment`: waits (up to WAIT_MS) while another add holds it. */
async function claimed<T>(db: Database, environment: PaddleEnvironment, p: { id: string; name: string }, fn: () => Promise<T>): Promise<T> {
	const t = paddlePriceRequests;
	for (const until = Date.now() + WAIT_MS; ; await new Promise((r) => setTimeout(r, 200))) {
		// A JavaScript Date (milliseconds), so the claim is found again by it below.
		const requestedAt = new Date();
		const [claim] = await db
			.insert(t)
			.values({ environment, productId: p.id, requestedAt })
			.onConflictDoUpdate({ target: [t.environment, t.productId], set: { requestedAt }, setWhere: sql`${t.requestedAt} < ${STALE}` })
			.returning();
		if (claim) {
			try {
				return await fn();
			} finally {
				await db.delete(t).where(and(eq(t.environment, environment), eq(t.productId, p.id), eq(t.requestedAt, requestedAt)));
			}
		}
		if (Date.now() > until) throw new DomainError('conflict', `“${p.name}” is being added already, and Paddle has not answered yet: reload the list in a minute before adding it again.`);
	}
}
