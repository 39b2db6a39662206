import type { JobDefinition } from '../schedule';
import { deliverDue, type DeliveryOptions } from './deliver';

/**
 * The schedule's webhook sender: every 2 seconds, in whichever process claims it, sends what is
 * due until nothing is (the deliveries themselves are leased, so a run cut
 * short loses nothing: their leases expire and the next run sends them).
 */
export function webhookDeliveryJob(opts: Omit<DeliveryOptions, 'signal'> = {}): JobDefinition {
	return {
		name: 'webhooks.deliver',
		everySeconds: 2,
		leaseSeconds: 60,
		run: ({ db, signal }) => deliverDue(db, { ...opts, signal })
	};
}
