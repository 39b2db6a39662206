import type { UsePace } from '../ledger';

/**
 * The anomaly rules (issue 17.5), simple enough to explain in one sentence each. An account and
 * each of its API keys are compared with their own baseline: what they spent in the same clock
 * hour of the last 7 days, on average (ledger/use-pace.ts).
 * - spike: the last hour spent at least `SPIKE_MIN_TOKENS` and more than `SPIKE_FACTOR` × the
 *   baseline, by an account or key that spent something before the last 24 hours.
 * - depletion (accounts): at the last hour's pace, the tokens left (some) are gone within
 *   `DEPLETION_HOURS`, that pace is above the baseline (a usual day's rush is not an anomaly), and the
 *   account spent something before the last 24 hours, as a spike asks. Without that history there is
 *   no usual pace to be faster than: a member who just bought a pack and spends it in their first
 *   session would be told their tokens go "fast" for spending at all. One rule for both (history,
 *   not a minimum age or volume, which would be a guess at what a first session spends); the balance
 *   alerts (a step passed, ran out) still tell a new account how much is left.
 * - new_key: an account's own key made in the last 24 hours spends the tokens of an account that
 *   was used before (possible unauthorised access; a site's keys act for the site and are not flagged).
 * - refusals: at least `REFUSAL_BURST` refused requests in 10 minutes, half or more of the requests.
 * A flag is one episode of an event (`episodeOf`): it opens when its rule first holds, and closes
 * once no rule of its event has held for `EPISODE_QUIET_MINUTES`; only opening notifies. A spike and
 * tokens going fast are one event, fast use (one burst sets off both, and both ask for the same cap):
 * found together they are one finding, the spike saying how long the tokens left last; found one
 * after the other, the second keeps the first one's episode open and tells no one again.
 */
export const SPIKE_FACTOR = 3;
export const SPIKE_MIN_TOKENS = 1000;
export const DEPLETION_HOURS = 6;
export const NEW_KEY_HOURS = 24;
export const REFUSAL_BURST = 20;
export const EPISODE_QUIET_MINUTES = 60;

export type AnomalyKind = 'spike' | 'depletion' | 'new_key' | 'refusals';

/** The events a flag is an episode of: one open flag (one notice) per account, key and event. */
export type AnomalyEpisode = 'fast_use' | 'new_key' | 'refusals';

/** The event a finding of this kind belongs to. */
export function episodeOf(kind: AnomalyKind): AnomalyEpisode {
	return kind === 'spike' || kind === 'depletion' ? 'fast_use' : kind;
}

/** The figures a flag was raised with (tokens; hours), shown to the owner and the admin as they were. */
export interface AnomalyFigures {
	lastHour: number;
	baseline: number;
	/**
	 * depletion, in flags raised before a first burst stopped being one (an account with no use before
	 * the last 24 hours is no longer flagged): no usual pace to compare with. Kept so those read as they did.
	 */
	firstUse?: true;
	/** depletion: tokens left and the hours they last at the last hour's pace. */
	left?: number;
	hoursLeft?: number;
	/** refusals: refused and all requests in the last 10 minutes. */
	refusals?: number;
	operations?: number;
	/** new_key: when the key was made. */
	keyCreatedAt?: string;
}

export interface Finding {
	kind: AnomalyKind;
	figures: AnomalyFigures;
}

/**
 * What one account's or key's figures set off, by the rules above, at most one finding per event: a
 * spike with tokens going fast is the spike, with `left` and `hoursLeft` in its figures. `left`:
 * tokens left (null: unlimited; accounts only). `newKeyAt`: set for an account's own key made in the last 24 hours.
 */
export function findings(p: UsePace, opts: { left?: number | null; newKeyAt?: Date | null; accountHasHistory?: boolean } = {}): Finding[] {
	const base = { lastHour: p.lastHour, baseline: Math.round(p.baseline) };
	const out: Finding[] = [];
	const spike = p.hasHistory && p.lastHour >= SPIKE_MIN_TOKENS && p.lastHour > SPIKE_FACTOR * p.baseline;
	// Nothing left is not "going fast": the balance alerts (below a step, ran out) already say it.
	const hoursLeft = p.keyId === null && p.hasHistory && opts.left != null && opts.left > 0 && p.lastHour > 0 && p.lastHour > p.baseline ? opts.left / p.lastHour : null;
	const fast = hoursLeft !== null && hoursLeft < DEPLETION_HOURS ? { left: opts.left!, hoursLeft: Math.round(hoursLeft * 10) / 10 } : null;
	if (spike) out.push({ kind: 'spike', figures: { ...base, ...fast } });
	else if (fast) out.push({ kind: 'depletion', figures: { ...base, ...fast } });
	if (p.keyId !== null && opts.newKeyAt && opts.accountHasHistory && p.lastHour > 0) {
		out.push({ kind: 'new_key', figures: { ...base, keyCreatedAt: opts.newKeyAt.toISOString() } });
	}
	if (p.refusals >= REFUSAL_BURST && p.refusals * 2 >= p.operations) out.push({ kind: 'refusals', figures: { ...base, refusals: p.refusals, operations: p.operations } });
	return out;
}
