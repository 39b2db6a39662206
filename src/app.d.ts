import type { Auth } from '$lib/server/accounts/types';

declare global {
	namespace App {
		interface Locals {
			/** The signed-in user, or null for a guest. */
			auth: Auth | null;
		}
		interface Error {
			message: string;
			code?: string;
		}
	}
}

export {};
