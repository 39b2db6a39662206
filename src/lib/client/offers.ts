// What the member store and the embedded store (/embed/store) share about the packages on sale:
// their groups, in order, and a package's price in words.
import { money } from '$lib/money';
import type { Outputs } from './api-types';

type Offer = Outputs['store']['front']['offers'][number];

export const OFFER_GROUPS: { kind: Offer['kind']; title: string; blurb: string }[] = [
	{ kind: 'pack', title: 'Token packs', blurb: 'For any feature and model. Buy as many as you need.' },
	{ kind: 'model_pack', title: 'Model packs', blurb: 'Tokens for one model.' },
	{ kind: 'bundle', title: 'Bundles', blurb: 'Several models at once, for less.' },
	{ kind: 'subscription', title: 'Subscriptions', blurb: 'A fresh allocation every period. Cancel any time.' }
];

/** `quantity` × the package's price: Paddle's localized price (`localized`, by price id) when known, the catalog's otherwise. */
export function offerPrice(localized: Map<string, string> | null, o: Offer, quantity: number): string {
	const paddlePrice = localized?.get(o.paddlePriceId!);
	if (paddlePrice) return quantity > 1 ? `${quantity} × ${paddlePrice}` : paddlePrice;
	return money(o.priceCents * quantity, o.currency);
}

/**
 * What the account's unlimited use (`unlimited`: ledger.unlimitedNow; undefined before it is known)
 * means for a package's `grants`, in words above its button, or null when it covers none of them: the
 * unlimited lot pays first, so tokens for a model it covers wait until it ends. "You have unlimited use
 * of Claude Sonnet 4.5 now: these tokens wait until it ends." (of some of them: "its tokens here").
 */
export function unlimitedWords(grants: Offer['grants'], unlimited: { every: boolean; models: { key: string; name: string }[] } | undefined): string | null {
	if (!unlimited) return null;
	if (unlimited.every) return 'You have unlimited use of every model now: these tokens wait until it ends.';
	const covered = unlimited.models.filter((m) => grants.some((g) => g.model === m.key));
	if (!covered.length) return null;
	const names = new Intl.ListFormat('en').format(covered.map((m) => m.name));
	const all = grants.every((g) => covered.some((m) => m.key === g.model));
	return `You have unlimited use of ${names} now: ${all ? 'these tokens wait' : covered.length > 1 ? 'their tokens here wait' : 'its tokens here wait'} until it ends.`;
}
