import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client';
import type { AnomalyFigures, AnomalyKind } from './rules';
import { anomalyWords } from './words';

/** An open flag as the site admin's Overview lists it: whose, which key, what and the figures, in words too. */
export interface OpenFlag {
	id: number;
	accountId: string;
	accountName: string;
	keyId: string | null;
	keyName: string | null;
	kind: AnomalyKind;
	figures: AnomalyFigures;
	openedAt: string;
	title: string;
	body: string;
}

/** The site's open anomaly flags, newest first (at most `limit`), and how many are open in all. */
export async function openFlags(exec: Executor, limit = 20): Promise<{ open: number; flags: OpenFlag[] }> {
	const [rows, [count]] = await Promise.all([
		queryRows<{ id: number; account_id: string; account_name: string; team: boolean; api_key_id: string | null; key_name: string | null; kind: AnomalyKind; figures: AnomalyFigures; opened_at: string }>(exec, sql`
			select f.id, f.account_id, a.name as account_name, a.kind = 'team' as team, f.api_key_id, k.name as key_name, f.kind, f.figures, f.opened_at
			  from anomaly_flags f join accounts a on a.id = f.account_id left join api_keys k on k.id = f.api_key_id
			 where f.closed_at is null order by f.opened_at desc, f.id desc limit ${Math.min(Math.max(limit, 1), 100)}`),
		queryRows<{ n: number }>(exec, sql`select count(*)::int4 as n from anomaly_flags where closed_at is null`)
	]);
	return {
		open: Number(count?.n ?? 0),
		flags: rows.map((r) => ({
			id: Number(r.id),
			accountId: r.account_id,
			accountName: r.account_name,
			keyId: r.api_key_id,
			keyName: r.key_name,
			kind: r.kind,
			figures: r.figures,
			openedAt: new Date(r.opened_at).toISOString(),
			// The admin reads it about the account by name ("Acme’s tokens").
			...anomalyWords(r.kind, r.figures, { teamName: r.account_name, keyName: r.key_name })
		}))
	};
}
