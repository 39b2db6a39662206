// Who bought a purchase, as the console and a team's pages say it: the same words in each.

/**
 * The buyer of a purchase in words: "Bought by Maya Lee"; "Renewed by its subscription" and "Charged by
 * auto top-up" for what Paddle's billing made with no checkout; "Buyer not recorded" for a checkout whose
 * buyer was not kept (a team's pool bought in the embedded store before its buyer was), never blank.
 */
export function buyerWords(p: { buyer: string | null; renewal: boolean; autoTopUp: boolean }): string {
	if (p.buyer) return `Bought by ${p.buyer}`;
	if (p.renewal) return 'Renewed by its subscription';
	return p.autoTopUp ? 'Charged by auto top-up' : 'Buyer not recorded';
}
