import type { Executor } from '../db/client';
import { counted } from '../../counted';
import { teamsPool } from '../../pool-name';
import { plainFormatter } from '../../refusal-message';
import { tellMany, type Notice } from './tell';

/**
 * The inbox kinds of a site admin's change to an account's tokens: tokens added (a bonus), a balance
 * corrected (an adjustment), the tokens left in a lot ended (a bonus ended early), a lot's expiry moved
 * (an event bonus re-dated), unlimited use granted or ended.
 */
export type CreditNoticeKind = 'site_grant' | 'balance_corrected' | 'tokens_ended' | 'expiry_changed' | 'unlimited_granted' | 'unlimited_ended';

/**
 * What a site admin changed: tokens added or taken (`tokens`, signed), the expiry of a lot with `tokens`
 * left in it moved to `expiresAt` (null: never), or unlimited use of a model (`modelName`; null: every
 * model) granted until an instant (`until`; null: no end date) or ended.
 */
export type CreditChange =
	| { kind: 'site_grant'; tokens: number; /** When the lot added expires; none or null: never. */ expiresAt?: Date | null }
	| { kind: 'balance_corrected' | 'tokens_ended'; tokens: number }
	| { kind: 'expiry_changed'; tokens: number; expiresAt: Date | null }
	| { kind: 'unlimited_granted'; modelName: string | null; until: Date | null }
	| { kind: 'unlimited_ended'; modelName: string | null };

/** What such a notice keeps: the change (tokens, signed: + added, − taken; the tokens left for an expiry moved; 0 for unlimited use), the admin's note, and its words as shown and mailed. */
export interface CreditNoticeDetail {
	tokens: number;
	note: string;
	/** The team whose pool it was, for its owners and admins; null for the user's own tokens. */
	teamName: string | null;
	title: string;
	body: string;
	mailed: boolean;
}

/** "+500", "−200" (a true minus sign), with thousands separators. */
const signed = (n: number) => `${n < 0 ? '\u2212' : '+'}${plainFormatter.tokens(Math.abs(n))}`;

/**
 * A notice's words: "5,000 tokens added by the site" (", expiring Dec 31, 2026, 23:59 Berlin time (UTC+1)" for
 * a lot with an expiry), "Your balance was corrected by −200",
 * "Unlimited use of GPT-5 Nano until Dec 12, 2026, 00:00 Berlin time (UTC+1), by the site",
 * "1,000 tokens ended by the site" (what was left of a bonus ended early), "Your 1,000 bonus tokens now
 * expire Dec 31, 2026, 23:59 Berlin time (UTC+1)" or "… no longer expire" (an event bonus re-dated),
 * "Unlimited use of every model with no end date, by the site", "Your unlimited use of every model
 * ended" (a team's pool named: "5,000 tokens added to Acme Studio's pool by the site", "Acme
 * Studio's balance was corrected by +300", "Unlimited use of every model for Acme Studio's pool …",
 * "Acme Studio's unlimited use of … ended"); the body is the admin's note, which says why (none: empty).
 * `timeZone`: the site's (IANA id), in which an end date is said.
 */
export function creditNoticeWords(change: CreditChange, note: string, teamName: string | null, timeZone = 'UTC'): { title: string; body: string } {
	const body = note ? `Note from the site: ${note}` : '';
	switch (change.kind) {
		case 'site_grant':
			return {
				title: `${counted(change.tokens, 'token', plainFormatter.tokens)} added ${teamName ? `to ${teamsPool(teamName)} ` : ''}by the site${change.expiresAt ? `, expiring ${plainFormatter.time(change.expiresAt.toISOString(), timeZone)}` : ''}`,
				body
			};
		case 'balance_corrected':
			return { title: `${teamName ? `${teamName}'s` : 'Your'} balance was corrected by ${signed(change.tokens)}`, body };
		case 'tokens_ended':
			return { title: `${counted(Math.abs(change.tokens), 'token', plainFormatter.tokens)} ${teamName ? `of ${teamsPool(teamName)} ` : ''}ended by the site`, body };
		case 'expiry_changed': {
			const verb = change.tokens === 1 ? 'expires' : 'expire';
			const when = change.expiresAt ? `now ${verb} ${plainFormatter.time(change.expiresAt.toISOString(), timeZone)}` : `no longer ${verb}`;
			const whose = teamName ? `${counted(change.tokens, 'bonus token', plainFormatter.tokens)} of ${teamsPool(teamName)}` : `Your ${counted(change.tokens, 'bonus token', plainFormatter.tokens)}`;
			return { title: `${whose} ${when}`, body };
		}
		case 'unlimited_granted': {
			const until = change.until ? `until ${plainFormatter.time(change.until.toISOString(), timeZone)}` : 'with no end date';
			return { title: `Unlimited use of ${change.modelName ?? 'every model'}${teamName ? ` for ${teamsPool(teamName)}` : ''} ${until}, by the site`, body };
		}
		case 'unlimited_ended':
			return { title: `${teamName ? `${teamName}'s` : 'Your'} unlimited use of ${change.modelName ?? 'every model'} ended`, body };
	}
}

/**
 * Tells whoever looks after `accountId` (the user of a personal account; a team's owners and admins;
 * disabled users not) that a site admin added tokens to it, corrected its balance, ended a lot's tokens
 * early or moved their expiry, or granted or ended its unlimited use, in `tx`, the transaction of the change, so there is never one without the other:
 * an inbox entry (once per change and person, `key`), a push to their devices, and a mail unless they
 * turned alert mails off in Settings, as the balance alerts do. A change of no tokens (`tokens` 0: a
 * balance set to what it was) tells no one. A site key's grants and ends (REST) are the host site's to
 * announce: they tell no one here.
 */
export async function noticeCredit(tx: Executor, n: CreditNotice): Promise<void> {
	await noticeCredits(tx, [n]);
}

/** A change `noticeCredit` tells of: what changed, on which account, the admin's note, and the key that makes it once. */
export interface CreditNotice {
	change: CreditChange;
	accountId: string;
	note: string;
	key: string;
	/** false: told in the app only, not by e-mail (an event bonus sent so). Default true. */
	byEmail?: boolean;
}

/** `noticeCredit` of many changes at once (an event bonus's batch of accounts), in a handful of statements (alerts `tellMany`). */
export async function noticeCredits(tx: Executor, changes: CreditNotice[]): Promise<void> {
	const notices = changes
		.filter((n) => !('tokens' in n.change) || n.change.tokens !== 0)
		.map((n): Notice => {
			const tokens = 'tokens' in n.change ? n.change.tokens : 0;
			return {
				accountId: n.accountId,
				kind: n.change.kind,
				key: n.key,
				tag: `credit-${n.accountId}`,
				byEmail: n.byEmail,
				say: (who) => ({ ...creditNoticeWords(n.change, n.note, who.teamName, who.timeZone), detail: { tokens, note: n.note } })
			};
		});
	await tellMany(tx, notices);
}
