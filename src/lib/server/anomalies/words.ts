import type { AnomalyFigures, AnomalyKind } from './rules';

const count = new Intl.NumberFormat('en');

/**
 * A flag in words, the same in the inbox, the push and the admin's list: the title says what
 * happened to whose tokens, the body the figures that set it off (tokens; hours).
 */
export function anomalyWords(kind: AnomalyKind, f: AnomalyFigures, who: { teamName: string | null; keyName: string | null }): { title: string; body: string } {
	const whose = who.teamName ? `${who.teamName}’s tokens` : 'your tokens';
	const by = who.keyName ? ` through the key “${who.keyName}”` : '';
	const usual = `${count.format(f.lastHour)} tokens in the last hour; usually ${count.format(f.baseline)} at this hour`;
	switch (kind) {
		case 'spike':
			return { title: `Unusual use of ${whose}${by}`, body: `${usual}.` };
		case 'depletion':
			return { title: `${cap(whose)} are going fast`, body: `At the last hour’s pace (${count.format(f.lastHour)} tokens) the ${count.format(f.left ?? 0)} tokens left last about ${f.hoursLeft} hours; usually ${count.format(f.baseline)} an hour at this time.` };
		case 'new_key':
			return { title: `A new key is spending ${whose}`, body: `The key “${who.keyName ?? 'unnamed'}”, made ${new Date(f.keyCreatedAt!).toUTCString().slice(5, 22)} UTC, used ${count.format(f.lastHour)} tokens in the last hour. If you did not make it, pause it.` };
		case 'refusals':
			return { title: `Many refused requests on ${whose}${by}`, body: `${count.format(f.refusals ?? 0)} of ${count.format(f.operations ?? 0)} requests refused in 10 minutes.` };
	}
}

const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);
