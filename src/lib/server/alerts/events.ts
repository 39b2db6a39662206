import type { Executor } from '../db/client';
import { recordDomainEvent } from '../domain-events';
import type { AllocationShare } from '../ledger';
import { stageShare, type Stage } from './level';

/**
 * The alerts' domain events, recorded in the evaluation's transaction with the alert itself:
 * `balance.low` once per step crossed (its share in `threshold_percent`) and `balance.depleted`
 * once per running out; a re-armed step (the balance recovered) crosses anew.
 */
export async function announceStage(tx: Executor, accountId: string, stage: Stage, generation: number, share: AllocationShare): Promise<void> {
	const percent = stageShare(stage);
	await recordDomainEvent(tx, {
		type: percent === null ? 'balance.depleted' : 'balance.low',
		accountId,
		key: `${accountId}:${stage}:${generation}`,
		data: { ...(percent === null ? {} : { threshold_percent: percent }), tokens_left: share.left, allocation: share.base }
	});
}
