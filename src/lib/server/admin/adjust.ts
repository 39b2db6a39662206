import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { queryRows } from '../db/client';
import { auditLog } from '../db/schema';
import { DomainError } from '../errors';
import { audit } from '../accounts';
import { adjustBalance } from '../ledger';
import type { AdminActor } from './audited';

export interface ManualAdjustment {
	accountId: string;
	/** delta: add (+) or take (−) tokens; set: make the general balance exactly this. */
	mode: 'delta' | 'set';
	tokens: number;
	reason: string;
	/** Made by the admin's device: a double tap or a retried request applies once. */
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

const ACTION = 'balance.adjusted';

/**
 * An admin's manual balance change with its audit entry (before/after balance, reason) in the
 * same transaction. The account row is locked first (the ledger takes the same lock again), so
 * the "has this key applied?" look-up and the change cannot interleave with a retry.
 */
export function adjustAccountBalance(db: Db, actor: AdminActor, a: ManualAdjustment): Promise<AdjustmentResult> {
	if (!a.reason.trim()) throw new DomainError('invalid_input', 'A reason is required for a manual adjustment.');
	return db.orm.transaction(async (tx) => {
		const [account] = await queryRows(tx, sql`select id from accounts where id = ${a.accountId}::uuid for update`);
		if (!account) throw new DomainError('not_found', 'No such account.');
		const [earlier] = await tx
			.select({ before: auditLog.before, after: auditLog.after, detail: auditLog.detail })
			.from(auditLog)
			.where(and(eq(auditLog.accountId, a.accountId), eq(auditLog.action, ACTION), sql`${auditLog.detail}->>'key' = ${a.key}`));
		if (earlier) {
			const d = earlier.detail as { mode: string; tokens: number; delta: number };
			if (d.mode !== a.mode || d.tokens !== a.tokens) throw new DomainError('idempotency_key_reused', 'This adjustment key was already used for another change.');
			const before = (earlier.before as { balance: number }).balance;
			const after = (earlier.after as { balance: number }).balance;
			return { delta: d.delta, before, after, replayed: true };
		}
		const r = await adjustBalance(tx, { ...a, reason: a.reason.trim(), actorUserId: actor.userId, key: `${a.accountId}:${a.key}` });
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
			detail: { key: a.key, mode: a.mode, tokens: a.tokens, delta: r.delta, reason: a.reason.trim() }
		});
		return { delta: r.delta, before, after: r.balance, replayed: false };
	});
}
