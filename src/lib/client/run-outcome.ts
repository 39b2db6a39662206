import type { SaveMessage } from './save-message';
import type { Level } from './level';
import { counted, figure } from '../counted';
import { spendableHere } from '../refusal-message';
import { levelLabel } from './level';

/**
 * What a playground run came to, as the line under its Run button says it, or null for nothing to
 * say. `run`: its answer (`result`: tokens spent and what the person can still spend on that feature
 * and model, the cap on their use counted, as the consume's `remaining` says it; null = unlimited) or
 * the words of its failure (`error`), `current` while the operation, number and model are still the
 * ones it ran with, `settling` while the page reloads the figures after it. `preview`: the cost card's
 * answer for the choice now. A refusal (a price gone stale: spent elsewhere since, a limit lowered) is
 * said once: the reloaded preview, refused on the same figures, says why in the cost card, so the line
 * says nothing, and nothing before that reload lands either (no line that comes and goes); a failure
 * the card does not show (offline, a preview that allows it again) is said here. A personal account
 * and a team pool read the same line: on a pool, what the member's cap leaves them when that is less.
 * `model`: the one the run named (null: none; the line then names no model, as its refusal does).
 */
export function runOutcome(
	run: { result: { cost: number; remaining: number | null } | null; error: string | null; current: boolean; settling: boolean },
	preview: { allowed: boolean } | null,
	model: string | null
): SaveMessage | null {
	if (!run.current) return null;
	if (run.result) {
		const left = run.result.remaining !== null ? `; ${figure(run.result.remaining)} still ${spendableHere(model)}` : '';
		return { kind: 'ok', text: `Done: ${counted(run.result.cost, 'token')} spent${left}.` };
	}
	if (!run.error || run.settling || preview?.allowed === false) return null;
	return { kind: 'empty', text: run.error };
}

/**
 * The cost card's line for a run it would allow, as it says it beside the level's colour: the level
 * in words and what the run would leave (`remainingAfter` tokens spendable on its feature and model,
 * null = unlimited; `again` once a run is done, when the card prices the next one). A run that
 * would spend the last of them is still allowed: it says so, not "No tokens left" above the Run
 * button that works. `model`: as for runOutcome.
 */
export function nextRunLine(p: { level: Level; remainingAfter: number | null }, again: boolean, tokens: (n: number) => string, model: string | null): { heading: string; after: string | null } {
	const heading = p.level !== 'empty' ? levelLabel[p.level] : again ? 'Enough for one more run' : 'Enough for this run';
	const after = p.remainingAfter === null ? null : `${tokens(p.remainingAfter)} ${spendableHere(model)} after ${again ? 'running it again' : 'it'}`;
	return { heading, after };
}
