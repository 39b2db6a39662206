import type { Actions } from './$types';
import { requestPasswordReset } from '$lib/server/accounts';
import { field, formCall } from '$lib/server/forms';

export const actions: Actions = {
	default: async ({ request, getClientAddress, setHeaders }) => {
		const email = field(await request.formData(), 'email');
		const asked = await formCall(setHeaders, { email }, (db) => requestPasswordReset(db, { email }, { ip: getClientAddress() }));
		if (!asked.ok) return asked.failure;
		return { sent: true, email: email.trim() };
	}
};
