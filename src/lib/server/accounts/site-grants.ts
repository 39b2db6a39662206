import type { Db, Executor } from '../db';
import { DomainError } from '../errors';
import { endLot, grant, type EndedLot, type EndLotRequest, type GrantRequest, type GrantResult } from '../ledger';
import { audit, creditTo, type AuditActor } from './audit';
import { onTargetAccount, type Target } from './scope';
import { isTransaction } from '../db/notices';
import type { ApiKeyAuth } from './types';
import { PAID_SOURCES } from '../../lot-end';

/** What a host site grants one of its users or teams (REST `POST /api/v1/grants`). */
export interface SiteGrant {
	target: Pick<Target, 'user' | 'team'>;
	/** Whole tokens, ≥ 1; absent with `unlimited`. */
	tokens?: number;
	/** Unlimited use instead of tokens (the lot holds none). */
	unlimited?: boolean;
	source: 'bonus' | 'referral' | 'event' | 'admin';
	model?: string | null;
	/** ISO 8601 with offset, in the future; null: never expires. */
	expiresAt?: string | null;
	note?: string | null;
	/** The caller's Idempotency-Key: the same key grants once, and answers the first grant again. */
	idempotencyKey: string;
}

/**
 * A site key grants tokens to a user (made on first sight, kept only when the grant is made) or team, and the audit log records
 * it in the same transaction: both commit, or neither. Only site keys with the `grant` scope grant
 * (`forbidden`): an account key could otherwise mint its own tokens, and a metering key (`consume`)
 * give anyone any number. A replay (`created: false`) writes no audit row.
 */
export async function grantWithSiteKey(db: Db, key: ApiKeyAuth, g: SiteGrant, ip: string | null): Promise<GrantResult> {
	if (key.kind !== 'site') throw new DomainError('forbidden', 'Only a site key can grant tokens.');
	return onTargetAccount(db, key, g.target, 'grant', (exec, accountId) => {
		const lot = { accountId, tokens: g.tokens ?? 0, unlimited: g.unlimited ?? false, source: g.source, model: g.model, expiresAt: g.expiresAt ? new Date(g.expiresAt) : null, note: g.note };
		const run = (tx: Executor) => auditedGrant(tx, { ...lot, grantKey: `api:${key.keyId}:${g.idempotencyKey}` }, { keyId: key.keyId, ip });
		// A user not seen before is made in a transaction already, which the grant joins.
		return isTransaction(exec) ? run(exec) : db.orm.transaction(run);
	});
}

/**
 * A site key ends a lot of any account now (`POST /api/v1/grants/{lot_id}/end`), audited in the same
 * transaction: unlimited use, or the tokens left in a lot not paid for (what a site grants: a bonus, a
 * referral's, an event's), which expire now, as a site admin ends one from the console. Paid lots are
 * refused (`conflict`): a refund through Paddle takes them back. Only site keys (`forbidden`), as only
 * they grant. The host site tells its own users (the `lot.expired` webhook, `ended: true`), as it does
 * of its grants. Errors: those of ledger `endLot` (not_found, conflict, the key's refusals).
 */
export function endWithSiteKey(db: Db, key: ApiKeyAuth, lotId: string, idempotency: { scope: string; key: string | null }, ip: string | null): Promise<EndedLot> {
	if (key.kind !== 'site') throw new DomainError('forbidden', 'Only a site key can end a grant.');
	return db.orm.transaction((tx) => auditedEnd(tx, { lotId, actor: { keyId: key.keyId }, idempotency, paidSources: PAID_SOURCES }, { keyId: key.keyId, ip }));
}

/**
 * Ends a lot (ledger `endLot`) and records it in the audit log in the same transaction `tx`: `unlimited.ended`
 * (its model and note, and its end before and now) or, for a lot of tokens, `lot.ended` (the tokens that
 * expired too); a replayed key writes no entry.
 */
export async function auditedEnd(tx: Executor, e: EndLotRequest, by: AuditActor): Promise<EndedLot> {
	const r = await endLot(tx, e);
	if (!r.replayed) {
		await audit(tx, {
			action: r.unlimited ? 'unlimited.ended' : 'lot.ended',
			...creditTo(by, r.unlimited ? { model: r.model, note: r.note } : { tokens: r.tokens, model: r.model, note: r.note }),
			targetType: 'lot',
			targetId: r.lotId,
			accountId: r.accountId,
			before: { expiresAt: r.previousExpiry },
			after: { expiresAt: r.endedAt }
		});
	}
	return r;
}

/**
 * Who grants, as the audit entry records them: a site admin in the console, a site key (from the
 * request's address), or Quota itself, no person (`via` says how: `demo data`).
 */
export type Granter = AuditActor;

/**
 * Grants one lot and records it in the audit log (`ledger.grant`, or `unlimited.granted` for
 * unlimited use: the lot as granted) in the same transaction `tx`, dated as the grant (a backdated
 * one, `effectiveAt`, too); a replay of the grant key (`created: false`) writes no entry.
 */
export async function auditedGrant(tx: Executor, g: Omit<GrantRequest, 'actor'>, by: Granter): Promise<GrantResult> {
	const actor = 'keyId' in by ? { keyId: by.keyId } : 'userId' in by ? { userId: by.userId } : undefined;
	const result = await grant(tx, { ...g, actor });
	if (result.created) {
		await audit(tx, {
			action: g.unlimited ? 'unlimited.granted' : 'ledger.grant',
			...creditTo(by),
			targetType: 'lot',
			targetId: result.lotId,
			accountId: g.accountId,
			after: {
				tokens: g.tokens,
				...(g.unlimited && { unlimited: true }),
				source: g.source,
				model: g.model ?? null,
				expires_at: g.expiresAt?.toISOString() ?? null,
				note: g.note ?? null
			},
			at: g.effectiveAt
		});
	}
	return result;
}
