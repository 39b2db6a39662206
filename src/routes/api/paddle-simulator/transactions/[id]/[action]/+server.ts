import type { RequestHandler } from './$types';
import { customerOf, simulatorAction } from '$lib/server/http/simulator';
import { errorResponse } from '$lib/server/http/refusals';
import { DomainError } from '$lib/server/errors';

/** The customer pays or is declined in the checkout sheet; the seller refunds (in whole or in part, `{ cents }`), or a bank disputes. */
export const POST: RequestHandler = async (event) => {
	const id = event.params.id;
	switch (event.params.action) {
		case 'pay':
			return simulatorAction(event, await customerOf(event, id), (sim) => sim.pay(id));
		case 'decline':
			return simulatorAction(event, await customerOf(event, id), (sim) => sim.decline(id));
		case 'refund':
			return simulatorAction(event, 'seller', (sim) => sim.refund(id));
		case 'refund-part':
			// The amount is the body's `cents` (minor units), read once the seller is known; anything else is no amount.
			return simulatorAction(event, 'seller', async (sim) => {
				const body = (await event.request.json().catch(() => null)) as { cents?: unknown } | null;
				return sim.refundPart(id, typeof body?.cents === 'number' ? body.cents : Number.NaN);
			});
		case 'chargeback':
			return simulatorAction(event, 'seller', (sim) => sim.chargeback(id));
		case 'reverse-chargeback':
			return simulatorAction(event, 'seller', (sim) => sim.chargeback(id, true));
	}
	return errorResponse(new DomainError('not_found', 'Unknown simulator action.'));
};
