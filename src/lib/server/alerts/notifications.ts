import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client';
import type { AlertKind } from './evaluate';

export interface NotificationRow {
	id: number;
	kind: AlertKind;
	accountId: string;
	/** The team whose pool it is about; null for the user's own tokens. */
	teamName: string | null;
	/** Spendable tokens when the alert was made. */
	balance: number | null;
	sharePercent: number | null;
	mailed: boolean;
	sentAt: string;
}

/** A user's most recent alerts, newest first. */
export async function listNotifications(exec: Executor, userId: string, limit = 50): Promise<NotificationRow[]> {
	const rows = await queryRows<{
		id: number; kind: AlertKind; account_id: string; balance: number | null; sent_at: string; team_name: string | null;
		detail: { sharePercent?: number; mailed?: boolean } | null;
	}>(exec, sql`
		select n.id, n.kind, n.account_id, n.balance, n.sent_at, n.detail, t.name as team_name
		  from notifications n left join teams t on t.account_id = n.account_id
		 where n.user_id = ${userId}::uuid
		 order by n.sent_at desc, n.id desc
		 limit ${Math.min(Math.max(limit, 1), 200)}`);
	return rows.map((r) => ({
		id: Number(r.id),
		kind: r.kind,
		accountId: r.account_id,
		teamName: r.team_name,
		balance: r.balance === null ? null : Number(r.balance),
		sharePercent: r.detail?.sharePercent ?? null,
		mailed: r.detail?.mailed ?? false,
		sentAt: new Date(r.sent_at).toISOString()
	}));
}
