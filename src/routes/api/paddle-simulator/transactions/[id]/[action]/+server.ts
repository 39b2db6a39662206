import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { simulatorAction } from '$lib/server/store/paddle/simulator/routes';

/** The customer pays or is declined in the checkout sheet; the seller refunds, or a bank disputes. */
export const POST: RequestHandler = ({ params, locals }) => {
	const id = params.id;
	switch (params.action) {
		case 'pay':
			return simulatorAction(locals.auth, { customerOf: id }, (sim) => sim.pay(id));
		case 'decline':
			return simulatorAction(locals.auth, { customerOf: id }, (sim) => sim.decline(id));
		case 'refund':
			return simulatorAction(locals.auth, 'seller', (sim) => sim.refund(id));
		case 'chargeback':
			return simulatorAction(locals.auth, 'seller', (sim) => sim.chargeback(id));
		case 'reverse-chargeback':
			return simulatorAction(locals.auth, 'seller', (sim) => sim.chargeback(id, true));
	}
	error(404, 'Unknown simulator action');
};
