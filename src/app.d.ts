import type { Auth } from '$lib/server/accounts/types';

declare global {
	namespace App {
		interface Locals {
			/** The signed-in user, or null for a guest. */
			auth: Auth | null;
			/** A visitor without a session: the id in their signed anonymous cookie (null on API routes). */
			guestId: string | null;
		}
		/**
		 * Also the JSON body SvelteKit answers an unexpected error with: a refusal's shape (http/refusals.ts), as
		 * handleError gives it. `error` is absent only from a page's own `error(status, text)`, which no JSON path throws.
		 */
		interface Error {
			error?: string;
			message: string;
		}
	}
}

export {};
