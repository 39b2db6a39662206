import { defineConfig } from 'vitest/config';

// Browser tests against the production build (npm test builds it first).
export default defineConfig({
	test: {
		include: ['tests/e2e/**/*.test.ts'],
		globalSetup: ['tests/e2e/server.ts'],
		pool: 'forks',
		// Two files at a time, each worker against its own app (tests/e2e/server.ts starts one per
		// worker): a browser test waits on the network and the server as much as it computes.
		maxWorkers: 2,
		testTimeout: 60_000,
		hookTimeout: 120_000
	}
});
