import { endpoint } from '$lib/server/rest/handler';
import { keyBody } from '$lib/server/rest/shapes';

/** Key introspection, and the bench's HTTP floor: the whole REST stack, no query once the key is kept (kept-keys.ts). */
export const GET = endpoint({
	auth: 'key',
	scope: null,
	handle: async (ctx) => ({ body: keyBody(ctx.key!) })
});
