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

/**
 * What an entry is about when neither its account nor its user line says it: the role's key, the
 * package's or module's id, the endpoint's URL, or the e-mail address of an invitation (with the
 * role it offers) or of a sign-in that matched nobody. Null when the other lines say it all.
 */
export function auditSubject(r: { targetType: string | null; targetId: string | null; detail?: unknown; user?: unknown }): { label: string; text: string } | null {
	const d = isRecord(r.detail) ? r.detail : {};
	if (typeof d.email === 'string' && !r.user) return { label: 'Email', text: typeof d.role === 'string' ? `${d.email} · as ${d.role}` : d.email };
	if (r.targetId && r.targetType === 'role') return { label: 'Role key', text: r.targetId };
	if (r.targetId && r.targetType === 'product') return { label: 'Package', text: r.targetId };
	if (r.targetId && r.targetType === 'module') return { label: 'Module', text: r.targetId };
	if (r.targetType === 'webhook_endpoint' && typeof d.url === 'string') return { label: 'Endpoint', text: d.url };
	return null;
}
