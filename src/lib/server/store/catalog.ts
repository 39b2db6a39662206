import { and, asc, eq, inArray, ne, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { atMostCharacters, readableText } from '../fields';
import type { Database, Executor } from '../db';
import { audit, creditTo, type SetupActor } from '../accounts/audit';
import { products } from '../db/schema';
import { listModels, MAX_TOKENS } from '../ledger';
import { DomainError, fieldRefusal, parseInput } from '../errors';
import type { PaymentProvider } from './paddle/provider';
import { CURRENCY_RULE, isPaddleCurrency, maxPriceMinor, MIN_PRICE_CENTS, PACKAGE_ID, PADDLE_PRICE_ID, PRICE_FIELD } from '../../price-range';

export type Product = typeof products.$inferSelect;
export type PaddleEnvironment = 'sandbox' | 'production';

const priceId = z
	.string()
	.regex(PADDLE_PRICE_ID, 'must be a Paddle price id: pri_ then at least 4 lower-case letters, digits or _')
	.nullable()
	.default(null);

const grant = { model: z.string().min(1).nullable(), tokens: z.number().int().min(1).max(MAX_TOKENS) };
const grantList = <G extends z.ZodType>(item: G) => z.array(item).min(1).max(20);

const productObject = z.object({
	id: z.string().regex(PACKAGE_ID, 'lowercase letters, digits and dashes'),
	kind: z.enum(['pack', 'model_pack', 'bundle', 'subscription']),
	name: readableText(atMostCharacters(z.string().trim().min(2), 80)),
	description: readableText(atMostCharacters(z.string().trim(), 400)).default(''),
	grants: grantList(z.object(grant)),
	priceCents: z.number().int().min(MIN_PRICE_CENTS, 'must be more than 0: tokens given away are a bonus, not a package'),
	currency: z.string().refine(isPaddleCurrency, CURRENCY_RULE).default('USD'),
	billingInterval: z.enum(['month', 'year']).nullable().default(null),
	maxQuantity: z.number().int().min(1).max(1000).default(1),
	paddlePriceSandbox: priceId,
	paddlePriceProduction: priceId,
	active: z.boolean().default(true),
	sort: z.number().int().default(0)
});

/** The rules between a package's fields. */
const productRules = <S extends z.ZodType<z.output<typeof productObject>, z.input<typeof productObject>>>(schema: S) =>
	schema
		.refine((p) => p.priceCents <= maxPriceMinor(p.currency), { message: 'must be at most 1,000,000 in its currency', path: ['priceCents'] })
		.refine((p) => (p.kind === 'subscription') === (p.billingInterval !== null), {
			message: 'subscriptions need a billing interval (month or year); other packages have none',
			path: ['billingInterval']
		})
		.refine((p) => p.kind !== 'model_pack' || (p.grants.length === 1 && p.grants[0]!.model !== null), {
			message: 'a model pack grants tokens for exactly one model',
			path: ['grants']
		})
		.refine((p) => p.kind !== 'subscription' || p.maxQuantity === 1, {
			message: 'a subscription is bought one at a time',
			path: ['maxQuantity']
		})
		.refine((p) => new Set(p.grants.map((g) => g.model)).size === p.grants.length, {
			message: 'each model appears once',
			path: ['grants']
		});

/**
 * A package as the store checks it before saving it. Lenient: the store passes its own rows through it
 * too (a stored package carries `retiredPrices`, `createdAt`); a person's input meets `productRequest` first.
 */
export const productInput = productRules(productObject);

/**
 * A package as the console sends it (tRPC `store.admin.*`, `admin.catalog.savings`): a key it does not take, in it or in a grant, is
 * refused, and so is a bundle of one grant. That rule is the console's only: a one-grant bundle saved before it still sells and renews.
 */
export const productRequest = productRules(z.strictObject({ ...productObject.shape, grants: grantList(z.strictObject(grant)) })).refine(
	(p) => p.kind !== 'bundle' || p.grants.length >= 2,
	{ message: "a bundle grants tokens for two models or more (one model's tokens are a model pack)", path: ['grants'] }
);

export type ProductInput = z.input<typeof productInput>;

/** Packages that sold through `priceId` in `environment` before their price changed (`retiredPrices`). */
const retiredHas = (environment: PaddleEnvironment, priceId: string) => sql`${products.retiredPrices} @> ${JSON.stringify([{ environment, priceId }])}::jsonb`;

/** The input as stored, checked against the catalog: granted models exist, and no other package sells through its Paddle prices. */
export async function checkedProduct(exec: Executor, input: ProductInput): Promise<z.output<typeof productInput>> {
	const p = parseInput(productInput, input);
	const modelKeys = p.grants.map((g) => g.model).filter((m): m is string => m !== null);
	if (modelKeys.length) {
		const known = new Set((await listModels(exec)).map((m) => m.key));
		const missing = modelKeys.filter((k) => !known.has(k));
		if (missing.length) throw new DomainError('unknown_model', `Unknown model: ${missing.join(', ')}`);
	}
	// One Paddle price sells one package: a webhook must map back to exactly one catalog item, also a
	// price a package sold through before (its subscribers renew on it).
	const priceClauses = [
		p.paddlePriceSandbox ? or(eq(products.paddlePriceSandbox, p.paddlePriceSandbox), retiredHas('sandbox', p.paddlePriceSandbox)) : undefined,
		p.paddlePriceProduction ? or(eq(products.paddlePriceProduction, p.paddlePriceProduction), retiredHas('production', p.paddlePriceProduction)) : undefined
	].filter((c) => c !== undefined);
	if (priceClauses.length) {
		const clash = await exec
			.select({ id: products.id })
			.from(products)
			.where(and(or(...priceClauses), ne(products.id, p.id)));
		if (clash[0]) throw new DomainError('conflict', `That Paddle price id already belongs to “${clash[0].id}”`);
	}
	return p;
}

/** Creates or replaces a catalog item, unaudited: the tests' fixtures. The console and the seed save through `saveProduct`. */
export async function upsertProduct(exec: Executor, input: ProductInput): Promise<Product> {
	const p = await checkedProduct(exec, input);
	const [row] = await exec
		.insert(products)
		.values(p)
		.onConflictDoUpdate({ target: products.id, set: { ...p, id: undefined } })
		.returning();
	return row!;
}

export async function listProducts(exec: Executor, opts: { activeOnly: boolean }): Promise<Product[]> {
	return exec
		.select()
		.from(products)
		.where(opts.activeOnly ? eq(products.active, true) : undefined)
		.orderBy(asc(products.sort), asc(products.priceCents));
}

export async function getProduct(exec: Executor, id: string): Promise<Product> {
	const [row] = await exec.select().from(products).where(eq(products.id, id));
	if (!row) throw new DomainError('not_found', 'No such package');
	return row;
}

export function priceIdOf(product: Product, env: PaddleEnvironment): string | null {
	return env === 'production' ? product.paddlePriceProduction : product.paddlePriceSandbox;
}

/**
 * The catalog items behind Paddle price ids (in one environment); unknown ids are simply absent. A
 * price the package no longer sells through (`retiredPrices`: its subscriptions renew on it) answers
 * the package at that price: `priceCents` and `currency` are the retired price's.
 */
export async function productsByPriceId(exec: Executor, env: PaddleEnvironment, ids: string[]): Promise<Map<string, Product>> {
	if (!ids.length) return new Map();
	const column = env === 'production' ? products.paddlePriceProduction : products.paddlePriceSandbox;
	const rows = await exec.select().from(products).where(or(inArray(column, ids), ...ids.map((id) => retiredHas(env, id))));
	const found = new Map<string, Product>();
	for (const r of rows) {
		for (const old of r.retiredPrices) if (old.environment === env && ids.includes(old.priceId)) found.set(old.priceId, { ...r, priceCents: old.unitPriceCents, currency: old.currency });
		const now = priceIdOf(r, env);
		if (now && ids.includes(now)) found.set(now, r);
	}
	return found;
}

/** A new Paddle price made for a save (`newPrice`): the environment, the price it replaces and the package's price then. */
type NewPaddlePrice = { environment: PaddleEnvironment; old: string; priceId: string; was: Pick<Product, 'priceCents' | 'currency' | 'billingInterval'> };

/**
 * Refuses a price id `priceId` of `provider`'s environment that the admin typed for package `p` (one made
 * in Paddle's dashboard) unless Paddle can sell `p` through it (`priceMismatch`): `invalid_input` on
 * that field, saying what differs and then `fix`. `payment_provider_error` when Paddle cannot be reached.
 */
export async function checkTypedPrice(provider: PaymentProvider, p: z.output<typeof productInput>, priceId: string, fix: string): Promise<void> {
	const why = await provider.priceMismatch(priceId, { unitPriceCents: p.priceCents, currency: p.currency, interval: p.billingInterval });
	if (why) throw fieldRefusal(PRICE_FIELD[provider.environment], `${why} ${fix}`);
}

/**
 * The new Paddle price an update needs, made before its save (Paddle is not asked inside a database
 * transaction): when the price, currency or billing interval changes and the admin kept the price id
 * of the provider's environment. A price id the admin typed instead is theirs (made in Paddle's
 * dashboard), checked against Paddle (`checkTypedPrice`): none is made then. A save then refused
 * archives the price made for it (`saveProduct`): the old one stays active.
 */
async function newPrice(exec: Executor, provider: PaymentProvider, input: ProductInput): Promise<NewPaddlePrice | null> {
	const p = parseInput(productInput, input);
	const [before] = await exec.select().from(products).where(eq(products.id, p.id));
	const env = provider.environment;
	const old = before && priceIdOf(before, env);
	const typed = priceIdOf(p as Product, env);
	if (before && typed && typed !== old) await checkTypedPrice(provider, p, typed, 'Correct the price or the id.');
	if (!before || !old || priceIdOf(p as Product, env) !== old || !priceChanged(before, p)) return null;
	const { priceId } = await provider.newPriceLike(old, { unitPriceCents: p.priceCents, currency: p.currency, interval: p.billingInterval });
	return { environment: env, old, priceId, was: before };
}

/** The package's price fields with `made` in place of its old price, which joins its retired prices. */
function withNewPrice(before: Product, made: NewPaddlePrice): Partial<Product> {
	if (priceIdOf(before, made.environment) !== made.old || priceChanged(before, made.was)) {
		throw new DomainError('conflict', 'This package was changed meanwhile: reload it and save again.');
	}
	const retired = { environment: made.environment, priceId: made.old, unitPriceCents: before.priceCents, currency: before.currency, retiredAt: new Date().toISOString() };
	return { [made.environment === 'production' ? 'paddlePriceProduction' : 'paddlePriceSandbox']: made.priceId, retiredPrices: [...before.retiredPrices, retired] };
}

/** Whether what Paddle charges for a package changes: its amount, currency or billing interval. */
export const priceChanged = (before: Pick<Product, 'priceCents' | 'currency' | 'billingInterval'>, after: Pick<Product, 'priceCents' | 'currency' | 'billingInterval'>) =>
	before.priceCents !== after.priceCents || before.currency !== after.currency || before.billingInterval !== after.billingInterval;

/** Whether saving `input` over `stored` would change none of its fields. */
export const unchanged = (stored: Product, input: z.output<typeof productInput>) =>
	(Object.keys(input) as (keyof typeof input)[]).every((k) => JSON.stringify(stored[k]) === JSON.stringify(input[k]));

/**
 * Which save it is: `create` (the console's "Add package", the demo seed) refuses a taken id,
 * `update` (the console's "Save changes") refuses an id that names no package.
 */
export type ProductSave = 'create' | 'update';

/**
 * A site admin (or Quota, the demo seed) creates or changes a package: the change and its audit
 * entry (`store.product_created` or `store.product_updated`, the package before and after) commit together;
 * an update that changes no field writes nothing and logs nothing (the package is answered as it is).
 * With `provider` (the live payment provider), a changed price, currency or billing interval gets a new
 * Paddle price in the provider's environment and the old one is archived: buyers from now
 * on pay the new price, subscribers keep theirs (`newPrice`, archived after the save). Input the save refuses
 * asks Paddle for nothing; a save refused after the new price was made archives that one instead. Errors also
 * `payment_provider_error` (nothing saved), `conflict` when the package changed while Paddle was asked.
 * Errors: `conflict` when `create` names a package already there (it is left as it was) or a Paddle
 * price id of another package; `not_found` when `update` names none; `unknown_model`; `invalid_input`.
 */
export async function saveProduct(db: Database, actor: SetupActor, input: ProductInput, save: ProductSave, provider: PaymentProvider | null = null): Promise<Product> {
	// Input the save would refuse asks Paddle for nothing (checked again in the transaction, against saves meanwhile).
	if (save === 'update' && provider) await checkedProduct(db, input);
	const made = save === 'update' && provider ? await newPrice(db, provider, input) : null;
	const saved = await db.transaction(async (tx) => {
		// Saves of packages take turns (rare, an admin's), so the checks below see every save before
		// this one: two admins adding one id, or one Paddle price to two packages, cannot both pass.
		// A price sold by two packages would credit a payment to either.
		await tx.execute(sql`lock table products in share row exclusive mode`);
		const p = await checkedProduct(tx, input);
		const [before] = await tx.select().from(products).where(eq(products.id, p.id));
		if (before && save === 'create') throw new DomainError('conflict', `The id “${p.id}” is already the package “${before.name}”: pick another id, or edit that package in the list.`);
		if (!before && save === 'update') throw new DomainError('not_found', 'No such package');
		// Saved as it is: nothing changes, so nothing is written or logged.
		if (before && unchanged(before, p)) return before;
		const [after] = await (before ? tx.update(products).set({ ...p, ...(made ? withNewPrice(before, made) : {}), id: undefined }).where(eq(products.id, p.id)) : tx.insert(products).values(p)).returning();
		await audit(tx, { action: before ? 'store.product_updated' : 'store.product_created', ...creditTo(actor), targetType: 'product', targetId: after!.id, before: before ?? null, after });
		return after!;
	}).catch(async (e: unknown) => {
		// The save did not happen: the price made for it would sit active in Paddle selling nothing.
		if (made && provider) await provider.archivePrice(made.priceId).catch(() => undefined);
		throw e;
	});
	// Archived once the package sells through the new price. Should Paddle not answer, the old price stays
	// active in Paddle but sells nothing through Quota (logged by the provider); the save stands.
	if (made && provider && saved.retiredPrices.some((r) => r.priceId === made.old)) await provider.archivePrice(made.old).catch(() => undefined);
	return saved;
}
