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
