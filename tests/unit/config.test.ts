import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/lib/server/config';

describe('config', () => {
	it('gives working defaults for a fresh checkout (embedded database, port 3000)', () => {
		const c = parseConfig({});
		expect(c.PORT).toBe(3000);
		expect(c.DATABASE_URL).toBeUndefined();
		expect(c.PGLITE_DIR).toBe('./data/pglite');
		expect(c.SEED_DEMO).toBe(true);
		expect(c.ORIGIN).toBe('http://localhost:3000');
	});

	it('serves its own address on the chosen port unless ORIGIN says otherwise', () => {
		expect(parseConfig({ PORT: '4100' }).ORIGIN).toBe('http://localhost:4100');
		expect(parseConfig({ PORT: '4100', ORIGIN: 'https://quota.example.com' }).ORIGIN).toBe('https://quota.example.com');
	});

	it('treats empty variables as unset', () => {
		expect(parseConfig({ PORT: '', DATABASE_URL: '' }).PORT).toBe(3000);
	});

	it.each([
		[{ PORT: 'eighty' }, /^Invalid configuration: PORT .*"eighty"/],
		[{ PORT: '70000' }, /^Invalid configuration: PORT /],
		[{ DATABASE_URL: 'mysql://x' }, /^Invalid configuration: DATABASE_URL must be a postgres:\/\/ URL/],
		[{ SEED_DEMO: 'maybe' }, /^Invalid configuration: SEED_DEMO /],
		[{ APP_SECRET: 'short' }, /^Invalid configuration: APP_SECRET must be at least 32 characters \(got "\*\*\*"\)/],
		[{ PADDLE_API_KEY: 'pdl_sdbx_apikey_123' }, /^Invalid configuration: PADDLE_CLIENT_TOKEN .*set together/],
		[{ PADDLE_API_KEY: 'pdl_sdbx_apikey_123', PADDLE_CLIENT_TOKEN: 'test_client_token' }, /^Invalid configuration: PADDLE_WEBHOOK_SECRET must be your Paddle/]
	])('stops with one line naming the variable: %o', (env, message) => {
		let error: unknown;
		try {
			parseConfig(env);
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(ConfigError);
		const text = (error as Error).message;
		expect(text).toMatch(message);
		expect(text).not.toContain('\n');
	});
});
