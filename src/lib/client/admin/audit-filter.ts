// The audit log's filters as a link or a reload brings them (/admin/audit?action=…&from=…): what the
// server would refuse is said beside its field, in the server's words naming the field as the page
// labels it, and the log is not asked (its 400 was a console error under a "Try again" that could
// never work). Typed values cannot go wrong but one: the searches stop at their maxlength, Action
// is a select and the dates are date pickers, but From may be picked after To (said beside To, and
// nothing asked: the log would answer "No entry matches these filters." with no word of why).
import { ACTION_MAX, SEARCH_MAX } from '$lib/search-text';
import { dayRule, isDay } from '$lib/day-text';
import { dayRangeError } from '../day-range';
import { counted } from '$lib/counted';
import { tooLongWords } from './room-left';

/** The filters as the page's URL names them (`actor` is Who). */
export interface AuditFilterText {
	actor: string;
	action: string;
	account: string;
	from: string;
	to: string;
}

/** What is wrong with each filter (null where nothing is), by the page's field. */
export interface AuditFilterSlips {
	who: string | null;
	action: string | null;
	account: string | null;
	from: string | null;
	to: string | null;
}

const notADay = (label: string, text: string) => (text && !isDay(text) ? `${dayRule(label, text)} Pick a date to filter by.` : null);

export function auditFilterSlips(f: AuditFilterText): AuditFilterSlips {
	const action = f.action.trim();
	return {
		who: tooLongWords('Who', f.actor.trim(), SEARCH_MAX),
		action: action.length > ACTION_MAX ? `Action must be text of at most ${counted(ACTION_MAX, 'character')}; this is ${counted(action.length, 'character')}. Choose an action from the list.` : null,
		account: tooLongWords('Account', f.account.trim(), SEARCH_MAX),
		from: notADay('From', f.from),
		to: notADay('To', f.to) ?? (isDay(f.from) && isDay(f.to) ? dayRangeError(f.from, f.to, 'entries') : null)
	};
}

/** Whether any filter is one the server would refuse (then nothing is asked). */
export const anySlip = (s: AuditFilterSlips): boolean => Object.values(s).some(Boolean);
