import type { SaveMessage } from './save-message';
import { counted, figure } from '../counted';
import { SPENDABLE_HERE } from '../refusal-message';

/**
 * What a playground run came to, as the line under its Run button says it, or null for nothing to
 * say. `run`: its answer (`result`: tokens spent and still spendable, null = unlimited) or the words
 * of its failure (`error`), `current` while the operation, number and model are still the ones it
 * ran with, `settling` while the page reloads the figures after it. `preview`: the cost card's answer
 * for the choice now. A refusal (a price gone stale: spent elsewhere since, a limit lowered) is said
 * once: the reloaded preview, refused on the same figures, says why in the cost card, so the line says
 * nothing, and nothing before that reload lands either (no line that comes and goes); a failure the
 * card does not show (offline, a preview that allows it again) is said here. With a cap in force
 * (`preview.cap`) the run's "still spendable" (its lots and allowance) is more than the cap lets the
 * member spend: the line leaves the figure to the cost card, which says the capped one.
 */
export function runOutcome(
	run: { result: { cost: number; remaining: number | null } | null; error: string | null; current: boolean; settling: boolean },
	preview: { allowed: boolean; cap?: unknown } | null
): SaveMessage | null {
	if (!run.current) return null;
	if (run.result) {
		const left = run.result.remaining !== null && !preview?.cap ? `; ${figure(run.result.remaining)} still ${SPENDABLE_HERE}` : '';
		return { kind: 'ok', text: `Done: ${counted(run.result.cost, 'token')} spent${left}.` };
	}
	if (!run.error || run.settling || preview?.allowed === false) return null;
	return { kind: 'empty', text: run.error };
}
