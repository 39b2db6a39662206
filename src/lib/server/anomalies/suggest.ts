import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client';
import { balances, capsInForce, hourlyBaseline, type CapInForce } from '../ledger';
import type { AnomalyDetail } from './notify';

/** The least room a suggested cap leaves above today's use, in tokens (an account with next to no baseline still gets a usable day). */
const MIN_ROOM = 100;

/** What a daily cap is weighed against, in tokens: a usual day (the sum of the 24 hourly baselines), today's use and open holds, the lowest account-wide daily cap in force. */
interface CapFigures {
	usualDay: number;
	usedToday: number;
	held: number;
	dailyCap: number | null;
}

/**
 * The daily cap to suggest, in tokens: twice a usual day, or, once today has used more, today's use
 * and holds plus a usual day — at least `MIN_ROOM` above them either way — rounded up to a hundred.
 * Null when a daily cap on the whole account at or below it is already in force (`dailyCap`):
 * setting it would change nothing or raise it.
 */
export function capSuggestion(f: CapFigures): number | null {
	const counted = f.usedToday + f.held;
	const limitTokens = Math.ceil(Math.max(2 * f.usualDay, counted + Math.max(f.usualDay, MIN_ROOM)) / 100) * 100;
	return f.dailyCap !== null && f.dailyCap <= limitTokens ? null : limitTokens;
}

/** A daily cap an anomaly alert offers, as the inbox shows it and a tap sets it. */
export interface CapSuggestion {
	/** The daily cap, in tokens: the one suggested when the alert was raised (kept with its flag; for a flag from before they were kept, the one suggested now). */
	limitTokens: number;
	/** Tokens used so far today (the site's day, as the cap counts them). */
	usedToday: number;
	/** Today's use and open holds have reached it since: set now, it stops all spending until the day ends. */
	blocksToday: boolean;
}

/**
 * What a flag's cap comes to now: its kept suggestion (or, for a flag from before suggestions were
 * kept, `capSuggestion` of now), unless none was suggested or a daily cap no higher is in force now
 * (then null: setting it would change nothing or raise it).
 */
export function offeredCap(flag: { kept: boolean; suggested: number | null }, now: CapFigures): CapSuggestion | null {
	const limitTokens = flag.kept ? flag.suggested : capSuggestion(now);
	if (limitTokens === null || (now.dailyCap !== null && now.dailyCap <= limitTokens)) return null;
	return { limitTokens, usedToday: now.usedToday, blocksToday: now.usedToday + now.held >= limitTokens };
}

/**
 * An account's figures a daily cap is weighed against now (`usual`: also its usual day, which only a
 * suggestion worked out now needs), with the account-wide daily caps in force.
 */
export async function capFigures(exec: Executor, accountId: string, usual: boolean): Promise<CapFigures & { daily: CapInForce[] }> {
	const [baseline, today, caps] = await Promise.all([
		usual ? hourlyBaseline(exec, [accountId]) : null,
		// What the ledger's daily cap counts (drizzle/functions/limits.sql): today's use and the open holds.
		balances(exec, accountId),
		capsInForce(exec, accountId)
	]);
	const daily = caps.filter((c) => c.memberUserId === null && c.period === 'daily');
	return {
		usualDay: baseline ? baseline.get(accountId)!.reduce((a, b) => a + b, 0) : 0,
		usedToday: today.usedToday,
		held: today.held,
		dailyCap: daily.length ? Math.min(...daily.map((c) => c.limitTokens)) : null,
		daily
	};
}

/** The daily cap an anomaly would suggest for an account now, in tokens, or null when there is none to suggest. */
export async function suggestedDailyCap(exec: Executor, accountId: string): Promise<number | null> {
	return capSuggestion(await capFigures(exec, accountId, true));
}

/** Keeps with each flag just opened the daily cap it suggests (one reading per account), in the transaction that opened it. */
export async function keepCapSuggestions(exec: Executor, flags: { id: number; accountId: string }[]): Promise<void> {
	for (const accountId of new Set(flags.map((f) => f.accountId))) {
		const suggested = await suggestedDailyCap(exec, accountId);
		const ids = flags.filter((f) => f.accountId === accountId).map((f) => f.id);
		await exec.execute(sql`
			update anomaly_flags set suggested_daily_cap = ${suggested}, cap_suggestion_kept = true
			 where id in (${sql.join(ids.map((id) => sql`${id}`), sql`, `)})`);
	}
}

/** What each flag keeps of its cap suggestion, by flag id (a flag not found is left out). */
export async function keptSuggestions(exec: Executor, flagIds: number[]): Promise<Map<number, { kept: boolean; suggested: number | null }>> {
	if (!flagIds.length) return new Map();
	const rows = await queryRows<{ id: number; kept: boolean; suggested: number | null }>(exec, sql`
		select id, cap_suggestion_kept as kept, suggested_daily_cap as suggested from anomaly_flags
		 where id in (${sql.join(flagIds.map((id) => sql`${id}`), sql`, `)})`);
	return new Map(rows.map((r) => [Number(r.id), { kept: r.kept, suggested: r.suggested === null ? null : Number(r.suggested) }]));
}

/** An anomaly notification as the inbox shows it: its stored detail and the daily cap it offers. */
export type AnomalyEntry = AnomalyDetail & { suggestedCap: CapSuggestion | null };

/**
 * The inbox with each anomaly's cap as its flag kept it when raised (`offeredCap`: with today's use
 * of now, so a cap the day has reached since says so), one reading per account.
 */
export async function withCapSuggestions<E extends { accountId: string; anomaly: AnomalyDetail | null }>(
	exec: Executor,
	inbox: { entries: E[]; unread: number }
): Promise<{ entries: (Omit<E, 'anomaly'> & { anomaly: AnomalyEntry | null })[]; unread: number }> {
	const anomalies = inbox.entries.filter((e) => e.anomaly);
	const kept = await keptSuggestions(exec, [...new Set(anomalies.map((e) => e.anomaly!.flagId))]);
	const needUsual = new Set(anomalies.filter((e) => !kept.get(e.anomaly!.flagId)?.kept).map((e) => e.accountId));
	const ids = [...new Set(anomalies.map((e) => e.accountId))];
	const now = new Map(await Promise.all(ids.map(async (id) => [id, await capFigures(exec, id, needUsual.has(id))] as const)));
	const offer = (e: E) => offeredCap(kept.get(e.anomaly!.flagId) ?? { kept: false, suggested: null }, now.get(e.accountId)!);
	return {
		...inbox,
		entries: inbox.entries.map((e) => ({ ...e, anomaly: e.anomaly && { ...e.anomaly, suggestedCap: offer(e) } }))
	};
}
