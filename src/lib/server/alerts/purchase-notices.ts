import type { Executor } from '../db/client';
import { counted } from '../../counted';
import { teamsPool } from '../../pool-name';
import { plainFormatter } from '../../refusal-message';
import { tellLookers } from './tell';

/**
 * The inbox kinds of a purchase's money moving back through Paddle: a refund or a chargeback took its
 * tokens back, or a reversed chargeback gave them back.
 */
export type PurchaseNoticeKind = 'purchase_refunded' | 'purchase_charged_back' | 'chargeback_reversed';

/** What Paddle reported, and what it did to the tokens of the purchase (`productName`, as the order keeps it). */
export type PurchaseReversal =
	| { kind: 'purchase_refunded' | 'purchase_charged_back'; productName: string | null; takenBack: number; alreadySpent: number }
	| { kind: 'chargeback_reversed'; productName: string | null; givenBack: number };

const n = (tokens: number) => counted(tokens, 'token', plainFormatter.tokens);

/**
 * A notice's words: "5,000 tokens taken back: your purchase was refunded", "… a payment was charged back",
 * "5,000 tokens given back: the chargeback was reversed" (a team's pool named: "5,000 tokens of Acme
 * Studio's pool taken back: …"); the body names the purchase and, for tokens used before the refund,
 * what was used before ("the 3,800 tokens left of it went with the money; the 1,200 tokens used before stay used").
 */
export function purchaseNoticeWords(r: PurchaseReversal, teamName: string | null): { title: string; body: string } {
	const whose = teamName ? ` of ${teamsPool(teamName)}` : '';
	const what = r.productName ? `${r.productName}: ` : '';
	if (r.kind === 'chargeback_reversed') {
		return { title: `${n(r.givenBack)}${whose} given back: the chargeback was reversed`, body: `${what}the payment stands again, and so do the tokens it bought.` };
	}
	const why = r.kind === 'purchase_refunded' ? `${teamName ? 'a' : 'your'} purchase was refunded` : 'a payment was charged back';
	const title = r.takenBack > 0 ? `${n(r.takenBack)}${whose} taken back: ${why}` : `${why[0]!.toUpperCase()}${why.slice(1)}`;
	const body =
		r.takenBack === 0 ? 'its tokens had all been used.'
		: r.alreadySpent > 0 ? `the ${n(r.takenBack)} left of it went with the money; the ${n(r.alreadySpent)} used before stay used.`
		: 'its tokens went with the money.';
	return { title, body: `${what}${body}` };
}

/**
 * Tells whoever looks after `accountId` (the buyer; a team's owners and admins) that Paddle refunded or
 * charged back a purchase of it, or reversed a chargeback, in `tx`, the transaction that moved its
 * tokens: an inbox entry (once per Paddle adjustment and person, `key`), a push, and a mail unless they
 * turned alert mails off, as the other notices. A refund that moved no tokens and found none used (a
 * share of no whole token) tells no one.
 */
export async function noticePurchaseReversal(tx: Executor, p: { accountId: string; key: string; reversal: PurchaseReversal }): Promise<void> {
	const r = p.reversal;
	const tokens = r.kind === 'chargeback_reversed' ? r.givenBack : -r.takenBack;
	if (tokens === 0 && (r.kind === 'chargeback_reversed' || r.alreadySpent === 0)) return;
	await tellLookers(tx, {
		accountId: p.accountId,
		kind: r.kind,
		key: p.key,
		tag: `purchase-${p.accountId}`,
		say: (who) => ({ ...purchaseNoticeWords(r, who.teamName), detail: { tokens, productName: r.productName } })
	});
}
