// The Catalog page's package form: what the admin types, as the store's product input, and back.
import { readTokenAmount } from '../amount';
import type { Inputs, Outputs } from '../api-types';
import { maxPriceMinor, MIN_PRICE_CENTS, PACKAGE_ID, PACKAGE_ID_RULE, PACKAGE_NAME_RULE, PADDLE_PRICE_ID, PADDLE_PRICE_ID_RULE, priceRule } from '$lib/price-range';
import { minorDigits, money } from '$lib/money';
import { MAX_TOKENS } from '$lib/token-range';
import { characterCount, longerThan } from '$lib/text-length';

export type Product = Outputs['store']['admin']['products'][number];
export type ProductInput = Inputs['store']['admin']['createProduct'];
export type ProductKind = Product['kind'];

export interface GrantDraft {
	/** '' = general tokens, usable by every model. */
	model: string;
	tokens: string;
}

export interface ProductDraft {
	id: string;
	kind: ProductKind;
	name: string;
	description: string;
	grants: GrantDraft[];
	/** In the currency's main unit as typed: "12", "12.5", "12.50" ("550" in yen: no decimals). */
	price: string;
	currency: string;
	billingInterval: 'month' | 'year';
	maxQuantity: string;
	paddlePriceSandbox: string;
	paddlePriceProduction: string;
	active: boolean;
}

export const KIND_LABEL: Record<ProductKind, string> = {
	pack: 'Token pack',
	model_pack: 'Model pack',
	bundle: 'Bundle of models',
	subscription: 'Subscription'
};

export const emptyDraft = (): ProductDraft => ({
	id: '',
	kind: 'pack',
	name: '',
	description: '',
	grants: [{ model: '', tokens: '' }],
	price: '',
	currency: 'USD',
	billingInterval: 'month',
	maxQuantity: '10',
	paddlePriceSandbox: '',
	paddlePriceProduction: '',
	active: true
});

/**
 * An amount as typed: bare digits with a decimal point or comma ("1250", "12.50", "12,50"), or digits
 * grouped in thousands by commas ("1,250", "1,000,000"), as the form's own notes write prices
 * ("$1,250.00"), whose decimals then follow a point. A comma before three digits is never a decimal: no
 * currency here has three.
 */
const AMOUNT = /^(?:(\d{1,7})(?:[.,](\d{1,2}))?|(\d{1,3}(?:,\d{3}){1,2})(?:\.(\d{1,2}))?)$/;

/**
 * The typed price in `currency`'s minor units: ("12.50", 'USD') → 1250, ("1,250", 'USD') → 125000, ("550",
 * 'JPY') → 550; null when it is not an amount with at most the currency's decimals (none for JPY: "5.50"
 * yen is null). Exact: no floating point.
 */
export function parsePrice(text: string, currency: string): number | null {
	const m = AMOUNT.exec(text.trim());
	const d = minorDigits(currency);
	const whole = m?.[1] ?? m?.[3]?.replaceAll(',', '');
	const decimals = m?.[2] ?? m?.[4] ?? '';
	if (whole === undefined || decimals.length > d) return null;
	return Number(whole) * 10 ** d + Number(decimals.padEnd(d, '0'));
}

/** A currency without a smaller unit, in words for the note beside the price: [the unit, its plural]. */
const WHOLE_UNIT_WORDS: Record<string, [string, string]> = { JPY: ['Yen', 'yen'], KRW: ['The won', 'won'], CLP: ['The Chilean peso', 'Chilean pesos'], VND: ['The dong', 'dong'] };

/** Thousands grouped by commas or points, then a decimal comma ("1,250,50", "1.250,50"): what many locales write, which this form cannot read. */
const GROUPED_DECIMAL_COMMA = /^(\d{1,3}(?:([.,])\d{3})(?:\2\d{3})*),(\d{1,2})$/;

/** What is wrong with a typed price, said beside the field; null when it is a price the catalog takes. */
export function priceProblem(text: string, currency: string): string | null {
	const minor = parsePrice(text, currency);
	if (minor !== null) return minor < MIN_PRICE_CENTS || minor > maxPriceMinor(currency) ? priceRule(currency) : null;
	// Said with the amount it most likely is, written as the form reads it, when that is a price it takes.
	const grouped = minorDigits(currency) === 2 ? GROUPED_DECIMAL_COMMA.exec(text.trim()) : null;
	if (grouped) {
		const whole = grouped[1]!.replace(/[.,]/g, '');
		const meant = `${Number(whole).toLocaleString('en-US')}.${grouped[3]!.padEnd(2, '0')}`;
		const minorMeant = parsePrice(meant, currency);
		if (minorMeant !== null && minorMeant <= maxPriceMinor(currency)) return `${text.trim()} cannot be read: with thousands grouped by commas, the decimals follow a point, like ${meant}.`;
	}
	const words = WHOLE_UNIT_WORDS[currency.toUpperCase()];
	return words && AMOUNT.test(text.trim()) ? `${words[0]} has no smaller unit: type a whole number of ${words[1]}.` : priceRule(currency);
}

/** Minor units as the form shows them: (1250, 'USD') → "12.50"; (550, 'JPY') → "550". */
export function priceText(minor: number, currency: string): string {
	const d = minorDigits(currency);
	return d === 0 ? String(minor) : `${Math.floor(minor / 10 ** d)}.${String(minor % 10 ** d).padStart(d, '0')}`;
}

export function draftOf(p: Product): ProductDraft {
	return {
		id: p.id,
		kind: p.kind,
		name: p.name,
		description: p.description,
		grants: p.grants.map((g) => ({ model: g.model ?? '', tokens: String(g.tokens) })),
		price: priceText(p.priceCents, p.currency),
		currency: p.currency,
		billingInterval: p.billingInterval ?? 'month',
		maxQuantity: String(p.maxQuantity),
		paddlePriceSandbox: p.paddlePriceSandbox ?? '',
		paddlePriceProduction: p.paddlePriceProduction ?? '',
		active: p.active
	};
}

/** The form's fields a problem is said beside (their input ids): `grant-tokens-0` is the first line's tokens, `grant-model-1` the second line's model. */
export type DraftField = 'pkg-name' | 'pkg-id' | 'pkg-desc' | 'pkg-price' | 'pkg-max' | 'pkg-sandbox' | 'pkg-production' | `grant-tokens-${number}` | `grant-model-${number}`;

/** What is wrong with a draft, by the field it is said beside. */
export type DraftProblems = Partial<Record<DraftField, string>>;

/**
 * The draft as the save procedure's input, or everything to fix, each in words beside its field
 * (all at once, in the form's order: one press of Save shows them all). The server checks everything again (catalog.ts);
 * this catches typing slips before a round trip.
 */
export function toInput(d: ProductDraft, sort: number): { input: ProductInput } | { problems: DraftProblems } {
	const problems: DraftProblems = {};
	const name = d.name.trim();
	if (characterCount(name) < 2 || longerThan(name, 80)) problems['pkg-name'] = PACKAGE_NAME_RULE;
	if (!PACKAGE_ID.test(d.id.trim())) problems['pkg-id'] = PACKAGE_ID_RULE;
	const maxQuantity = d.kind === 'subscription' ? 1 : Number(d.maxQuantity);
	if (!Number.isInteger(maxQuantity) || maxQuantity < 1 || maxQuantity > 1000) problems['pkg-max'] = 'A buyer may take 1 to 1,000 at once.';
	const currency = d.currency.trim().toUpperCase();
	const priceCents = parsePrice(d.price, currency);
	const priceSlip = priceProblem(d.price, currency);
	if (priceSlip) problems['pkg-price'] = priceSlip;
	const grants = [];
	for (const [i, g] of d.grants.entries()) {
		const tokens = readTokenAmount(g.tokens, { min: 1, max: MAX_TOKENS });
		if (tokens.ok) grants.push({ model: g.model || null, tokens: tokens.value });
		else problems[`grant-tokens-${i}`] = tokens.error;
		// A bundle names each model once (the server refuses it as "Grants: each model appears once", said under the form): beside the line that repeats one.
		const first = d.grants.findIndex((h) => h.model === g.model);
		if (first < i) problems[`grant-model-${i}`] = `Line ${first + 1} has this model already: a bundle names each model once, so add these tokens to that line.`;
	}
	// A bundle is the store's "Several models at once" (the server refuses one line under the form): beside its one line.
	if (d.kind === 'bundle' && d.grants.length < 2) problems['grant-model-0'] ??= "A bundle grants two models or more: add a model, or make this a model pack.";
	for (const [field, id] of [['pkg-sandbox', d.paddlePriceSandbox], ['pkg-production', d.paddlePriceProduction]] as const) {
		if (id.trim() && !PADDLE_PRICE_ID.test(id.trim())) problems[field] = PADDLE_PRICE_ID_RULE;
	}
	if (Object.keys(problems).length > 0 || priceCents === null) return { problems };
	return {
		input: {
			id: d.id.trim(),
			kind: d.kind,
			name,
			description: d.description.trim(),
			grants,
			priceCents,
			currency,
			billingInterval: d.kind === 'subscription' ? d.billingInterval : null,
			maxQuantity,
			paddlePriceSandbox: d.paddlePriceSandbox.trim() || null,
			paddlePriceProduction: d.paddlePriceProduction.trim() || null,
			active: d.active,
			sort
		}
	};
}

/**
 * What saving a new price does, said under the price before Save (null when the price, currency and
 * billing interval are as saved, or the draft is no price yet): Paddle gets a new price, the old one
 * is archived (store/catalog.ts `repriced`); subscribers keep theirs, purchases made keep what they paid.
 */
export function repriceNote(saved: Product | undefined, d: ProductDraft): string | null {
	const currency = d.currency.trim().toUpperCase();
	const cents = parsePrice(d.price, currency);
	// A price the form refuses (its slip says why) makes nothing: no word of what saving it would do.
	if (!saved || cents === null || priceProblem(d.price, currency)) return null;
	const interval = d.kind === 'subscription' ? d.billingInterval : null;
	if (cents === saved.priceCents && currency === saved.currency && interval === saved.billingInterval) return null;
	const per = (i: string | null) => (i === 'month' ? ' a month' : i === 'year' ? ' a year' : '');
	const [was, now] = [`${money(saved.priceCents, saved.currency)}${per(saved.billingInterval)}`, `${money(cents, currency)}${per(interval)}`];
	const made = `Saving makes a new Paddle price of ${now} and archives the one of ${was}.`;
	return saved.kind === 'subscription'
		? `${made} New subscribers pay ${now}; existing subscribers keep paying ${was} until their subscription is changed in Paddle.`
		: `${made} Buyers pay ${now} from now on; purchases already made keep what they paid.`;
}

/** Whether saving `input` would change none of `saved`'s fields (the form then says so and sends nothing; the server would log nothing). */
export function sameAsSaved(saved: Product, input: ProductInput): boolean {
	return (Object.keys(input) as (keyof ProductInput)[]).every((k) => JSON.stringify(saved[k as keyof Product] ?? null) === JSON.stringify(input[k] ?? null));
}

/**
 * The id of a package the list already has, when adding one (an add never saves over a package):
 * said beside the id field before anything is sent, in the words the server refuses it with
 * (store/catalog.ts saveProduct: it still refuses it, for a list that is out of date). Null when free.
 */
export function idTaken(products: readonly Product[], d: ProductDraft, isNew: boolean): string | null {
	const id = d.id.trim();
	const owner = isNew ? products.find((p) => p.id === id) : undefined;
	return owner ? `The id “${id}” is already the package “${owner.name}”: pick another id, or edit that package in the list.` : null;
}

export type PriceField = 'paddlePriceSandbox' | 'paddlePriceProduction';

/**
 * A Paddle price id that another package already has in that environment (one price sells one
 * package: a payment's webhook must map back to it), said beside its field before anything is
 * sent; the server still refuses it (store/catalog.ts), for a list that is out of date. Null when none.
 */
export function priceClash(products: readonly Product[], d: ProductDraft): { field: PriceField; text: string } | null {
	const id = d.id.trim();
	for (const field of ['paddlePriceSandbox', 'paddlePriceProduction'] as const) {
		const price = d[field].trim();
		const owner = price ? products.find((p) => p.id !== id && p[field] === price) : undefined;
		if (owner) return { field, text: `That Paddle price id already belongs to “${owner.name}” (${owner.id}): one price sells one package.` };
	}
	return null;
}

/**
 * What the form says once `saved` is saved: "on sale" only when buyers can buy it on this site; else
 * why not and what to do (the server's `notInStore`: no price id in the environment the site sells in).
 * `madePrice`: the Paddle price id "Add package" made for it (the admin left that field empty).
 */
export function savedWords(saved: Pick<Product, 'name' | 'active' | 'notInStore'>, madePrice: string | null = null): string {
	const made = madePrice ? ` Its Paddle price ${madePrice} was made for it.` : '';
	if (!saved.active) return `“${saved.name}” is saved (not on sale).${made}`;
	return saved.notInStore ? `“${saved.name}” is saved, but not in the store: ${saved.notInStore}` : `“${saved.name}” is saved and on sale.${made}`;
}

/** Where the site sells (the server's `admin.catalog.sellsIn`): a Paddle environment, through the simulator or Paddle. */
export type SellsIn = { environment: 'sandbox' | 'production'; simulator: boolean };

/**
 * The hint under the price ids when adding a package on a site that sells (null when it sells nothing):
 * the price id of its environment may stay empty, as "Add package" makes that price (store/new-package.ts).
 */
export function madePriceHint(sells: SellsIn | null): string | null {
	if (!sells) return null;
	const leave = `Leave “Paddle price id, ${sells.environment}” empty: adding the package makes its price`;
	if (sells.simulator) return `${leave} in the local Paddle simulator this site sells through.`;
	return `${leave} in Paddle's ${sells.environment} (a product and a price of its amount). To sell through a price you made in Paddle's dashboard, paste its id: its amount, currency and billing period must be the package's.`;
}

/**
 * What the list says once `p` is put on sale or taken off it, as `savedWords`. A subscription's
 * subscribers go on renewing (Paddle bills them; a renewal grants the plan as it is then): said so, as
 * "keeps what they got" left the admin asking whether they were cut off.
 */
export function onSaleWords(p: Pick<Product, 'name' | 'active' | 'notInStore'> & { kind?: Product['kind'] }): string {
	if (!p.active && p.kind === 'subscription') return `“${p.name}” is off sale: nobody can subscribe to it now; its subscribers renew as before until they cancel.`;
	if (!p.active) return `“${p.name}” is off sale; who bought it keeps what they got.`;
	return p.notInStore ? `“${p.name}” is marked on sale, but not in the store: ${p.notInStore}` : `“${p.name}” is on sale.`;
}
