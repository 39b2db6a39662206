import { auditLog } from '../db/schema';
import type { Executor } from '../db';

export interface AuditEntry {
	/** What happened, dotted: `auth.signin`, `auth.signin_failed`, `team.role_changed`, `key.created`, … */
	action: string;
	actorUserId?: string | null;
	actorKeyId?: string | null;
	targetType?: string | null;
	targetId?: string | null;
	accountId?: string | null;
	ip?: string | null;
	before?: unknown;
	after?: unknown;
	detail?: unknown;
	/** When it happened, for history loaded after the fact (the demo's backdated team); default: now. */
	at?: Date;
}

/**
 * Appends one row to the audit log (a trigger rejects UPDATE and DELETE on it).
 * Pass the transaction that makes the change, so the record and the change commit together.
 */
export async function audit(exec: Executor, entry: AuditEntry): Promise<void> {
	await exec.insert(auditLog).values({
		action: entry.action,
		actorUserId: entry.actorUserId ?? null,
		actorKeyId: entry.actorKeyId ?? null,
		targetType: entry.targetType ?? null,
		targetId: entry.targetId ?? null,
		accountId: entry.accountId ?? null,
		ip: validIp(entry.ip),
		before: entry.before ?? null,
		after: entry.after ?? null,
		detail: entry.detail ?? null,
		...(entry.at && { at: entry.at })
	});
}

/** The column is `inet`: a malformed address (from a proxy header) is dropped, not fatal. */
function validIp(ip: string | null | undefined): string | null {
	if (!ip) return null;
	return /^[0-9a-fA-F:.]{2,45}$/.test(ip) ? ip : null;
}
