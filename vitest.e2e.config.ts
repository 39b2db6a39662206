import { defineConfig } from 'vitest/config';

// Browser tests against the production build (npm test builds it first).
export default defineConfig({
	test: {
		include: ['tests/e2e/**/*.test.ts'],
		globalSetup: ['tests/e2e/server.ts'],
		pool: 'forks',
		// A worker runs its files in one process: playwright-core, the helpers and the app's modules they
		// import load once per worker, not once per file (vitest's import time 21.5 s → 5.2 s and 15 s less CPU
		// on 8 small files). Each file still connects to the worker's browser and closes its own contexts.
		isolate: false,
		// Two files at a time, each worker against its own app (tests/e2e/server.ts starts one per
		// worker): a browser test waits on the network and the server as much as it computes. Three
		// took longer in CI (660 s against 620 s): the two cores are busy enough with two.
		maxWorkers: 2,
		// What a page shows after a click or a server's answer: 1 s (vitest's default) is a slow phone's
		// one round trip on a loaded machine; Playwright's own waits allow far more.
		expect: { poll: { timeout: 5_000 } },
		testTimeout: 60_000,
		hookTimeout: 120_000
	}
});
