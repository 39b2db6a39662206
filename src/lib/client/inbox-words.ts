// The alerts inbox in words (the Alerts page): each entry's title, badge and line of detail. A
// balance alert or a top-up notice says what is true of the tokens: that they dropped below the step
// or trigger, were below it already when it was set, or are still below it after a failed charge.
import { tokens } from './format';
import { counted } from '../counted';
import { percentText } from '../percent';
import { teamsPool } from '../pool-name';
import { money } from '$lib/money';
import type { InboxEntry } from './api-types';


/** The step a balance alert passed: a share of the allocation, or a number of tokens. */
const step = (e: InboxEntry) => (e.sharePercent !== null ? percentText(e.sharePercent) : counted(e.tokensStep ?? 0, 'token'));

/**
 * Alert steps and top-up triggers are on the dashboard's Available, and named so: "Your available
 * tokens dropped below 60%", "were already below 60%", "are still below 20,000 tokens".
 */
function below(e: InboxEntry, what: string): string {
	const who = e.teamName ? `${e.teamName}'s available tokens` : 'Your available tokens';
	if (e.cause === 'set') return `${who} were already below ${what}`;
	if (e.cause === 'retry') return `${who} are still below ${what}`;
	return `${who} dropped below ${what}`;
}

const pack = (t: NonNullable<InboxEntry['topup']>) => `${t.productName} (${counted(t.tokens, 'token')}, ${money(t.amountCents, t.currency)})`;

/** An entry's title: what happened to whose tokens. */
export function inboxTitle(e: InboxEntry): string {
	if (e.anomaly) return e.anomaly.title;
	if (e.said) return e.said.title;
	if (e.kind === 'topup_declined') return 'Auto top-up was declined';
	if (e.topup) return below(e, counted(e.topup.belowTokens, 'token'));
	return e.kind === 'balance_empty' ? `${e.teamName ? teamsPool(e.teamName) : 'Your tokens'} ran out` : below(e, step(e));
}

/** The badges of the notices the server words that are not a team's (those say "Team"). */
const SAID_BADGE = {
	site_grant: { tone: 'ok', text: 'Tokens added' },
	balance_corrected: { tone: 'brand', text: 'Balance corrected' },
	tokens_ended: { tone: 'brand', text: 'Tokens ended' },
	expiry_changed: { tone: 'brand', text: 'Expiry changed' },
	unlimited_granted: { tone: 'ok', text: 'Unlimited use' },
	unlimited_ended: { tone: 'brand', text: 'Unlimited ended' },
	allowance_used_up: { tone: 'empty', text: 'Allowance used up' },
	allowance_changed: { tone: 'brand', text: 'Allowance changed' },
	purchase_refunded: { tone: 'brand', text: 'Refund' },
	purchase_charged_back: { tone: 'empty', text: 'Chargeback' },
	chargeback_reversed: { tone: 'ok', text: 'Chargeback reversed' }
} as const;

/** An entry's badge (anomalies have their own): its tone and words. */
export function inboxBadge(e: InboxEntry): { tone: string; text: string } {
	if (e.said) return SAID_BADGE[e.kind as keyof typeof SAID_BADGE] ?? { tone: 'brand', text: 'Team' };
	if (e.kind === 'topup_declined') return { tone: 'empty', text: 'Top-up declined' };
	if (e.topup) return { tone: 'brand', text: 'Top up' };
	return e.kind === 'balance_empty' ? { tone: 'empty', text: 'Out of tokens' } : { tone: 'low', text: `Below ${step(e)}` };
}

/** Why a top-up notice came when the tokens did not just drop below the trigger. */
const TOPUP_CAUSE = { drop: '', set: 'The trigger was set above the tokens available. ', retry: 'The last top-up could not be charged. ' } as const;

/** An entry's line of detail (an anomaly's is its own body): the tokens left, or what to do. */
export function inboxDetail(e: InboxEntry): string {
	if (e.said) return e.said.body;
	if (e.kind === 'topup_declined' && e.topup) return `The payment for ${pack(e.topup)} was declined, so auto top-up is off. Check your payment method, then turn it on again in Settings.`;
	if (e.topup) return `${TOPUP_CAUSE[e.topup.cause]}Auto top-up needs a subscription to charge. Buy ${pack(e.topup)} with one tap.`;
	if (e.kind === 'balance_empty') return 'Nothing left to spend, free allowances included';
	const left = e.base ? `${tokens(e.balance)} of ${tokens(e.base)} available` : `${tokens(e.balance)} available`;
	return e.cause === 'set' ? `${left} when the alert steps were saved` : left;
}
