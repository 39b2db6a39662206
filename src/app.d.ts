import type { Auth } from '$lib/server/accounts/types';

declare global {
	namespace App {
		interface Locals {
			/** The signed-in user, or null for a guest. */
			auth: Auth | null;
			/** A visitor without a session: the id in their signed anonymous cookie (null on API routes). */
			guestId: string | null;
		}
		interface Error {
			message: string;
			code?: string;
		}
	}
}

export {};
