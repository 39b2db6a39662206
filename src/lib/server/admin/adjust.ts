import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { queryRows } from '../db/client';
import { auditLog } from '../db/schema';
import { DomainError } from '../errors';
import { requestHash } from '../idempotency';
import { audit, type AuditAction } from '../accounts';
import { adjustBalance } from '../ledger';
import { noticeCredit } from '../alerts';
import type { AdminActor } from './audited';

export interface ManualAdjustment {
	accountId: string;
	/** delta: add (+) or take (−) tokens; set: make the general balance exactly this. */
	mode: 'delta' | 'set';
	tokens: number;
	reason: string;
	/** Made by the admin's device: a double tap or a retried request applies once; the same key with another change is refused. */
	key: string;
}

export interface AdjustmentResult {
	delta: number;
	/** The account's general balance before and after. */
	before: number;
	after: number;
	/** True when this key had already applied: nothing new happened. */
	replayed: boolean;
}

const ACTION: AuditAction = 'balance.adjusted';

/**
 * An admin's manual balance change with its audit entry (before/after balance, reason) in the
 * same transaction, and the account's people told of it with the reason (alerts `noticeCredit`).
 * The account row is locked first (the ledger takes the same lock again), so the "has this key
 * applied?" look-up and the change cannot interleave with a retry.
 * A key belongs to the admin who sent it: one key = one change (account, mode, tokens, reason);
 * the same change again answers the first result (`replayed`), another is `idempotency_key_reused`.
 */
export function adjustAccountBalance(db: Db, actor: AdminActor, a: ManualAdjustment): Promise<AdjustmentResult> {
	const reason = a.reason.trim();
	if (!reason) throw new DomainError('invalid_input', 'A reason is required for a manual adjustment.');
	const hash = requestHash(['adjust', a.accountId, a.mode, a.tokens, reason]);
	return db.orm.transaction(async (tx) => {
		const [account] = await queryRows(tx, sql`select id from accounts where id = ${a.accountId}::uuid for update`);
		if (!account) throw new DomainError('not_found', 'No such account.');
		const [earlier] = await tx
			.select({ before: auditLog.before, after: auditLog.after, detail: auditLog.detail })
			.from(auditLog)
			.where(and(eq(auditLog.actorUserId, actor.userId), eq(auditLog.action, ACTION), sql`${auditLog.detail}->>'key' = ${a.key}`));
		if (earlier) {
			const d = earlier.detail as { hash: string; delta: number };
			if (d.hash !== hash) throw new DomainError('idempotency_key_reused', 'This adjustment key was already used for another change.');
			const before = (earlier.before as { balance: number }).balance;
			const after = (earlier.after as { balance: number }).balance;
			return { delta: d.delta, before, after, replayed: true };
		}
		const r = await adjustBalance(tx, { ...a, reason, actorUserId: actor.userId, key: `${a.accountId}:${a.key}` });
		const before = r.balance - r.delta;
		await audit(tx, {
			action: ACTION,
			actorUserId: actor.userId,
			targetType: 'account',
			targetId: a.accountId,
			accountId: a.accountId,
			ip: actor.ip,
			before: { balance: before },
			after: { balance: r.balance },
			detail: { key: a.key, hash, mode: a.mode, tokens: a.tokens, delta: r.delta, reason }
		});
		await noticeCredit(tx, { change: { kind: 'balance_corrected', tokens: r.delta }, accountId: a.accountId, note: reason, key: `${actor.userId}:${a.key}` });
		return { delta: r.delta, before, after: r.balance, replayed: false };
	});
}
