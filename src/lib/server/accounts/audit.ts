import { sql } from 'drizzle-orm';
import { auditLog } from '../db/schema';
import { queryRows, type Executor } from '../db/client';

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
	'user.email_confirmed',
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
	'unlimited.granted',
	'unlimited.ended',
	'lot.ended',
	'bonus.granted',
	'balance.adjusted',
	'campaign.created',
	'campaign.applied',
	'campaign.ended',
	'campaign.expiry_changed',
	'cap.set',
	'cap.lowered_from_flag',
	'cap.set_own',
	'site.settings_updated',
	'allowance.set',
	'limits.module_saved',
	'limits.rollover_saved',
	'rates.feature_saved',
	'rates.feature_removed',
	'rates.module_removed',
	'rates.module_saved',
	'rates.model_saved',
	'rates.model_removed',
	'referrals.settings_saved',
	'store.product_created',
	'store.product_updated',
	'store.product_deleted',
	'store.products_reordered',
	'store.subscription_cancel_asked',
	'store.subscription_keep_asked',
	'store.purchase_completed',
	'store.purchase_refunded',
	'store.purchase_charged_back',
	'store.purchase_partly_refunded',
	'store.purchase_credited',
	'store.credit_reversed',
	'store.chargeback_reversed',
	'store.chargeback_warned',
	'store.chargeback_warning_withdrawn',
	'webhook_endpoint.create',
	'webhook_endpoint.update',
	'webhook_endpoint.delete',
	'webhook_endpoint.disabled',
	'webhook_endpoint.secret_rotated',
	'webhook_endpoint.test_sent',
	'webhook_delivery.redeliver',
	'webhook_delivery.retry_now',
	'job.run_now'
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
 * What an entry's actor was when it was written (`audit_log.actor_kind`; the audit log's badge): a site admin,
 * a user, an API key, or Quota itself (`system`).
 */
export type ActorKind = 'admin' | 'user' | 'key' | 'system';

/** The actions only the console writes (site admins' procedures): whoever wrote one acted as a site admin, even on their own account. */
const CONSOLE_ACTIONS: ReadonlySet<AuditAction> = new Set<AuditAction>([
	'user.role_changed', 'user.disabled', 'user.enabled', 'role.created', 'role.updated', 'role.deleted',
	'bonus.granted', 'balance.adjusted', 'campaign.created', 'campaign.applied', 'campaign.ended', 'campaign.expiry_changed', 'cap.set',
	'site.settings_updated', 'allowance.set', 'limits.module_saved', 'limits.rollover_saved',
	'rates.feature_saved', 'rates.feature_removed', 'rates.module_saved', 'rates.module_removed', 'rates.model_saved', 'rates.model_removed', 'referrals.settings_saved',
	'store.product_created', 'store.product_updated', 'store.product_deleted', 'store.products_reordered',
	'webhook_endpoint.create', 'webhook_endpoint.update', 'webhook_endpoint.delete', 'webhook_endpoint.secret_rotated', 'webhook_delivery.redeliver', 'job.run_now'
]);

/** A person's doings on their own membership of a team, theirs even once they are no longer in it. */
const OWN_MEMBERSHIP: ReadonlySet<AuditAction> = new Set<AuditAction>(['team.member_joined', 'team.member_left']);

/** What the actor of an entry was, as it is written. */
export interface ActorFacts {
	action: AuditAction;
	actorUserId: string | null;
	actorKeyId: string | null;
	ip: string | null;
	/** The entry's account is the actor's own, or the pool of a team they are in, as the entry is written. */
	ownAccount: boolean;
}

/**
 * The actor's kind: an API key; a person, as a site admin for what only the console does and for
 * anything they did to the site's setup (no account) or to an account not theirs (only the console
 * lets anyone), else as a user; Quota itself (the schedule, a payment provider, the demo seed) when
 * neither a person nor a key and no request wrote it. Someone not signed in (a failed sign-in) has
 * none: the log's By line says so.
 */
export function actorKind(e: ActorFacts): ActorKind | null {
	if (e.actorKeyId) return 'key';
	if (!e.actorUserId) return e.ip ? null : 'system';
	if (CONSOLE_ACTIONS.has(e.action)) return 'admin';
	return e.ownAccount || OWN_MEMBERSHIP.has(e.action) ? 'user' : 'admin';
}

/** `accountId` is the user's own account or the pool of a team they are in now (in the transaction writing the entry). */
async function isOwnAccount(exec: Executor, userId: string, accountId: string): Promise<boolean> {
	const [row] = await queryRows<{ own: boolean }>(exec, sql`
		select exists (select 1 from users where id = ${userId}::uuid and account_id = ${accountId}::uuid)
		    or exists (select 1 from teams t join team_members m on m.team_id = t.id where t.account_id = ${accountId}::uuid and m.user_id = ${userId}::uuid) as own`);
	return row!.own;
}

/**
 * Appends one row to the audit log (a trigger rejects UPDATE and DELETE on it), with what its actor was
 * at this moment (`actorKind`): the log reads that, not today's memberships, so what someone did in a
 * team they have since left still reads as a user's. Pass the transaction that makes the change, so
 * the record and the change commit together.
 */
export async function audit(exec: Executor, entry: AuditEntry): Promise<void> {
	const actorUserId = entry.actorUserId ?? null;
	const actorKeyId = entry.actorKeyId ?? null;
	const ip = validIp(entry.ip);
	const ownAccount = !!actorUserId && !actorKeyId && !!entry.accountId && (await isOwnAccount(exec, actorUserId, entry.accountId));
	await exec.insert(auditLog).values({
		action: entry.action,
		actorUserId,
		actorKeyId,
		actorKind: actorKind({ action: entry.action, actorUserId, actorKeyId, ip, ownAccount }),
		targetType: entry.targetType ?? null,
		targetId: entry.targetId ?? null,
		accountId: entry.accountId ?? null,
		ip,
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
