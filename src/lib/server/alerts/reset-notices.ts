// A change of the site's time zone or week start moves when free allowances reset: the members it
// moves them for hear of it once, as a role's allowance change is told (tell-members.ts).
import { sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { queryRows, type Executor } from '../db/client';
import { movedResets, nowText, RESET_PERIODS, resettingPeriodsSql, type ResetPeriod } from '../ledger';
import { enqueue, type JobDefinition } from '../schedule/jobs';
import { localeFormatter } from '../../refusal-message';
import { anyoneToTell } from './allowance-notices';
import { tellMembersBatch, type MembersBatch } from './tell-members';

const pageWords = localeFormatter('en');
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** The site's settings that say when windows reset: time zone (IANA id) and week start (0 Sunday … 6 Saturday). */
export interface ResetSettings {
	timeZone: string;
	weekStart: number;
}

/**
 * The words of a move of a member's resets (`periods`: theirs that moved, in RESET_PERIODS order, each
 * with its next reset `next`, ISO): "Your free allowances now reset at 00:00 Europe/Berlin" (weekly ones
 * only: "… now reset on Mondays at 00:00 Europe/Berlin"; monthly only: "… on the 1st of the month at …";
 * the week start alone: "Your free weekly allowances now reset on Mondays"), and in the body when they
 * reset before and next: "They reset at 00:00 UTC before. The next reset is Dec 6, 2026, 00:00 Berlin
 * time (UTC+1)." (several periods: "Next resets: daily …; weekly …").
 */
export function resetsMovedWords(d: { was: ResetSettings; now: ResetSettings; periods: { period: ResetPeriod; next: string }[] }): { title: string; body: string } {
	const day = (s: ResetSettings) => `on ${WEEKDAYS[s.weekStart]}s`;
	const only = d.periods.length === 1 ? d.periods[0]!.period : null;
	const on = (s: ResetSettings) => (only === 'weekly' ? ` ${day(s)}` : only === 'monthly' ? ' on the 1st of the month' : '');
	const zoneMoved = d.was.timeZone !== d.now.timeZone;
	const title = zoneMoved ? `Your free allowances now reset${on(d.now)} at 00:00 ${d.now.timeZone}` : `Your free weekly allowances now reset ${day(d.now)}`;
	const before = zoneMoved ? `They reset${on(d.was)} at 00:00 ${d.was.timeZone} before.` : `They reset ${day(d.was)} before.`;
	const at = (iso: string) => pageWords.time(iso, d.now.timeZone);
	const next = only ? `The next reset is ${at(d.periods[0]!.next)}.` : `Next resets: ${d.periods.map((p) => `${p.period} ${at(p.next)}`).join('; ')}.`;
	return { title, body: `${before} ${next}` };
}

const RESETS_JOB = 'alerts.allowance-resets';

interface ResetsPayload extends MembersBatch {
	/** The periods whose resets moved (RESET_PERIODS order). */
	periods: ResetPeriod[];
	/** The words for a member by the moved periods they have, comma-joined ("daily,weekly"). */
	words: Record<string, { title: string; body: string }>;
}

const resetsPayload: z.ZodType<ResetsPayload> = z.object({
	key: z.string(),
	at: z.string(),
	after: z.string().nullable(),
	periods: z.array(z.enum(RESET_PERIODS)),
	words: z.record(z.string(), z.object({ title: z.string(), body: z.string() }))
});

/** Every non-empty subset of `xs`, in their order. */
const subsets = <T>(xs: readonly T[]): T[][] => xs.reduce<T[][]>((all, x) => [...all, ...all.map((s) => [...s, x]), [x]], []);

/**
 * After the site's time zone or week start changed (`was`: as read by the ledger's lockedSiteSettings; the
 * settings as now saved in `tx`), queues, in `tx`, the telling of every member whose free allowance's
 * reset it moved. A change is a period (daily, weekly, monthly) whose window open now ends at another
 * instant under the new settings than under the old (quota_window_end): saving the same settings again,
 * a zone with the same midnight now (Europe/Paris for Europe/Berlin), or a week start without weekly
 * allowances moves nothing and tells no one. A member is told, once per change, when a rule that applies
 * to them gives some tokens per a moved period (unlimited and "not available" do not reset for them);
 * disabled users, users who joined after the change, guests and team pools are not told. The schedule's
 * `alerts.allowance-resets` tells them MEMBERS_BATCH at a time: the request does two reads and one insert.
 */
export async function noticeResetsMoved(tx: Executor, was: ResetSettings, now: ResetSettings): Promise<void> {
	if (was.timeZone === now.timeZone && was.weekStart === now.weekStart) return;
	const moved = await movedResets(tx, was);
	if (!moved.length || !(await anyoneToTell(tx))) return;
	const [clock] = await queryRows<{ now: string }>(tx, sql`select ${nowText} as now`);
	const words = Object.fromEntries(
		subsets(moved).map((s) => [s.map((m) => m.period).join(','), resetsMovedWords({ was, now, periods: s.map((m) => ({ period: m.period, next: m.end })) })])
	);
	const payload: ResetsPayload = { key: randomUUID(), at: clock!.now, after: null, periods: moved.map((m) => m.period), words };
	await enqueue(tx, RESETS_JOB, payload, { key: payload.key });
}

/** The schedule's `alerts.allowance-resets`: one batch of a move's notices (noticeResetsMoved, tellMembersBatch). */
export function allowanceResetsJob(): JobDefinition {
	return {
		name: RESETS_JOB,
		run: ({ db, payload }) => {
			const p = resetsPayload.parse(payload);
			return tellMembersBatch(db, {
				kind: 'allowance_changed',
				job: RESETS_JOB,
				tag: 'allowance-resets',
				batch: p,
				payload: p,
				said: sql`${JSON.stringify(p.words)}::jsonb -> ${resettingPeriodsSql(sql`u.account_id`, p.periods)}`,
				where: sql`true`
			});
		}
	};
}
