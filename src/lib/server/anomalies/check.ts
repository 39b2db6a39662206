import { sql } from 'drizzle-orm';
import type { Db } from '../db';
import { queryRows, uuidArray, type Executor } from '../db/client';
import { allocationShares, recentPace, type UsePace } from '../ledger';
import { EPISODE_QUIET_MINUTES, NEW_KEY_HOURS, episodeOf, findings, type AnomalyFigures, type AnomalyKind } from './rules';
import { notifyOpened, type OpenedFlag } from './notify';
import { keepCapSuggestions } from './suggest';

/** A flag opened by a check, as the caller (the job, a test) sees it. */
export interface RaisedFlag {
	id: number;
	accountId: string;
	keyId: string | null;
	kind: AnomalyKind;
	figures: AnomalyFigures;
}

/** The names of the keys seen, and when each of an account's own keys was made (site keys act for the site: never "new" to an account). */
async function keysSeen(exec: Executor, keyIds: string[]): Promise<Map<string, { name: string; kind: 'site' | 'account'; createdAt: Date }>> {
	if (!keyIds.length) return new Map();
	const rows = await queryRows<{ id: string; created_at: string; name: string; kind: 'site' | 'account' }>(exec, sql`
		select id, created_at, name, kind from api_keys where id = any(${uuidArray(keyIds)})`);
	return new Map(rows.map((r) => [r.id, { name: r.name, kind: r.kind, createdAt: new Date(r.created_at) }]));
}

/**
 * One anomaly check (the `anomalies.check` job, every minute): reads the pace of every account and
 * key active in the last hour (ledger/use-pace.ts), applies the rules (rules.ts), keeps each
 * finding's episode open (`last_over_at`), opens a flag for a new one — one open flag per account,
 * key and event (rules.ts `episodeOf`: a spike and tokens going fast are one), by a unique index, so
 * concurrent checks in several processes open it once and a finding of an event already open tells
 * no one again — and closes the flags whose event has not held for an hour. A key's finding is
 * dropped when its account has a finding of the same event (one notice per event). Each flag opened
 * is told to the account's owner (or a team's owners and admins) in the inbox and by push (queued in
 * the same transaction), and keeps the daily cap it suggests then (suggest.ts), which its alert
 * offers from then on. `now` for tests.
 */
export async function checkAnomalies(db: Db, opts: { now?: Date } = {}): Promise<RaisedFlag[]> {
	const at = opts.now ?? new Date();
	const opened = await db.orm.transaction(async (tx) => {
		const pace = await recentPace(tx, at);
		const accountIds = [...new Set(pace.map((p) => p.accountId))];
		const whole = new Map(pace.filter((p) => p.keyId === null).map((p) => [p.accountId, p]));
		// "The tokens left" of a burst: the lots, and the free allowances of the modules it spent on only.
		const usedModules = new Map([...whole].map(([id, p]) => [id, new Set(p.modules)]));
		const [shares, keys] = await Promise.all([
			allocationShares(tx, accountIds, (id) => usedModules.get(id)),
			keysSeen(tx, pace.flatMap((p) => (p.keyId ? [p.keyId] : [])))
		]);
		const found = pace.flatMap((p) => {
			const share = shares.get(p.accountId);
			const list = findings(p, {
				left: p.keyId === null && share && !share.unlimited ? share.left : null,
				newKeyAt: p.keyId ? newKeyAt(keys.get(p.keyId), at) : null,
				accountHasHistory: whole.get(p.accountId)?.hasHistory
			});
			return list.map((f) => ({ pace: p, ...f }));
		});
		const accountEvents = new Set(found.filter((f) => f.pace.keyId === null).map((f) => `${f.pace.accountId}:${episodeOf(f.kind)}`));
		const opened: OpenedFlag[] = [];
		for (const f of found) {
			if (f.pace.keyId !== null && accountEvents.has(`${f.pace.accountId}:${episodeOf(f.kind)}`)) continue;
			const flag = await keepEpisode(tx, f.pace, f.kind, f.figures, at);
			const key = f.pace.keyId ? keys.get(f.pace.keyId) : undefined;
			if (flag) opened.push({ ...flag, keyName: key?.name ?? null, keyKind: key?.kind ?? null });
		}
		await tx.execute(sql`
			update anomaly_flags set closed_at = ${at.toISOString()}::timestamptz
			 where closed_at is null and last_over_at <= ${at.toISOString()}::timestamptz - make_interval(mins => ${EPISODE_QUIET_MINUTES})`);
		await keepCapSuggestions(tx, opened);
		await notifyOpened(tx, opened);
		return opened;
	});
	return opened.map(({ id, accountId, keyId, kind, figures }) => ({ id, accountId, keyId, kind, figures }));
}

/**
 * Keeps a finding's episode: refreshes the open flag of its event (`last_over_at`; the flag keeps the
 * kind and figures it was told with), or opens one; returns it only when opened now.
 */
async function keepEpisode(tx: Executor, p: UsePace, kind: AnomalyKind, figures: AnomalyFigures, at: Date): Promise<RaisedFlag | null> {
	const [row] = await queryRows<{ id: number; opened: boolean }>(tx, sql`
		insert into anomaly_flags (account_id, api_key_id, kind, episode, figures, opened_at, last_over_at)
		values (${p.accountId}::uuid, ${p.keyId}::uuid, ${kind}, ${episodeOf(kind)}, ${JSON.stringify(figures)}::jsonb, ${at.toISOString()}::timestamptz, ${at.toISOString()}::timestamptz)
		on conflict (account_id, coalesce(api_key_id::text, ''), episode) where closed_at is null
		do update set last_over_at = excluded.last_over_at
		returning id, (xmax = 0) as opened`);
	return row?.opened ? { id: Number(row.id), accountId: p.accountId, keyId: p.keyId, kind, figures } : null;
}

/** When an account's own key was made, if within the last `NEW_KEY_HOURS` of `at`. */
function newKeyAt(key: { kind: string; createdAt: Date } | undefined, at: Date): Date | null {
	return key?.kind === 'account' && at.getTime() - key.createdAt.getTime() < NEW_KEY_HOURS * 3_600_000 ? key.createdAt : null;
}

/** The schedule's job: a check every minute; several processes may run it, the flags stay single. */
export function anomalyJob() {
	return { name: 'anomalies.check', everySeconds: 60, run: ({ db }: { db: Db }) => checkAnomalies(db) };
}
