import { sql } from 'drizzle-orm';
import type { Db, Executor } from '../db';
import { queryRows } from '../db/client';
import { notifications } from '../db/schema';
import { noticeChange } from '../ledger';
import { logFailure } from '../log';
import { sendPushes, type PushOptions } from '../alerts/push';

/** The inbox kinds auto top-up adds: a one-tap notice to buy (no subscription to charge), and a declined charge. */
export type TopupNoticeKind = 'topup_notice' | 'topup_declined';

/** What an auto top-up notice names: the package (one unit), its price, and the trigger crossed. */
export interface TopupNoticeDetail {
	productId: string;
	productName: string;
	tokens: number;
	amountCents: number;
	currency: string;
	belowTokens: number;
	teamName: string | null;
}

/** Who hears about an account's top-ups: the user of a personal account; the owners of a team pool (they pay for it). */
export function topupRecipients(exec: Executor, accountId: string) {
	return queryRows<{ user_id: string; team_name: string | null }>(exec, sql`
		select u.id as user_id, null as team_name from users u where u.account_id = ${accountId}::uuid and u.disabled_at is null
		union all
		select m.user_id, t.name from teams t join team_members m on m.team_id = t.id join users u on u.id = m.user_id
		 where t.account_id = ${accountId}::uuid and m.role = 'owner' and u.disabled_at is null`);
}

const count = new Intl.NumberFormat('en');
const price = (cents: number, currency: string) => new Intl.NumberFormat('en', { style: 'currency', currency }).format(cents / 100);

/** A notice's push words: who, what happened, what a tap does. */
function pushWords(kind: TopupNoticeKind, d: TopupNoticeDetail) {
	const whose = d.teamName ? `${d.teamName}’s pool` : 'Your tokens';
	const pack = `${d.productName} (${count.format(d.tokens)} tokens, ${price(d.amountCents, d.currency)})`;
	return kind === 'topup_notice'
		? { title: `${whose}: below ${count.format(d.belowTokens)} tokens`, body: `Tap to top up with ${pack}. Auto top-up needs a subscription to charge.` }
		: { title: 'Auto top-up was declined', body: `The payment for ${pack} was declined, so auto top-up is off. Check your payment method, then turn it on again: tap for the settings.` };
}

/**
 * Records a notice for each recipient in the in-app inbox (once per top-up: the dedupe key) and
 * pushes it to their devices. A tap opens the package's checkout in the store
 * (`/store?buy=<package>&account=<account>`) for a notice, the auto top-up settings for a declined charge.
 */
export async function notifyTopup(db: Db, topupId: string, accountId: string, kind: TopupNoticeKind, detail: Omit<TopupNoticeDetail, 'teamName'>, push?: PushOptions) {
	const people = await topupRecipients(db.orm, accountId);
	const made = [];
	for (const p of people) {
		const d: TopupNoticeDetail = { ...detail, teamName: p.team_name };
		const [row] = await db.orm
			.insert(notifications)
			.values({ accountId, userId: p.user_id, kind, dedupeKey: `${kind}:${topupId}:${p.user_id}`, detail: d })
			.onConflictDoNothing({ target: notifications.dedupeKey })
			.returning({ id: notifications.id });
		if (!row) continue;
		const url = kind === 'topup_notice' ? `/store?buy=${encodeURIComponent(detail.productId)}&account=${accountId}` : '/settings#topup-title';
		made.push({ userId: p.user_id, message: { ...pushWords(kind, d), url, tag: `topup-${accountId}` }, urgency: 'normal' as const, topic: `topup${accountId.replaceAll('-', '').slice(0, 24)}` });
	}
	if (!made.length) return 0;
	noticeChange(db.orm, accountId);
	await sendPushes(db, made, push).catch((e) => logFailure('topup', `top-up push for account ${accountId} failed`, e));
	return made.length;
}
