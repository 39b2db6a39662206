import { createTRPCClient, type TRPCClientInit } from 'trpc-sveltekit';
import type { AppRouter } from '$lib/server/trpc/router';

let browserClient: ReturnType<typeof createTRPCClient<AppRouter>> | undefined;

/** The typed tRPC client; in the browser one instance is shared. */
export function trpc(init?: TRPCClientInit) {
	const isBrowser = typeof window !== 'undefined';
	if (isBrowser && browserClient) return browserClient;
	const client = createTRPCClient<AppRouter>({ init });
	if (isBrowser) browserClient = client;
	return client;
}
