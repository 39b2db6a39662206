// An audit entry's before and after as the rows a person reads: each field that one of them has,
// with its value before and after (unchanged fields left out when both sides are objects).

export interface FieldChange {
	field: string;
	before: string;
	after: string;
}

const shown = (v: unknown): string => (v === undefined || v === null ? '—' : typeof v === 'string' ? v : JSON.stringify(v));
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function auditChanges(before: unknown, after: unknown): FieldChange[] {
	if (before == null && after == null) return [];
	if (!isRecord(before) && !isRecord(after)) return [{ field: 'value', before: shown(before), after: shown(after) }];
	const b = isRecord(before) ? before : {};
	const a = isRecord(after) ? after : {};
	const fields = [...new Set([...Object.keys(b), ...Object.keys(a)])];
	return fields
		.filter((f) => !(isRecord(before) && isRecord(after)) || JSON.stringify(b[f]) !== JSON.stringify(a[f]))
		.map((f) => ({ field: f, before: shown(b[f]), after: shown(a[f]) }));
}

/** The reason or note an admin gave, when the entry's detail has one. */
export function auditReason(detail: unknown): string | null {
	if (!isRecord(detail)) return null;
	const r = detail.reason ?? detail.note;
	return typeof r === 'string' && r.trim() ? r : null;
}
