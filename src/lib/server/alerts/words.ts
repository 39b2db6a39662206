import { stageShare, stageTokens, type Stage } from './level';
import { counted } from '../../counted';
import { plainFormatter } from '../../refusal-message';
import { percentText } from '../../percent';

/**
 * The step a low-balance alert names, after "dropped below" (or "was already below"): a share of the
 * allocation (the reader's own, or a team pool's: `team`), or a number of tokens.
 */
export function stepWords(stage: Stage, team: boolean): string {
	const share = stageShare(stage);
	if (share !== null) return `${percentText(share)} of ${team ? 'its' : 'your'} allocation (the tokens granted plus the free allowances)`;
	return counted(stageTokens(stage) ?? 0, 'token', plainFormatter.tokens);
}

/** A step in brief, as a mail's subject names it: "20%", "500 tokens". */
export function stepShort(stage: Stage): string {
	const share = stageShare(stage);
	return share !== null ? percentText(share) : counted(stageTokens(stage) ?? 0, 'token', plainFormatter.tokens);
}

/** The short form of a step, as a badge shows it: "Below 20%", "Below 500 tokens", "Out of tokens". */
export function stepBadge(stage: Stage): string {
	return stage === 'depleted' ? 'Out of tokens' : `Below ${stepShort(stage)}`;
}

/**
 * A push notification's words for an alert: the title says whose available tokens passed which
 * step, the body how many are available (tokens, whole).
 */
export function pushWords(who: { teamName: string | null }, stage: Stage, left: number): { title: string; body: string } {
	const subject = who.teamName ?? 'You';
	const verb = who.teamName ? 'is' : 'are';
	if (stage === 'depleted') {
		return { title: `${subject} ${verb} out of tokens`, body: 'Features that need tokens stop until more are added or an allowance resets. Tap to see the balance.' };
	}
	// The steps are on the dashboard's Available: named so, whatever the step (not "running low" at 80%).
	return { title: `${who.teamName ? `${who.teamName}'s available tokens` : 'Your available tokens'} dropped below ${stepShort(stage)}`, body: `${counted(left, 'token', plainFormatter.tokens)} available now. Tap to see the dashboard.` };
}
