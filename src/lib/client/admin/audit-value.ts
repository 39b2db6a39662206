// An audit entry's values (server admin/audit-words.ts) as the console writes them: figures and
// money in the reader's locale, instants in their time zone, words as they are.
import { dateTime, tokens } from '$lib/client/format';
import { money } from '$lib/money';
import { signedTokens } from '$lib/client/statement-lines';
import type { AuditRow } from '$lib/client/api-types';

export type AuditValue = AuditRow['words']['lines'][number]['value'];

/** "18,620", "+500" or "−200" (a true minus sign, as the statement writes a change), "Dec 3, 2026, 07:58", "$12.50", or the words. */
export function auditValueText(v: AuditValue): string {
	if ('figure' in v) return v.signed ? signedTokens(v.figure) : tokens(v.figure);
	if ('at' in v) return dateTime(v.at);
	if ('cents' in v) return money(v.cents, v.currency);
	return v.text;
}
