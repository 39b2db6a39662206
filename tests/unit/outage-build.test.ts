import { afterAll, describe, expect, it, vi } from 'vitest';

// Prerendering the app shell (vite build) runs the hooks for each prerendered page with no database:
// the outage check asked for one, which opened the embedded PGlite under ./data at build time, and a
// build beside a running `npm start` (which holds that directory) failed prerendering /admin with a
// PGlite RuntimeError.
afterAll(() => {
	vi.doUnmock('$app/environment');
	vi.doUnmock('../../src/lib/server/db');
	vi.resetModules();
});

describe('the outage check while building', () => {
	it('opens no database for a prerendered page', async () => {
		vi.resetModules();
		const getDb = vi.fn(async () => {
			throw new Error('no database at build time');
		});
		vi.doMock('$app/environment', () => ({ building: true, browser: false, dev: false, version: 'test' }));
		vi.doMock('../../src/lib/server/db', () => ({ getDb }));
		const { answerOutage } = await import('../../src/lib/server/http/unavailable');
		const event = { url: new URL('http://localhost/admin'), request: new Request('http://localhost/admin'), locals: {} };
		const response = await answerOutage({ event, resolve: async () => new Response('shell') } as never);
		expect(getDb).not.toHaveBeenCalled();
		expect(await response.text()).toBe('shell');
	});
});
