import type { Executor } from '../db/client';
import { recordDomainEvent } from '../domain-events';
import type { AllocationShare } from '../ledger';
import { stageShare, stageTokens, type Stage } from './level';

/**
 * The alerts' domain events, recorded in the evaluation's transaction with the alert itself:
 * `balance.low` once per step crossed (a share step's percent in `threshold_percent`, a token step's
 * number in `threshold_tokens`) and `balance.depleted` once per running out; a re-armed step (the
 * balance recovered) crosses anew. Decided by the stage itself: a token step is no share, and is
 * still a low balance, not a depleted one.
 */
export async function announceStage(tx: Executor, accountId: string, stage: Stage, generation: number, share: AllocationShare): Promise<void> {
	const [percent, tokens] = [stageShare(stage), stageTokens(stage)];
	await recordDomainEvent(tx, {
		type: stage === 'depleted' ? 'balance.depleted' : 'balance.low',
		accountId,
		key: `${accountId}:${stage}:${generation}`,
		data: { ...(percent !== null && { threshold_percent: percent }), ...(tokens !== null && { threshold_tokens: tokens }), tokens_left: share.left, allocation: share.base }
	});
}
