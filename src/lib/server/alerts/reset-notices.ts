// A change of the site's time zone or week start moves when free allowances reset: the members it
// moves them for hear of it once, as a role's allowance change is told (tell-members.ts), and so do the
// owners and admins of each team pool it moves them for, as a pool's own allowance change is told (tell.ts).
import { sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { queryRows, type Db, type Executor } from '../db/client';
import { movedResets, nextResets, nowText, RESET_PERIODS, resettingPeriodsSql, type ResetPeriod } from '../ledger';
import { enqueue, withdrawWaiting, type JobDefinition } from '../schedule/jobs';
import { plainFormatter } from '../../refusal-message';
import { zoneName } from '../../zone-name';
import { RESETS_QUIET_SECONDS } from '../../resets-quiet';
import { anyoneToTell } from './allowance-notices';
import { tellLookers } from './tell';
import { tellMembersBatch, type MembersBatch } from './tell-members';

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** The site's settings that say when windows reset: time zone (IANA id) and week start (0 Sunday … 6 Saturday). */
export interface ResetSettings {
	timeZone: string;
	weekStart: number;
}

/**
 * The words of a move of a member's resets (`periods`: theirs that moved, in RESET_PERIODS order, each
 * with its next reset `next`, ISO): "Your free allowances now reset at 00:00 Berlin time (UTC+1)" (weekly ones
 * only: "… now reset on Mondays at 00:00 Berlin time (UTC+1)"; monthly only: "… on the 1st of the month at …";
 * the week start alone: "Your free weekly allowances now reset on Mondays"), and in the body when they
 * reset before and next: "They reset at 00:00 UTC before. The next reset is Dec 6, 2026, 00:00 Berlin
 * time (UTC+1)." (several periods: "Next resets: daily …; weekly …"). A team pool's (`teamName`, to its
 * owners and admins): "Acme Studio's free allowances now reset …".
 */
export function resetsMovedWords(d: { was: ResetSettings; now: ResetSettings; periods: { period: ResetPeriod; next: string }[]; teamName?: string | null }): { title: string; body: string } {
	const day = (s: ResetSettings) => `on ${WEEKDAYS[s.weekStart]}s`;
	const only = d.periods.length === 1 ? d.periods[0]!.period : null;
	const on = (s: ResetSettings) => (only === 'weekly' ? ` ${day(s)}` : only === 'monthly' ? ' on the 1st of the month' : '');
	const zoneMoved = d.was.timeZone !== d.now.timeZone;
	const whose = d.teamName ? `${d.teamName}'s` : 'Your';
	// Each zone as the rest of the app names it ("New York time (UTC−5)"), as the next reset below is said,
	// not its IANA id ("America/New_York"), which read as a code beside it.
	const firstNext = d.periods[0] ? new Date(d.periods[0].next) : new Date();
	const zone = (s: ResetSettings) => zoneName(s.timeZone, firstNext);
	const title = zoneMoved ? `${whose} free allowances now reset${on(d.now)} at 00:00 ${zone(d.now)}` : `${whose} free weekly allowances now reset ${day(d.now)}`;
	const before = zoneMoved ? `They reset${on(d.was)} at 00:00 ${zone(d.was)} before.` : `They reset ${day(d.was)} before.`;
	const at = (iso: string) => plainFormatter.time(iso, d.now.timeZone);
	const next = only ? `The next reset is ${at(d.periods[0]!.next)}.` : `Next resets: ${d.periods.map((p) => `${p.period} ${at(p.next)}`).join('; ')}.`;
	return { title, body: `${before} ${next}` };
}

const RESETS_JOB = 'alerts.allowance-resets';
const POOL_RESETS_JOB = 'alerts.pool-allowance-resets';

/** Team pools looked at per run of a move's pool notices (each told pool: its owners and admins, a few inserts each); the next batch is a job of its own. */
export const POOLS_BATCH = 100;

/**
 * A move of the resets as its jobs tell it: from `was` to `now`, the periods it moved (RESET_PERIODS
 * order). Their next resets are not kept: said when the notice goes out, RESETS_QUIET_SECONDS later, a
 * reset read at the save may have passed by then.
 */
interface Move {
	was: ResetSettings;
	now: ResetSettings;
	periods: ResetPeriod[];
}

/** Where a move's telling stands: the members' batch, or the last team (id) of the pools' batch before (null for the first). */
type ResetsPayload = MembersBatch & Move;

const settingsSchema = z.object({ timeZone: z.string(), weekStart: z.number().int() });
const batchFields = { key: z.string(), at: z.string(), after: z.string().nullable() };
const resetsPayload: z.ZodType<ResetsPayload> = z.object({ ...batchFields, was: settingsSchema, now: settingsSchema, periods: z.array(z.enum(RESET_PERIODS)) });

// A move saved by the version before this one and still waiting when it was replaced (its quiet minutes) is
// told all the same: the pools' jobs kept each period's next reset as read at the save (said now as it
// is when sent, as a move saved now is), the members' jobs their words as written at the save (sent as
// they are: they hold no `was` to write them again). Refusing them would tell no one, and a save in those
// minutes, which takes the waiting move back, would fail.
const poolsPayload: z.ZodType<ResetsPayload, unknown> = z.union([
	resetsPayload,
	z
		.object({ ...batchFields, was: settingsSchema, now: settingsSchema, moved: z.array(z.object({ period: z.enum(RESET_PERIODS), next: z.string() })) })
		.transform(({ moved, ...move }) => ({ ...move, periods: moved.map((m) => m.period) }))
]);
type Words = Record<string, { title: string; body: string }>;
const membersPayload: z.ZodType<ResetsPayload | (MembersBatch & { periods: ResetPeriod[]; words: Words }), unknown> = z.union([
	resetsPayload,
	z.object({ ...batchFields, periods: z.array(z.enum(RESET_PERIODS)), words: z.record(z.string(), z.object({ title: z.string(), body: z.string() })) })
]);

/** The moved periods each with its next reset now, the words' figures at the moment they are sent. */
const movedNow = (exec: Executor, m: Move) => nextResets(exec, m.now, m.periods, new Date());

/** Every non-empty subset of `xs`, in their order. */
const subsets = <T>(xs: readonly T[]): T[][] => xs.reduce<T[][]>((all, x) => [...all, ...all.map((s) => [...s, x]), [x]], []);

/**
 * After the site's time zone or week start changed (`was`: as read by the ledger's lockedSiteSettings; the
 * settings as now saved in `tx`), queues, in `tx`, the telling of every member, and of every team pool's
 * owners and admins, whose free allowance's reset it moved, RESETS_QUIET_SECONDS from now. A move still
 * waiting then is taken back and this one starts from its `was`. A change is a period (daily, weekly, monthly)
 * whose window open now ends at another instant under the new settings than under the old
 * (quota_window_end): saving the same settings again, a zone with the same midnight now (Europe/Paris
 * for Europe/Berlin), or a week start without weekly allowances moves nothing and tells no one. A member
 * is told, once per change, when a rule that applies to them gives some tokens per a moved period
 * (unlimited and "not available" do not reset for them); a pool's owners and admins, once per change and
 * pool, when the pool's rule does ("Acme Studio's free allowances now reset …"). Disabled users, users who
 * joined after the change, pools made after it and guests are not told. The schedule's
 * `alerts.allowance-resets` tells the members MEMBERS_BATCH at a time and `alerts.pool-allowance-resets`
 * the pools POOLS_BATCH at a time: the request does a few reads and writes.
 */
export async function noticeResetsMoved(tx: Executor, saved: ResetSettings, now: ResetSettings): Promise<void> {
	if (saved.timeZone === now.timeZone && saved.weekStart === now.weekStart) return;
	// Both jobs of a move are queued together, each keeping where the move started.
	await withdrawWaiting(tx, RESETS_JOB);
	const waiting = (await withdrawWaiting(tx, POOL_RESETS_JOB)).map((p) => poolsPayload.parse(p));
	const was = waiting[0]?.was ?? { timeZone: saved.timeZone, weekStart: saved.weekStart };
	const periods = await movedResets(tx, was);
	if (!periods.length || !(await anyoneToTell(tx))) return;
	const [clock] = await queryRows<{ now: string }>(tx, sql`select ${nowText} as now`);
	const runAt = new Date(Date.parse(clock!.now) + RESETS_QUIET_SECONDS * 1000);
	const payload: ResetsPayload = { key: randomUUID(), at: clock!.now, after: null, was, now: { timeZone: now.timeZone, weekStart: now.weekStart }, periods };
	await enqueue(tx, RESETS_JOB, payload, { key: payload.key, runAt });
	await enqueue(tx, POOL_RESETS_JOB, payload, { key: payload.key, runAt });
}

/**
 * One batch of a move's pool notices: the next POOLS_BATCH team pools (by team id) made before the
 * move whose own rule gives tokens per a moved period, each told to its owners and admins (tellLookers:
 * once per move, pool and person, '<move>:<pool account>'), in one transaction; then the next batch is
 * queued. Returns the people told.
 */
async function tellPoolsBatch(db: Db, p: ResetsPayload): Promise<number> {
	const { periods } = p;
	return db.orm.transaction(async (tx) => {
		const moved = await movedNow(tx, p);
		const pools = await queryRows<{ id: string; account_id: string; periods: string }>(tx, sql`
			select t.id, t.account_id, r.periods
			  from teams t, lateral (select ${resettingPeriodsSql(sql`t.account_id`, periods)} as periods) r
			 where t.created_at <= ${p.at}::timestamptz and t.id > coalesce(${p.after}::uuid, '00000000-0000-0000-0000-000000000000'::uuid)
			   and r.periods is not null
			 order by t.id limit ${POOLS_BATCH}`);
		let told = 0;
		for (const pool of pools) {
			const theirs = pool.periods.split(',');
			told += await tellLookers(tx, {
				accountId: pool.account_id,
				kind: 'allowance_changed',
				key: `${p.key}:${pool.account_id}`,
				tag: `allowance-resets-${pool.account_id}`,
				say: (who) => resetsMovedWords({ was: p.was, now: p.now, periods: moved.filter((m) => theirs.includes(m.period)), teamName: who.teamName })
			});
		}
		if (pools.length === POOLS_BATCH) await enqueue(tx, POOL_RESETS_JOB, { ...p, after: pools.at(-1)!.id }, { key: `${p.key}:${pools.at(-1)!.id}` });
		return told;
	});
}

/** The schedule's `alerts.pool-allowance-resets`: one batch of a move's pool notices (noticeResetsMoved, tellPoolsBatch). */
export function poolResetsJob(): JobDefinition {
	return { name: POOL_RESETS_JOB, run: ({ db, payload }) => tellPoolsBatch(db, poolsPayload.parse(payload)) };
}

/** The schedule's `alerts.allowance-resets`: one batch of a move's notices (noticeResetsMoved, tellMembersBatch). */
export function allowanceResetsJob(): JobDefinition {
	return {
		name: RESETS_JOB,
		run: async ({ db, payload }) => {
			const p = membersPayload.parse(payload);
			// The words for a member by the moved periods they have, comma-joined ("daily,weekly").
			const words = 'words' in p ? p.words : Object.fromEntries(subsets(await movedNow(db.orm, p)).map((s) => [s.map((m) => m.period).join(','), resetsMovedWords({ was: p.was, now: p.now, periods: s })]));
			return tellMembersBatch(db, {
				kind: 'allowance_changed',
				job: RESETS_JOB,
				tag: 'allowance-resets',
				batch: p,
				payload: p,
				said: sql`${JSON.stringify(words)}::jsonb -> ${resettingPeriodsSql(sql`u.account_id`, p.periods)}`,
				where: sql`true`
			});
		}
	};
}
