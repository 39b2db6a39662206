import { auditLog } from '../db/schema';
import type { Executor } from '../db';

/**
 * Every action the code writes to the audit log, dotted (`auth.signin`, `team.role_changed`, …):
 * `audit()` takes no other, and the console words each one (admin/audit-words.ts; a unit test goes
 * through this list, so a new action without words fails it).
 */
export const AUDIT_ACTIONS = [
	'auth.signup',
	'auth.signin',
	'auth.signin_failed',
	'auth.current_password_failed',
	'auth.signout',
	'auth.signout_everywhere',
	'auth.password_reset_requested',
	'auth.password_reset',
	'user.name_changed',
	'user.email_changed',
	'user.password_changed',
	'user.role_changed',
	'user.disabled',
	'user.enabled',
	'role.created',
	'role.updated',
	'role.deleted',
	'key.created',
	'key.revoked',
	'key.paused',
	'key.resumed',
	'team.created',
	'team.renamed',
	'team.invited',
	'team.invite_revoked',
	'team.invite_resent',
	'team.member_joined',
	'team.role_changed',
	'team.member_removed',
	'team.member_left',
	'team.cap_set',
	'ledger.grant',
	'bonus.granted',
	'balance.adjusted',
	'campaign.created',
	'campaign.applied',
	'cap.set',
	'cap.lowered_from_flag',
	'cap.set_own',
	'site.settings_updated',
	'allowance.set',
	'limits.module_saved',
	'limits.rollover_saved',
	'rates.feature_saved',
	'rates.module_saved',
	'rates.model_saved',
	'referrals.settings_saved',
	'store.product_created',
	'store.product_updated',
	'store.products_reordered',
	'store.subscription_cancel_asked',
	'store.subscription_keep_asked',
	'webhook_endpoint.create',
	'webhook_endpoint.update',
	'webhook_endpoint.delete',
	'webhook_endpoint.disabled',
	'webhook_delivery.redeliver'
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
	/** What happened (one of AUDIT_ACTIONS). */
	action: AuditAction;
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
 * Who an entry credits: a person (their user and address), a key (its id and the request's address),
 * or Quota itself, no person (`via` says how: `demo data`; no user, key or address).
 */
export type AuditActor = { userId: string; ip: string | null } | { keyId: string; ip: string | null } | { via: string };

/** Who changes the site's setup (settings, rates, limits, caps, packages): a site admin, or Quota itself (the demo seed). */
export type SetupActor = Exclude<AuditActor, { keyId: string }>;

/**
 * The entry's actor columns for `by`, with `detail` (an object or null): Quota's adds `detail.via`
 * (to the detail's own fields), as the audit page reads it ("By Quota (demo data)").
 */
export function creditTo(by: AuditActor, detail: object | null = null): Pick<AuditEntry, 'actorUserId' | 'actorKeyId' | 'ip' | 'detail'> {
	if ('via' in by) return { detail: { ...detail, via: by.via } };
	return { ...('userId' in by ? { actorUserId: by.userId } : { actorKeyId: by.keyId }), ip: by.ip, detail };
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
