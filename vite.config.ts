import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

const integration = (backend: 'pglite' | 'postgres') => ({
	extends: true as const,
	test: {
		name: `integration-${backend}`,
		include: ['tests/integration/**/*.test.ts'],
		env: { QUOTA_TEST_BACKEND: backend }
	}
});

export default defineConfig({
	plugins: [sveltekit()],
	server: { port: 3000 },
	test: {
		environment: 'node',
		pool: 'forks',
		testTimeout: 60_000,
		hookTimeout: 120_000,
		projects: [
			{ extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] } },
			integration('pglite'),
			// The same integration tests on a real server when one is given (always in CI).
			...(process.env.TEST_DATABASE_URL ? [integration('postgres')] : [])
		]
	}
});
