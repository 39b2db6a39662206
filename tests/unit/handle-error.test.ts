import { afterAll, describe, expect, it, vi } from 'vitest';

// Every JSON error of /api/ has one shape, `{"error", "message"}` (http/refusals.ts), also when what failed
// is no route's handler: SvelteKit answers an unexpected error with what handleError returns, and a hook's
// failure is answered by the first hook. Before, both gave `{"message"}` alone.
afterAll(() => {
	vi.doUnmock('$app/environment');
	vi.doUnmock('../../src/lib/server/db');
	vi.resetModules();
});

const eventAt = (path: string) => ({ url: new URL(`http://localhost${path}`), request: new Request(`http://localhost${path}`), route: { id: null }, locals: {} });

describe('an unexpected failure outside a REST handler', () => {
	it("is answered with the refusal's shape and the log's reference, never the error's message", async () => {
		vi.resetModules();
		vi.doMock('$app/environment', () => ({ building: false, browser: false, dev: false, version: 'test' }));
		vi.doMock('../../src/lib/server/db', () => ({ getDb: async () => ({ reachable: () => true }) }));
		const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
		try {
			const { answerOutage, handleOutage } = await import('../../src/lib/server/http/unavailable');
			const failure = new Error('select * from users where email = $1 -- maya@quota.test');
			const message = expect.stringMatching(/^Something went wrong on our side; it was logged \(ref [0-9a-f]{8}\)\.$/);
			// Thrown in a route or a load: SvelteKit's JSON body is what handleError returns.
			expect(await handleOutage({ error: failure, event: eventAt('/api/v1/holds/x/settle'), status: 500, message: 'Internal Error' } as never)).toEqual({ error: 'internal_error', message });
			expect(await handleOutage({ error: new Error('no route'), event: eventAt('/api/v2/balance'), status: 404, message: 'Not Found' } as never)).toEqual({ error: 'not_found', message: 'Not Found' });
			// Thrown by a later hook (the session lookup): answered JSON on an /api/ path, rethrown for a page.
			const hookFails = async () => {
				throw failure;
			};
			const r = await answerOutage({ event: eventAt('/api/v1/balance'), resolve: hookFails } as never);
			expect(r.status).toBe(500);
			expect(await r.json()).toEqual({ error: 'internal_error', message });
			await expect(answerOutage({ event: eventAt('/dashboard'), resolve: hookFails } as never)).rejects.toBe(failure);
			expect(logged.mock.calls.flat().join(' ')).not.toContain('maya@quota.test');
		} finally {
			logged.mockRestore();
		}
	});
});
