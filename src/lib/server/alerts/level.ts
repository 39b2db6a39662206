import type { AllocationShare } from '../ledger';

/**
 * An account's alert steps: shares of its allocation (whole percent, 1–99, highest first), fixed
 * numbers of tokens (highest first; issue 17.1) and whether running out is alerted. Each step is
 * alerted once per crossing and re-armed by a top-up.
 */
export interface AlertSteps {
	shares: number[];
	tokens: number[];
	depleted: boolean;
}

/** The seeds' steps: 20% (002, the chatbot's e-mail), 10% and 5% (003, warning and critical), depleted (002). */
export const DEFAULT_STEPS: AlertSteps = { shares: [20, 10, 5], tokens: [], depleted: true };

/** Share steps are whole percents from `min` to `max`; at most `count` steps of both kinds together; token steps from 1 to `maxTokens`. */
export const STEP_LIMITS = { min: 1, max: 99, count: 5, maxTokens: 1_000_000_000_000 } as const;

/** Where a balance stands among the steps: above all ('ok'), past a share or a token step, or run out. */
export type Stage = 'ok' | `share:${number}` | `tokens:${number}` | 'depleted';

/**
 * Which of two stages is deeper (> 0: `a`, < 0: `b`, 0: the same): 'ok' is the shallowest,
 * 'depleted' the deepest; two share steps by their percent and two token steps by their number
 * (the smaller, the deeper), whatever the allocation; a share and a token step by the tokens each
 * stands for, a share's measured against its own allocation (`baseA`, `baseB`: the one it was
 * reached in, `measuredShare`'s), because a spent lot leaving the allocation must not make a passed
 * share look deeper.
 */
export function compareDepth(a: Stage, b: Stage, baseA: number, baseB = baseA): number {
	const extreme = (s: Stage) => (s === 'ok' ? -1 : s === 'depleted' ? 1 : 0);
	if (extreme(a) || extreme(b)) return Math.sign(extreme(a) - extreme(b));
	const [shareA, shareB] = [stageShare(a), stageShare(b)];
	if ((shareA === null) === (shareB === null)) return Math.sign((shareB ?? stageTokens(b)!) - (shareA ?? stageTokens(a)!));
	return Math.sign(threshold(b as StepStage, baseB) - threshold(a as StepStage, baseA));
}

/** The tokens a step's stage lies below: `base × percent / 100` for a share, the number for a token step. */
type StepStage = `share:${number}` | `tokens:${number}`;

function threshold(stage: StepStage, base: number): number {
	const share = stageShare(stage);
	return share === null ? stageTokens(stage)! : (base * share) / 100;
}

/** The share a stage names (null for others). */
export function stageShare(stage: Stage): number | null {
	return stage.startsWith('share:') ? Number(stage.slice('share:'.length)) : null;
}

/** The number of tokens a token step's stage names (null for others). */
export function stageTokens(stage: Stage): number | null {
	return stage.startsWith('tokens:') ? Number(stage.slice('tokens:'.length)) : null;
}

/**
 * The deepest step the allocation is strictly below: a share step when `left × 100 < base × percent`,
 * a token step when `left < tokens` (exactly at a step is not below it). Nothing left counts as
 * past every step. An account that never had tokens nor an allowance (`base` 0, `hadTokens` false)
 * is never told it ran out; unlimited general tokens pass no step.
 */
export function stageOf(s: AllocationShare, steps: AlertSteps, hadTokens: boolean): Stage {
	if (s.unlimited || (s.base <= 0 && !hadTokens)) return 'ok';
	if (s.left <= 0 && steps.depleted) return 'depleted';
	const passed: Stage[] = [
		...steps.shares.filter((p) => s.left <= 0 || s.left * 100 < s.base * p).map((p): Stage => `share:${p}`),
		...steps.tokens.filter((t) => s.left < t).map((t): Stage => `tokens:${t}`)
	];
	return passed.reduce<Stage>((deepest, st) => (compareDepth(st, deepest, s.base) > 0 ? st : deepest), 'ok');
}

export interface Recorded {
	stage: Stage;
	/** Tokens left when the stage was recorded (null: never evaluated). */
	tokensLeft: number | null;
	/** The allocation the stage was reached in, in tokens (null: recorded before it was kept; the current one is used). */
	base: number | null;
	/** The allocation at the last evaluation, in tokens: the base before the change evaluated now (null: not kept yet; `base` is used). */
	lastBase: number | null;
	/** The free allowances' part of `lastBase` (null or absent: not kept yet; the part now is used). */
	lastAllowanceBase?: number | null;
}

/**
 * The allocation a change is measured by, the one base for the tokens left before and after it: the
 * base before the change (`lastBase`, kept by every evaluation that saw the base change: `decide`) when
 * the change shrank it, else the base now. A lot a spend used up, an expiry or an ended lot leaves the
 * base; measured against what is left of it, tokens that fell from 34,405 of 60,000 to 5,405 of the
 * 20,000 still granted would pass no step. A grant grows the base: the base now counts then. The free
 * allowances' part (`allowanceBase`, absent: none) is always their rules' now: a role change or a rule
 * that lowers an allowance lowers the allocation and the tokens left alike, and that is no use of
 * tokens to alert (a member moved from a 77,777-token role to a 10,000-token one was told their
 * tokens dropped below 20%).
 */
export function measuredShare<S extends Pick<AllocationShare, 'left' | 'base'> & { allowanceBase?: number }>(recorded: Recorded | null, s: S): S {
	const allowances = s.allowanceBase ?? 0;
	const lastLots = (recorded?.lastBase ?? recorded?.base ?? s.base) - (recorded?.lastAllowanceBase ?? allowances);
	return { ...s, base: Math.max(lastLots, s.base - allowances) + allowances };
}

/**
 * What an evaluation changes for one recipient, or null when nothing. `now` is the stage of
 * `measuredShare`, the base a stage is recorded with. A deeper stage is a crossing to alert (several
 * steps crossed at once alert once, for the deepest); a shallower one re-arms the steps above it only
 * when more tokens are left than when last recorded (a top-up, a refund, an allowance reset), not
 * when a spent lot merely leaves the base: then only the lower mark is kept, so a later top-up is
 * measured from there. A base that changed is kept (`lastBase`) whatever else happens: the next
 * change is measured by it.
 */
export function decide(
	recorded: Recorded | null,
	now: Stage,
	s: Pick<AllocationShare, 'left' | 'base'> & { allowanceBase?: number }
): { stage: Stage; tokensLeft: number; base: number; lastBase: number; lastAllowanceBase: number; alert: boolean; rearm: boolean } | null {
	const before = recorded ?? { stage: 'ok' as Stage, tokensLeft: null, base: null, lastBase: null, lastAllowanceBase: null };
	const left = s.left;
	const base = measuredShare(recorded, s).base;
	const last = { lastBase: s.base, lastAllowanceBase: s.allowanceBase ?? 0 };
	const c = compareDepth(now, before.stage, base, before.base ?? base);
	const kept = { stage: before.stage, base: before.base ?? base, ...last, alert: false, rearm: false };
	if (c > 0) return { stage: now, tokensLeft: left, base, ...last, alert: true, rearm: false };
	if (c < 0 && (before.tokensLeft === null || left > before.tokensLeft)) return { stage: now, tokensLeft: left, base, ...last, alert: false, rearm: true };
	if (c < 0 && left < before.tokensLeft!) return { ...kept, tokensLeft: left };
	// Nothing recorded yet stands for an empty base: an account that never had any is not recorded for nothing.
	const unchanged = s.base === (before.lastBase ?? before.base ?? 0) && last.lastAllowanceBase === (before.lastAllowanceBase ?? last.lastAllowanceBase);
	return unchanged ? null : { ...kept, tokensLeft: before.tokensLeft ?? left };
}
