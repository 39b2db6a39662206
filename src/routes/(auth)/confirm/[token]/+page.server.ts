import type { Actions, PageServerLoad } from './$types';
import { checkConfirmationLink, confirmAddress } from '$lib/server/accounts';
import { DomainError } from '$lib/server/errors';
import { formCall, postedForm, withDb } from '$lib/server/forms';

// A link from a confirmation mail (accounts/address-confirmation.ts). Opening it only shows the
// address; the button confirms it, so a mail scanner that follows links confirms nothing.
export const load: PageServerLoad = async ({ params, locals }) => {
	const signedIn = !!locals.auth;
	try {
		return { found: true as const, signedIn, link: await withDb((db) => checkConfirmationLink(db, params.token)) };
	} catch (e) {
		if (e instanceof DomainError && e.code === 'not_found') return { found: false as const, signedIn, message: e.message };
		throw e;
	}
};

export const actions: Actions = {
	default: async ({ request, params, getClientAddress, setHeaders }) => {
		// It has no fields, but a body that is not a form is refused as every form's is.
		const form = await postedForm(request);
		if (!form.ok) return form.failure;
		const confirmed = await formCall(setHeaders, {}, (db) => confirmAddress(db, params.token, { ip: getClientAddress() }));
		if (!confirmed.ok) return confirmed.failure;
		return { confirmed: confirmed.value.email };
	}
};
