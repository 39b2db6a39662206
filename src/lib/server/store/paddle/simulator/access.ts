import type { Auth } from '../../../accounts/types';
import { isSiteAdmin } from '../../../accounts/types';
import { DomainError } from '../../../errors';
import { activeSimulator } from '..';
import type { PaddleSimulator } from './simulator';

/**
 * Who may take a simulator action: the buyer of one transaction, or the seller (a site admin).
 * `ticketAccount`: the account of the store ticket the embedded store (/embed/store) holds, for a
 * host site's user, who has no session.
 */
export type SimulatorActor = { customerOf: string; ticketAccount?: string | null } | 'seller';

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
		if (!auth && !who.ticketAccount) throw new DomainError('unauthorized', 'Sign in as the buyer to use this checkout.');
		const buyer = await sim.buyerOf(who.customerOf);
		const mine = buyer && ((auth && buyer.userId === auth.user.id) || (who.ticketAccount && buyer.accountId === who.ticketAccount));
		if (!mine) throw new DomainError('not_found', `The simulator has no transaction ${who.customerOf}.`);
	}
	return sim;
}
