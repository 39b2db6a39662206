import type { AnomalyFigures, AnomalyKind } from './rules';

const count = new Intl.NumberFormat('en');
/** "Dec 1, 2026, 22:09" as the app writes a moment (lib/client/format.ts), in UTC: the words are the same for everyone. */
const moment = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC' });

/** "about 40 minutes", "about 1 hour", "about 2.5 hours": how long `left` tokens last at `perHour`. */
function lasting(left: number, perHour: number): string {
	const hours = left / perHour;
	if (hours < 1) return `about ${Math.max(1, Math.round(hours * 60))} minutes`;
	const rounded = Math.round(hours * 10) / 10;
	return `about ${rounded} ${rounded === 1 ? 'hour' : 'hours'}`;
}

/**
 * A flag in words, the same in the inbox, the push and the admin's list: the title says what
 * happened to whose tokens, the body the figures that set it off (tokens; hours).
 */
export function anomalyWords(kind: AnomalyKind, f: AnomalyFigures, who: { teamName: string | null; keyName: string | null }): { title: string; body: string } {
	const whose = who.teamName ? `${who.teamName}'s tokens` : 'your tokens';
	const by = who.keyName ? ` through the key “${who.keyName}”` : '';
	const baseline = f.baseline > 0 ? `usually ${count.format(f.baseline)}` : 'usually none';
	switch (kind) {
		case 'spike': {
			// Going fast too (one event, one notice: rules.ts): how long the tokens left last at this pace.
			const lasts = f.left !== undefined ? ` At this pace the ${count.format(f.left)} tokens left last ${lasting(f.left, f.lastHour)}.` : '';
			return { title: `Unusual use of ${whose}${by}`, body: `${count.format(f.lastHour)} tokens in the last hour; ${baseline} at this hour.${lasts}` };
		}
		case 'depletion':
			return {
				title: `${cap(whose)} are going fast`,
				body: `At the last hour's pace (${count.format(f.lastHour)} tokens an hour) the ${count.format(f.left ?? 0)} tokens left last ${lasting(f.left ?? 0, f.lastHour)}; ${baseline} an hour at this time.`
			};
		case 'new_key':
			return { title: `A new key is spending ${whose}`, body: `The key “${who.keyName ?? 'unnamed'}”, made ${moment.format(new Date(f.keyCreatedAt!))} UTC, used ${count.format(f.lastHour)} tokens in the last hour. If you did not make it, pause it.` };
		case 'refusals':
			return { title: `Many refused requests on ${whose}${by}`, body: `${count.format(f.refusals ?? 0)} of ${count.format(f.operations ?? 0)} requests refused in 10 minutes.` };
	}
}

const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);
