import type { Actions, PageServerLoad } from './$types';
import { requestPasswordReset } from '$lib/server/accounts';
import { emailParam, field, formCall, postedForm } from '$lib/server/forms';

/** The address to send the link to, when the page was opened with it (`?email=`: sign-up found it taken). */
export const load: PageServerLoad = ({ url }) => ({ email: emailParam(url) });

export const actions: Actions = {
	default: async ({ request, getClientAddress, setHeaders }) => {
		const form = await postedForm(request);
		if (!form.ok) return form.failure;
		const email = field(form.data, 'email');
		const asked = await formCall(setHeaders, { email }, (db) => requestPasswordReset(db, { email }, { ip: getClientAddress() }));
		if (!asked.ok) return asked.failure;
		return { sent: true, email: email.trim() };
	}
};
