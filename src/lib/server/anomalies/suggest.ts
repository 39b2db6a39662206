import type { Executor } from '../db/client';
import { balances, capsInForce, hourlyBaseline, type CapInForce } from '../ledger';
import type { AnomalyDetail } from './notify';

/** The least room a suggested cap leaves above today's use, in tokens (an account with next to no baseline still gets a usable day). */
const MIN_ROOM = 100;

/** A daily cap an anomaly suggests, with today's use it is above. */
export interface CapSuggestion {
	/** The daily cap, in tokens: always above what the cap counts today (used and held), so setting it never blocks the account at once. */
	limitTokens: number;
	/** Tokens used so far today (the site's day, as the cap counts them). */
	usedToday: number;
}

/**
 * The daily cap to suggest, from figures in tokens: twice a usual day (`usualDay`, the sum of the 24
 * hourly baselines), or, once today has used more, today's use and holds plus a usual day — at least
 * `MIN_ROOM` above them either way — rounded up to a hundred. Null when a daily cap on the whole
 * account at or below it is already in force (`dailyCap`): setting it would change nothing or raise it.
 */
export function capSuggestion(f: { usualDay: number; usedToday: number; held: number; dailyCap: number | null }): CapSuggestion | null {
	const counted = f.usedToday + f.held;
	const limitTokens = Math.ceil(Math.max(2 * f.usualDay, counted + Math.max(f.usualDay, MIN_ROOM)) / 100) * 100;
	if (f.dailyCap !== null && f.dailyCap <= limitTokens) return null;
	return { limitTokens, usedToday: f.usedToday };
}

/**
 * The daily cap an anomaly suggests for an account now (`capSuggestion` on its figures; null when
 * there is none to suggest), with the account-wide daily caps in force it was weighed against.
 */
export async function dailyCapFigures(exec: Executor, accountId: string): Promise<{ suggestion: CapSuggestion | null; daily: CapInForce[] }> {
	const [baseline, today, caps] = await Promise.all([
		hourlyBaseline(exec, [accountId]),
		// What the ledger's daily cap counts (drizzle/functions/limits.sql): today's use and the open holds.
		balances(exec, accountId),
		capsInForce(exec, accountId)
	]);
	const daily = caps.filter((c) => c.memberUserId === null && c.period === 'daily');
	const suggestion = capSuggestion({
		usualDay: baseline.get(accountId)!.reduce((a, b) => a + b, 0),
		usedToday: today.usedToday,
		held: today.held,
		dailyCap: daily.length ? Math.min(...daily.map((c) => c.limitTokens)) : null
	});
	return { suggestion, daily };
}

/** The daily cap an anomaly suggests for an account now, or null when there is none to suggest. */
export async function suggestedDailyCap(exec: Executor, accountId: string): Promise<CapSuggestion | null> {
	return (await dailyCapFigures(exec, accountId)).suggestion;
}

/** An anomaly notification as the inbox shows it: its stored detail and the daily cap it suggests now. */
export type AnomalyEntry = AnomalyDetail & { suggestedCap: CapSuggestion | null };

/**
 * The inbox with each anomaly's cap suggestion as of now (the use since the flag opened counts), one
 * reading per account. A suggestion kept with the notification would go stale as the day's use grows.
 */
export async function withCapSuggestions<E extends { accountId: string; anomaly: AnomalyDetail | null }>(
	exec: Executor,
	inbox: { entries: E[]; unread: number }
): Promise<{ entries: (Omit<E, 'anomaly'> & { anomaly: AnomalyEntry | null })[]; unread: number }> {
	const ids = [...new Set(inbox.entries.filter((e) => e.anomaly).map((e) => e.accountId))];
	const now = new Map(await Promise.all(ids.map(async (id) => [id, await suggestedDailyCap(exec, id)] as const)));
	return {
		...inbox,
		entries: inbox.entries.map((e) => ({ ...e, anomaly: e.anomaly && { ...e.anomaly, suggestedCap: now.get(e.accountId) ?? null } }))
	};
}
