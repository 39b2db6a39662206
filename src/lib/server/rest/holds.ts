import type { z } from 'zod';
import { requireAccessById } from '../accounts';
import type { Executor } from '../db/client';
import { holdAccount, type SettleResult } from '../ledger';
import { endpoint, replayHeaders } from './handler';
import { holdParams } from './schemas';
import { paidByBody } from './shapes';

type CloseHold<B> = (exec: Executor, holdId: string, body: B, idempotency: { scope: string; key: string | null }) => Promise<SettleResult>;

/**
 * `POST /api/v1/holds/{hold_id}/settle` and `/release`: the caller's own hold (someone else's is
 * answered exactly like an unknown id; one a signed-in user opened on a team's pool stays theirs to close
 * after they leave the team), closed at most once per Idempotency-Key; answers
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
			const hold = await holdAccount(ctx.db.orm, ctx.params.hold_id);
			// Signed in, who opened a hold closes it even after leaving the team whose pool it holds: its use was
			// made while they were in it. Refused, the hold would run out and give the pool back what was used.
			const theirs = !ctx.key && ctx.session !== null && hold?.openedBy === ctx.session.user.id;
			if (!theirs) await requireAccessById(ctx.db, ctx.key ?? ctx.session, hold?.accountId ?? null, 'spend', 'No such hold.');
			const r = await close(ctx.db.orm, ctx.params.hold_id, ctx.body, ctx.idempotency);
			return { body: { cost: r.cost, released: r.released, paid_by: paidByBody(r.paidBy), remaining: r.remaining }, headers: replayHeaders(r.replayed) };
		}
	});
}
