// A statement row in words: the line a member's Statement page and the admin's user detail page show.
import { moment, tokens } from './format';
import { lotLabel, sourceLabel } from './lots';
import type { StatementRow } from './api-types';

/** "Monthly plan", "Bonus", "Chat", "Expired", "Ended", "Unlimited ended", "Refund", "Taken away by an admin", … */
export function statementTitle(r: StatementRow): string {
	switch (r.kind) {
		case 'grant':
			return r.source === 'purchase' || r.source === 'subscription' ? (r.note ?? sourceLabel(r.source)) : r.source ? sourceLabel(r.source) : 'Tokens added';
		case 'spend':
			return r.featureName ?? 'Use';
		case 'expiry':
			// Someone ended it (a site admin), or its expiry came.
			return r.unlimited ? 'Unlimited ended' : r.actorName ? 'Ended' : 'Expired';
		case 'clawback':
			return r.cause === 'chargeback' ? 'Chargeback' : r.cause === 'refund' ? 'Refund' : 'Taken back';
		case 'adjustment':
			return 'Taken away by an admin';
	}
}

/** The details after the date (empty strings where a part does not apply). `team`: say who spent from a pool. */
export function statementDetail(r: StatementRow, o: { timeZone?: string | null; team: boolean }): string[] {
	const scope = r.modelName ? `${r.modelName} only` : null;
	switch (r.kind) {
		case 'grant':
			return [
				r.source === 'purchase' || r.source === 'subscription' ? sourceLabel(r.source) : (r.note ?? ''),
				o.team ? boughtBy(r) : '',
				scope ?? '',
				grantEnd(r, o.timeZone)
			];
		case 'spend':
			return [r.modelName ?? '', r.actorName && o.team ? `by ${r.actorName}` : '', r.allowanceTokens ? `${tokens(r.allowanceTokens)} more from a free allowance` : ''];
		case 'expiry':
		case 'clawback':
			// Which purchase a refund or an expiry took from, as its grant's line is titled ("Token pack × 2"),
			// not "Purchased", which tells one purchase from no other. Who ended unlimited use (a person, or
			// its end date; an app's key is not named).
			return [r.source === 'purchase' && r.note ? r.note : r.source ? lotLabel(r.source, r.note) : '', scope ?? '', r.kind === 'clawback' ? (r.tokens === 0 ? 'nothing left to take back' : '') : endedBy(r)];
		case 'adjustment':
			return [r.reason ?? ''];
	}
}

/**
 * When a grant ends: tokens "expire" or "never expire"; unlimited use runs "until" its end date, or has
 * "no end date", as the dashboard's allocation and the console's Account card say it. Without it a
 * member read "Unlimited · Trial week" and nowhere on the statement when it would stop. One someone
 * ended early "ended early" (its Ended line says when): its lot's expiry is then the moment they did,
 * and a bonus that never expired read "expires" at that minute, as if granted so.
 */
function grantEnd(r: StatementRow, timeZone: string | null | undefined): string {
	if (r.endedEarly) return 'ended early';
	if (r.unlimited) return r.expiresAt ? `until ${moment(r.expiresAt, timeZone)}` : 'no end date';
	return r.expiresAt ? `expires ${moment(r.expiresAt, timeZone)}` : 'never expires';
}

/** Who ended unlimited use or a lot of tokens: "by Ada Admin", "at its end date"; empty for anything else. */
function endedBy(r: StatementRow): string {
	return r.atEndDate ? 'at its end date' : r.actorName ? `by ${r.actorName}` : '';
}

/**
 * Who bought a pool's purchase ("bought by Maya Lee"); a checkout's buyer not kept is said as such.
 * Renewals and auto top-ups (their notes say so) had no buyer; other grants none to name.
 */
function boughtBy(r: StatementRow): string {
	if (r.source !== 'purchase' && r.source !== 'subscription') return '';
	if (r.actorName) return `bought by ${r.actorName}`;
	return / · (renewal|auto top-up)$/.test(r.note ?? '') ? '' : 'buyer not recorded';
}

/** +1,200 / −40 / 0 tokens, with a true minus sign. */
export const signedTokens = (n: number) => (n > 0 ? `+${tokens(n)}` : n < 0 ? `−${tokens(-n)}` : tokens(0));

/**
 * Characters past which a statement's or a record's line is shown as two lines that a tap opens
 * (app.css `.clamp`): an admin's reason runs to 500 characters, ~14 lines on a phone. A shorter
 * line shows whole, as it is.
 */
export const LONG_LINE = 120;

/**
 * Which uses move no balance, under the statement's "Balance now": those a free allowance paid, and
 * those under the unlimited use in force (`unlimited`: the statement's `unlimitedNow`; null before it
 * is known): "Uses paid by a free allowance or under unlimited use of GPT-4o do not change it".
 */
export function unmovedUses(unlimited: { every: boolean; models: string[] } | null | undefined): string {
	const models = !unlimited ? null : unlimited.every ? 'every model' : unlimited.models.length ? new Intl.ListFormat('en').format(unlimited.models) : null;
	const of = models ? ` or under unlimited use of ${models}` : '';
	return `Uses paid by a free allowance${of} do not change it`;
}
