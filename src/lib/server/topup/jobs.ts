import { z } from 'zod';
import type { JobDefinition } from '../schedule';
import { paymentProvider } from '../store';
import { CHARGE_JOB, checkTopups } from './claim';
import { chargeTopup } from './charge';

const chargePayload = z.object({ topupId: z.uuid() });

/**
 * The schedule's auto top-up work: `topup.charge` (one-off, queued by a claim: charges or sends the
 * notice) and `topup.check` (every minute: every rule on, for crossings a process missed, a
 * cooldown that ended and a new month that lifts a cap).
 */
export function topupJobs(): JobDefinition[] {
	return [
		{ name: CHARGE_JOB, leaseSeconds: 120, run: async ({ db, payload }) => chargeTopup(db, chargePayload.parse(payload).topupId, await paymentProvider()) },
		{ name: 'topup.check', everySeconds: 60, run: ({ db }) => checkTopups(db) }
	];
}
