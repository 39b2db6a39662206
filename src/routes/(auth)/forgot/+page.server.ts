import type { Actions } from './$types';
import { getDb } from '$lib/server/db';
import { requestPasswordReset } from '$lib/server/accounts';
import { field, formFailure } from '$lib/server/forms';

export const actions: Actions = {
	default: async ({ request, getClientAddress, setHeaders }) => {
		const email = field(await request.formData(), 'email');
		try {
			await requestPasswordReset(await getDb(), { email }, { ip: getClientAddress() });
		} catch (e) {
			return formFailure(e, setHeaders, { email });
		}
		return { sent: true, email: email.trim() };
	}
};
