import type { z } from 'zod';
import { requireAccessById } from '../accounts';
import type { Executor } from '../db/client';
import { holdAccount, type SettleResult } from '../ledger';
import { endpoint, replayHeaders } from './handler';
import { holdParams } from './schemas';
import { paidByBody } from './shapes';

type CloseHold<B> = (exec: Executor, holdId: string, body: B, idempotency: { scope: string; key: string | null }) => Promise<SettleResult>;

/**
 * `POST /api/v1/holds/{id}/settle` and `/release`: the caller's own hold (someone else's is
 * answered exactly like an unknown id), closed at most once per Idempotency-Key; answers
 * `{cost, released, paid_by, remaining}` in tokens.
 */
export function closeHoldEndpoint<B extends z.ZodType>(body: B, close: CloseHold<z.infer<B>>) {
	return endpoint({
		auth: 'key-or-session',
		scope: 'consume',
		params: holdParams,
		body,
		idempotencyKey: 'optional',
		metered: true,
		handle: async (ctx) => {
			await requireAccessById(ctx.db, ctx.key ?? ctx.session, await holdAccount(ctx.db.orm, ctx.params.id), 'spend', 'No such hold.');
			const r = await close(ctx.db.orm, ctx.params.id, ctx.body, ctx.idempotency);
			return { body: { cost: r.cost, released: r.released, paid_by: paidByBody(r.paidBy), remaining: r.remaining }, headers: replayHeaders(r.replayed) };
		}
	});
}
