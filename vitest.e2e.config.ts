import { defineConfig } from 'vitest/config';

// Browser tests against the production build (npm test builds it first).
export default defineConfig({
	test: {
		include: ['tests/e2e/**/*.test.ts'],
		globalSetup: ['tests/e2e/server.ts'],
		pool: 'forks',
		maxWorkers: 1,
		fileParallelism: false,
		testTimeout: 60_000,
		hookTimeout: 120_000
	}
});
