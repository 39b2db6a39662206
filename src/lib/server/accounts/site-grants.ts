import type { Db } from '../db';
import { DomainError } from '../errors';
import { grant, type GrantResult } from '../ledger';
import { audit } from './audit';
import { targetAccount, type Target } from './scope';
import type { ApiKeyAuth } from './types';

/** What a host site grants one of its users or teams (REST `POST /api/v1/grants`). */
export interface SiteGrant {
	target: Pick<Target, 'user' | 'team'>;
	/** Whole tokens, ≥ 1. */
	tokens: number;
	source: 'bonus' | 'referral' | 'event' | 'admin';
	model?: string | null;
	/** ISO 8601 with offset, in the future; null: never expires. */
	expiresAt?: string | null;
	note?: string | null;
	/** The caller's Idempotency-Key: the same key grants once, and answers the first grant again. */
	idempotencyKey: string;
}

/**
 * A site key grants tokens to a user (created on first sight) or team, and the audit log records
 * it in the same transaction: both commit, or neither. Only site keys grant (`forbidden`); an
 * account key could otherwise mint its own tokens. A replay (`created: false`) writes no audit row.
 */
export async function grantWithSiteKey(db: Db, key: ApiKeyAuth, g: SiteGrant, ip: string | null): Promise<GrantResult> {
	if (key.kind !== 'site') throw new DomainError('forbidden', 'Only a site key can grant tokens.');
	const accountId = await targetAccount(db, key, g.target, 'spend');
	return db.orm.transaction(async (tx) => {
		const result = await grant(tx, {
			accountId,
			tokens: g.tokens,
			source: g.source,
			model: g.model,
			expiresAt: g.expiresAt ? new Date(g.expiresAt) : null,
			note: g.note,
			grantKey: `api:${key.keyId}:${g.idempotencyKey}`,
			actor: { keyId: key.keyId }
		});
		if (result.created) {
			await audit(tx, {
				action: 'ledger.grant',
				actorKeyId: key.keyId,
				targetType: 'lot',
				targetId: result.lotId,
				accountId,
				ip,
				after: { tokens: g.tokens, source: g.source, model: g.model ?? null, expires_at: g.expiresAt ?? null, note: g.note ?? null }
			});
		}
		return result;
	});
}
