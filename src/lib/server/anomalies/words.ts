import type { AnomalyFigures, AnomalyKind } from './rules';
import { counted } from '../../counted';
import { plainFormatter } from '../../refusal-message';

const count = new Intl.NumberFormat('en');

/** "about 40 minutes", "about 1 minute", "about 1 hour", "about 2.5 hours": how long `left` tokens last at `perHour`. */
function lasting(left: number, perHour: number): string {
	const hours = left / perHour;
	if (hours < 1) return `about ${counted(Math.max(1, Math.round(hours * 60)), 'minute', count.format)}`;
	const rounded = Math.round(hours * 10) / 10;
	return `about ${counted(rounded, 'hour', count.format)}`;
}

/**
 * A flag in words, the same in the inbox, the push and the admin's list: the title says what
 * happened to whose tokens, the body the figures that set it off (tokens; hours). A notice is a
 * record of its moment, which the list dates: the tokens left are those left then ("the 1 token left
 * then would last …"), so a bonus or a cap set since does not make it read false.
 */
export function anomalyWords(kind: AnomalyKind, f: AnomalyFigures, who: { teamName: string | null; keyName: string | null }): { title: string; body: string } {
	const whose = who.teamName ? `${who.teamName}'s tokens` : 'your tokens';
	const by = who.keyName ? ` through the key “${who.keyName}”` : '';
	const tokens = (n: number) => counted(n, 'token', plainFormatter.tokens);
	// What the same hour of the last 7 days spent, on average (rounded): "usually 10", "usually nothing".
	const usual = f.baseline > 0 ? `usually ${count.format(f.baseline)}` : 'usually nothing';
	switch (kind) {
		case 'spike': {
			// Going fast too (one event, one notice: rules.ts): how long the tokens left last at this pace.
			const lasts = f.left !== undefined ? ` At this pace the ${tokens(f.left)} ${LEFT_FOR_IT} would last ${lasting(f.left, f.lastHour)}.` : '';
			return { title: `Unusual use of ${whose}${by}`, body: `${tokens(f.lastHour)} in the last hour; ${usual} at this hour.${lasts}` };
		}
		case 'depletion':
			return {
				title: `${cap(whose)} are going fast`,
				// A flag raised before a first burst stopped being flagged (rules.ts) says it had no usual pace to compare.
				body: `At the last hour's pace (${tokens(f.lastHour)} an hour) the ${tokens(f.left ?? 0)} ${LEFT_FOR_IT} would last ${lasting(f.left ?? 0, f.lastHour)}${f.firstUse ? '. There is no earlier use of this account to compare it with.' : `; ${usual}${f.baseline > 0 ? ' an hour' : ''} at this time.`}`
			};
		case 'new_key':
			return { title: `A new key is spending ${whose}`, body: `The key “${who.keyName ?? 'unnamed'}”, made ${plainFormatter.time(new Date(f.keyCreatedAt!).toISOString(), 'UTC')}, used ${tokens(f.lastHour)} in the last hour. If you did not make it, pause it.` };
		case 'refusals':
			return { title: `Many refused requests on ${whose}${by}`, body: `${count.format(f.refusals ?? 0)} of ${count.format(f.operations ?? 0)} requests refused in 10 minutes.` };
	}
}

/**
 * Which tokens "left" counts (check.ts): the dashboard's Available, but of the free allowances only
 * those of the features the use spent on (another feature's allowance cannot pay for it), so it can
 * be less than the dashboard's figure; said so, in the dashboard's words.
 */
const LEFT_FOR_IT = 'left then for this use (Available on the dashboard, counting only the free allowances of the features it used)';

const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);
