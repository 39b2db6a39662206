import type { AllocationShare } from '../ledger';

/**
 * An account's alert steps: shares of its allocation (whole percent, 1–99, highest first) and
 * whether running out is alerted. Each step is alerted once per crossing and re-armed by a top-up.
 */
export interface AlertSteps {
	shares: number[];
	depleted: boolean;
}

/** The seeds' steps: 20 % (002, the chatbot's e-mail), 10 % and 5 % (003, warning and critical), depleted (002). */
export const DEFAULT_STEPS: AlertSteps = { shares: [20, 10, 5], depleted: true };

export const STEP_LIMITS = { min: 1, max: 99, count: 5 } as const;

/** Where a balance stands among the steps: above all ('ok'), past a share step, or run out. */
export type Stage = 'ok' | `share:${number}` | 'depleted';

/** How deep a stage is, 0 (above every step) to 100 (run out): a deeper stage is a crossing. */
export function depth(stage: Stage): number {
	if (stage === 'ok') return 0;
	if (stage === 'depleted') return 100;
	return 100 - Number(stage.slice('share:'.length));
}

/** The share a stage names (null for 'ok' and 'depleted'). */
export function stageShare(stage: Stage): number | null {
	return stage.startsWith('share:') ? Number(stage.slice('share:'.length)) : null;
}

/**
 * The deepest step the allocation is past. Nothing left counts as past every share step. An
 * account that never had tokens nor an allowance (`base` 0, `hadTokens` false) is never told
 * it ran out; unlimited general tokens pass no step.
 */
export function stageOf(s: AllocationShare, steps: AlertSteps, hadTokens: boolean): Stage {
	if (s.unlimited || (s.base <= 0 && !hadTokens)) return 'ok';
	if (s.left <= 0 && steps.depleted) return 'depleted';
	const passed = steps.shares.filter((p) => s.left <= 0 || s.left * 100 < s.base * p);
	return passed.length ? `share:${Math.min(...passed)}` : 'ok';
}

export interface Recorded {
	stage: Stage;
	/** Tokens left when the stage was recorded (null: never evaluated). */
	tokensLeft: number | null;
}

/**
 * What an evaluation changes for one recipient, or null when nothing: a deeper stage is a
 * crossing to alert (several steps crossed at once alert once, for the deepest); a shallower one
 * re-arms the steps above it only when more tokens are left than when last recorded (a top-up,
 * a refund, an allowance reset), not when a spent lot merely leaves the base — then only the
 * lower mark is kept, so a later top-up is measured from there.
 */
export function decide(recorded: Recorded | null, now: Stage, left: number): { stage: Stage; tokensLeft: number; alert: boolean; rearm: boolean } | null {
	const before = recorded ?? { stage: 'ok' as Stage, tokensLeft: null };
	const d = depth(now) - depth(before.stage);
	if (d > 0) return { stage: now, tokensLeft: left, alert: true, rearm: false };
	if (d === 0) return null;
	if (before.tokensLeft === null || left > before.tokensLeft) return { stage: now, tokensLeft: left, alert: false, rearm: true };
	return left < before.tokensLeft ? { stage: before.stage, tokensLeft: left, alert: false, rearm: false } : null;
}
