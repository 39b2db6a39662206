import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client';
import type { AlertCause, AlertKind } from './evaluate';
import type { TopupNoticeDetail, TopupNoticeKind } from '../topup/notify';
import type { TopupCause } from '../db/schema';
import type { AnomalyDetail } from '../anomalies';
import type { TeamNoticeDetail, TeamNoticeKind } from '../accounts/team-notices';
import type { CreditNoticeDetail, CreditNoticeKind } from './credit-notices';
import type { AllowanceNoticeKind } from './allowance-notices';
import type { PurchaseNoticeKind } from './purchase-notices';

export interface NotificationRow {
	id: number;
	/**
	 * A balance alert, an auto top-up notice, an anomaly flag (issue 17.5; `anomaly` holds its figures,
	 * words and actions), a membership that ended, tokens or unlimited use a site admin added, corrected or ended,
	 * or a free allowance used up for its window or changed by the site.
	 */
	kind: AlertKind | TopupNoticeKind | 'anomaly' | TeamNoticeKind | CreditNoticeKind | AllowanceNoticeKind | PurchaseNoticeKind;
	accountId: string;
	/** The team whose pool it is about; null for the user's own tokens. */
	teamName: string | null;
	/** Tokens left of the allocation when the alert was made (see ledger/share.ts). */
	balance: number | null;
	/** The share step crossed (null: a token step, or the tokens ran out). */
	sharePercent: number | null;
	/** The token step crossed, in tokens (null: a share step, or the tokens ran out). */
	tokensStep: number | null;
	/** The allocation the share was of, in tokens (null for alerts made before steps existed). */
	base: number | null;
	/**
	 * Why the tokens were past the step (a balance alert) or below the trigger (a top-up notice):
	 * `drop` they fell below it, `set` they were below it already when it was set, `retry` (top-up)
	 * still below after a charge that failed. Notices from before it was kept: `drop`, as they said.
	 */
	cause: AlertCause | TopupCause;
	mailed: boolean;
	/**
	 * An auto top-up notice's package and trigger (kinds topup_notice, topup_declined); null for
	 * balance alerts. `topupId`: the top-up it is about; `boughtAt`: when a notice's package was bought
	 * from it (its one tap is then spent), else null.
	 */
	topup: (TopupNoticeDetail & { topupId: string | null; boughtAt: string | null }) | null;
	sentAt: string;
	/** When the user marked it read; null = unread. */
	readAt: string | null;
	anomaly: AnomalyDetail | null;
	/**
	 * A notice the server worded: a membership that ended (kinds team_removed, team_left; team_member_left to
	 * the team's owners and admins), tokens a site
	 * admin added (site_grant), a balance they corrected (balance_corrected), unlimited use they granted
	 * or ended (unlimited_granted, unlimited_ended), the note with it, a free allowance used up
	 * (allowance_used_up) or changed (allowance_changed), a purchase's tokens taken back by a refund or a
	 * chargeback or given back by its reversal (purchase_refunded, purchase_charged_back, chargeback_reversed); null
	 * for the other kinds, which the app words from their figures.
	 */
	said: Pick<TeamNoticeDetail | CreditNoticeDetail, 'title' | 'body'> | null;
}

export interface Inbox {
	entries: NotificationRow[];
	/** All of the user's unread alerts, also those beyond `entries`. */
	unread: number;
}

/** A user's most recent alerts (own tokens and the team pools they manage), newest first, with the unread count. */
export async function listNotifications(exec: Executor, userId: string, limit = 50): Promise<Inbox> {
	const [rows, unread] = await Promise.all([
		queryRows<{
			id: number; kind: NotificationRow['kind']; account_id: string; balance: number | null; sent_at: string; read_at: string | null; team_name: string | null;
			topup_id: string | null; bought_at: string | null;
			detail: ({ sharePercent?: number | null; tokensStep?: number | null; base?: number; mailed?: boolean; cause?: AlertCause | TopupCause } & Partial<TopupNoticeDetail> & Partial<AnomalyDetail>) | null;
		}>(exec, sql`
			select n.id, n.kind, n.account_id, n.balance, n.sent_at, n.read_at, n.detail, t.name as team_name, tp.id as topup_id,
			       case when tp.status = 'charged' and o.charged_subscription_id is null and o.status = 'completed' then o.completed_at end as bought_at
			  from notifications n left join teams t on t.account_id = n.account_id
			  -- A top-up's notices are keyed '<kind>:<top-up>:<user>' (topup/notify.ts).
			  left join topups tp on n.kind in ('topup_notice', 'topup_declined') and tp.id::text = split_part(n.dedupe_key, ':', 2)
			  left join orders o on o.id = tp.order_id
			 where n.user_id = ${userId}::uuid
			 order by n.sent_at desc, n.id desc
			 limit ${Math.min(Math.max(limit, 1), 200)}`),
		unreadCount(exec, userId)
	]);
	const topupKinds: NotificationRow['kind'][] = ['topup_notice', 'topup_declined'];
	const saidKinds: NotificationRow['kind'][] = ['team_removed', 'team_left', 'team_member_left', 'site_grant', 'balance_corrected', 'tokens_ended', 'expiry_changed', 'unlimited_granted', 'unlimited_ended', 'allowance_used_up', 'allowance_changed', 'purchase_refunded', 'purchase_charged_back', 'chargeback_reversed'];
	const entries = rows.map((r) => ({
		id: Number(r.id),
		kind: r.kind,
		accountId: r.account_id,
		teamName: r.team_name,
		balance: r.balance === null ? null : Number(r.balance),
		// Alerts made before steps existed named the user's one threshold; "out of tokens" names none.
		sharePercent: r.kind === 'balance_empty' ? null : (r.detail?.sharePercent ?? null),
		tokensStep: r.kind === 'balance_empty' ? null : (r.detail?.tokensStep ?? null),
		base: r.detail?.base ?? null,
		cause: r.detail?.cause ?? 'drop',
		mailed: r.detail?.mailed ?? false,
		topup: topupKinds.includes(r.kind)
			? { ...(r.detail as TopupNoticeDetail), cause: r.detail?.cause ?? 'drop', topupId: r.topup_id, boughtAt: r.bought_at ? new Date(r.bought_at).toISOString() : null }
			: null,
		sentAt: new Date(r.sent_at).toISOString(),
		readAt: r.read_at ? new Date(r.read_at).toISOString() : null,
		anomaly: r.kind === 'anomaly' ? (r.detail as AnomalyDetail) : null,
		said: saidKinds.includes(r.kind) ? { title: (r.detail as TeamNoticeDetail | CreditNoticeDetail).title, body: (r.detail as TeamNoticeDetail | CreditNoticeDetail).body } : null
	}));
	return { entries, unread };
}

/** How many of the user's alerts are unread (the badge in the app's header). */
export async function unreadCount(exec: Executor, userId: string): Promise<number> {
	const [row] = await queryRows<{ n: number }>(exec, sql`
		select count(*)::int4 as n from notifications where user_id = ${userId}::uuid and read_at is null`);
	return Number(row?.n ?? 0);
}

/**
 * Marks the user's alerts read: those with the given ids, or with `upTo`, every one up to that id
 * (the "mark all read" of the list the user saw: an alert made since stays unread). Other users'
 * ids are ignored; marking twice changes nothing (a write queued offline may be sent again).
 * Returns the unread count after.
 */
export async function markRead(exec: Executor, userId: string, which: { ids: number[] } | { upTo: number }): Promise<number> {
	const match = 'ids' in which ? sql`id = any(${`{${which.ids.map((i) => Math.trunc(i)).join(',')}}`}::int8[])` : sql`id <= ${which.upTo}`;
	await exec.execute(sql`update notifications set read_at = now() where user_id = ${userId}::uuid and read_at is null and ${match}`);
	return unreadCount(exec, userId);
}
