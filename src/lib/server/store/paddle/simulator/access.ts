import type { Auth } from '../../../accounts/types';
import { isSiteAdmin } from '../../../accounts/types';
import { DomainError } from '../../../errors';
import { activeSimulator } from '..';
import type { PaddleSimulator } from './simulator';

/** Who may take a simulator action: the buyer of one transaction, or the seller (a site admin). */
export type SimulatorActor = { customerOf: string } | 'seller';

/**
 * The running simulator, if `auth` may act as `who` in it. `not_found` when the simulator is not
 * the live provider; the seller's actions (refund, chargeback, renewal) only for site admins
 * (`forbidden`), as in Paddle's dashboard; a customer's (the checkout sheet, pay, decline) only for
 * the session that started that checkout (`unauthorized` for nobody signed in), and anyone else
 * gets the same `not_found` as for an unknown transaction.
 */
export async function simulatorFor(auth: Auth | null, who: SimulatorActor): Promise<PaddleSimulator> {
	const sim = await activeSimulator();
	if (!sim) throw new DomainError('not_found', 'The Paddle simulator is off.');
	if (who === 'seller') {
		if (!isSiteAdmin(auth)) throw new DomainError('forbidden', 'Only site admins can act as the seller in the Paddle simulator.');
	} else {
		if (!auth) throw new DomainError('unauthorized', 'Sign in as the buyer to use this checkout.');
		if ((await sim.buyerOf(who.customerOf)) !== auth.user.id) throw new DomainError('not_found', `The simulator has no transaction ${who.customerOf}.`);
	}
	return sim;
}
