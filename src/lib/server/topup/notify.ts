import { sql } from 'drizzle-orm';
import type { Executor } from '../db';
import { queryRows } from '../db/client';
import { notifications, type TopupCause } from '../db/schema';
import { config } from '../config';
import { queuePushes, type UserPush } from '../alerts/push';
import { mailAddress } from '../mail/addresses';
import { queueMail } from '../mail/job';
import { noticeInbox } from '../ledger';
import { topupDeclinedMail } from '../mail/templates';
import { counted } from '../../counted';
import { plainFormatter } from '../../refusal-message';
import { teamsPool } from '../../pool-name';
import { money } from '../../money';
import { SETTINGS_SECTIONS } from '../../settings-sections';

/** The inbox kinds auto top-up adds: a one-tap notice to buy (no subscription to charge), and a declined charge. */
export type TopupNoticeKind = 'topup_notice' | 'topup_declined';

/** What an auto top-up notice names: the package (one unit), its price, the trigger and why available was below it. */
export interface TopupNoticeDetail {
	productId: string;
	productName: string;
	tokens: number;
	amountCents: number;
	currency: string;
	belowTokens: number;
	/** Dropped below the trigger, already below it when it was set, or still below after a failed charge. */
	cause: TopupCause;
	teamName: string | null;
}

/** Who hears about an account's top-ups: the user of a personal account; the owners of a team pool (they pay for it). */
export function topupRecipients(exec: Executor, accountId: string) {
	return queryRows<{ user_id: string; team_name: string | null; email: string | null; name: string }>(exec, sql`
		select u.id as user_id, null as team_name, ${mailAddress(sql.raw('u'))} as email, u.name from users u where u.account_id = ${accountId}::uuid and u.disabled_at is null
		union all
		select m.user_id, t.name, ${mailAddress(sql.raw('u'))}, u.name from teams t join team_members m on m.team_id = t.id join users u on u.id = m.user_id
		 where t.account_id = ${accountId}::uuid and m.role = 'owner' and u.disabled_at is null`);
}

/** A price in words: minor units of `currency` (cents, whole yen) → "$5.00", "¥550". */
export const priceWords = (minor: number, currency: string) => money(minor, currency, 'en');
/** The package in words: "Token pack (5,000 tokens, $5.00)". */
export const packageWords = (d: Pick<TopupNoticeDetail, 'productName' | 'tokens' | 'amountCents' | 'currency'>) =>
	`${d.productName} (${counted(d.tokens, 'token', plainFormatter.tokens)}, ${priceWords(d.amountCents, d.currency)})`;

/** A notice's push words: who, what happened, what a tap does. */
function pushWords(kind: TopupNoticeKind, d: TopupNoticeDetail) {
	const whose = d.teamName ? teamsPool(d.teamName) : 'Your tokens';
	return kind === 'topup_notice'
		? { title: `${whose}: below ${counted(d.belowTokens, 'token', plainFormatter.tokens)}`, body: `Tap to top up with ${packageWords(d)}. Auto top-up needs a subscription to charge.` }
		: { title: 'Auto top-up was declined', body: `The payment for ${packageWords(d)} was declined, so auto top-up is off. Check your payment method, then turn it on again: tap for the settings.` };
}

/**
 * Tells each recipient about a top-up, in `tx` (the transaction that recorded the notice or the
 * decline): a notification in the in-app inbox (once per top-up and person: the dedupe key), a
 * push to their devices and, for a declined charge, a mail (a payment matter: sent whatever the
 * alert mail setting), both queued on the schedule. A tap opens the package's checkout in the store
 * (`/store?buy=<package>&account=<account>&topup=<top-up>`: the order is tied to the top-up) for a notice, the auto top-up settings for a declined
 * charge. Returns how many people were told; the caller announces the account's change after the commit.
 */
export async function notifyTopup(tx: Executor, topupId: string, accountId: string, kind: TopupNoticeKind, detail: Omit<TopupNoticeDetail, 'teamName'>): Promise<number> {
	const pushes: UserPush[] = [];
	for (const p of await topupRecipients(tx, accountId)) {
		const d: TopupNoticeDetail = { ...detail, teamName: p.team_name };
		const dedupeKey = `${kind}:${topupId}:${p.user_id}`;
		const [row] = await tx
			.insert(notifications)
			.values({ accountId, userId: p.user_id, kind, dedupeKey, detail: d })
			.onConflictDoNothing({ target: notifications.dedupeKey })
			.returning({ id: notifications.id });
		if (!row) continue;
		const url = kind === 'topup_notice' ? `/store?buy=${encodeURIComponent(detail.productId)}&account=${accountId}&topup=${topupId}` : `/settings#${SETTINGS_SECTIONS.topup.id}`;
		pushes.push({ key: dedupeKey, userId: p.user_id, message: { ...pushWords(kind, d), url, tag: `topup-${accountId}` }, urgency: 'normal', topic: `topup${accountId.replaceAll('-', '').slice(0, 24)}` });
		if (kind === 'topup_declined' && p.email) {
			await queueMail(tx, topupDeclinedMail(p.email, { name: p.name, teamName: p.team_name }, packageWords(d), `${config().ORIGIN}/settings#${SETTINGS_SECTIONS.topup.id}`), dedupeKey);
		}
	}
	await queuePushes(tx, pushes);
	if (pushes.length) await noticeInbox(tx, accountId);
	return pushes.length;
}
