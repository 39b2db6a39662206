import { describe, expect, it } from 'vitest';
import { ConfigError, configWarnings, parseConfig, paymentsMode } from '../../src/lib/server/config';

describe('config', () => {
	it('gives working defaults for a fresh checkout (embedded database, port 3000)', () => {
		const c = parseConfig({});
		expect(c.PORT).toBe(3000);
		expect(c.DATABASE_URL).toBeUndefined();
		expect(c.PGLITE_DIR).toBe('./data/pglite');
		expect(c.SEED_DEMO).toBe(true);
		expect(c.ORIGIN).toBe('http://localhost:3000');
	});

	it('keeps the demo and the Paddle simulator to the embedded database: a PostgreSQL deployment gets neither unless asked', () => {
		expect(parseConfig({})).toMatchObject({ SEED_DEMO: true, PADDLE_SIMULATOR: true });
		expect(paymentsMode(parseConfig({}))).toBe('simulator');
		const production = parseConfig({ DATABASE_URL: 'postgres://quota@db/quota' });
		expect(production).toMatchObject({ SEED_DEMO: false, PADDLE_SIMULATOR: false });
		expect(paymentsMode(production)).toBe('none');
		const staging = parseConfig({ DATABASE_URL: 'postgres://quota@db/quota', SEED_DEMO: 'true', PADDLE_SIMULATOR: 'true' });
		expect(staging).toMatchObject({ SEED_DEMO: true, PADDLE_SIMULATOR: true });
		expect(paymentsMode(staging)).toBe('simulator');
		expect(parseConfig({ SEED_DEMO: 'false', PADDLE_SIMULATOR: 'no' })).toMatchObject({ SEED_DEMO: false, PADDLE_SIMULATOR: false });
	});

	it('lets webhooks go to loopback and private addresses on the embedded database only, unless WEBHOOK_PRIVATE_URLS says otherwise', () => {
		expect(parseConfig({}).WEBHOOK_PRIVATE_URLS).toBe(true);
		expect(parseConfig({ DATABASE_URL: 'postgres://quota@db/quota' }).WEBHOOK_PRIVATE_URLS).toBe(false);
		expect(parseConfig({ DATABASE_URL: 'postgres://quota@db/quota', WEBHOOK_PRIVATE_URLS: 'true' }).WEBHOOK_PRIVATE_URLS).toBe(true);
		expect(parseConfig({ WEBHOOK_PRIVATE_URLS: 'false' }).WEBHOOK_PRIVATE_URLS).toBe(false);
	});

	it('takes real Paddle when its keys are set, in either mode, and never the simulator beside it', () => {
		const keys = { PADDLE_API_KEY: 'pdl_sdbx_apikey_123', PADDLE_CLIENT_TOKEN: 'test_client_token', PADDLE_WEBHOOK_SECRET: 'pdl_ntfset_real_secret' };
		expect(paymentsMode(parseConfig(keys))).toBe('paddle');
		expect(parseConfig(keys).PADDLE_SIMULATOR).toBe(false);
		expect(paymentsMode(parseConfig({ ...keys, DATABASE_URL: 'postgres://quota@db/quota' }))).toBe('paddle');
	});

	it('serves its own address on the chosen port unless ORIGIN says otherwise', () => {
		expect(parseConfig({ PORT: '4100' }).ORIGIN).toBe('http://localhost:4100');
		expect(parseConfig({ PORT: '4100', ORIGIN: 'https://quota.example.com' }).ORIGIN).toBe('https://quota.example.com');
	});

	it('runs the routine checks every minute unless SCHEDULE_CHECK_SECONDS says otherwise', () => {
		expect(parseConfig({}).SCHEDULE_CHECK_SECONDS).toBe(60);
		expect(parseConfig({ SCHEDULE_CHECK_SECONDS: '5' }).SCHEDULE_CHECK_SECONDS).toBe(5);
	});

	it('answers REST within 10 s and keeps two group-committed batches in flight unless API_ANSWER_WITHIN_SECONDS and GROUP_COMMIT_IN_FLIGHT say otherwise', () => {
		expect(parseConfig({})).toMatchObject({ API_ANSWER_WITHIN_SECONDS: 10, GROUP_COMMIT_IN_FLIGHT: 2 });
		expect(parseConfig({ API_ANSWER_WITHIN_SECONDS: '30', GROUP_COMMIT_IN_FLIGHT: '1' })).toMatchObject({ API_ANSWER_WITHIN_SECONDS: 30, GROUP_COMMIT_IN_FLIGHT: 1 });
	});

	it('warns on PostgreSQL without APP_SECRET: each machine would sign with a secret of its own', () => {
		const [warning, ...more] = configWarnings(parseConfig({ DATABASE_URL: 'postgres://quota@db/quota' }));
		expect(warning).toMatch(/^Quota: APP_SECRET is not set, .* Set APP_SECRET \(32 characters or more\), the same on every process/);
		expect(more).toEqual([]);
		expect(configWarnings(parseConfig({ DATABASE_URL: 'postgres://quota@db/quota', APP_SECRET: 'x'.repeat(32) }))).toEqual([]);
		// The embedded database serves one process on one machine: its generated secret is enough.
		expect(configWarnings(parseConfig({}))).toEqual([]);
	});

	it('treats empty variables as unset', () => {
		expect(parseConfig({ PORT: '', DATABASE_URL: '' }).PORT).toBe(3000);
	});

	it.each([
		[{ PORT: 'eighty' }, /^Invalid configuration: PORT .*"eighty"/],
		[{ PORT: '70000' }, /^Invalid configuration: PORT /],
		[{ DATABASE_URL: 'mysql://x' }, /^Invalid configuration: DATABASE_URL must be a postgres:\/\/ URL/],
		[{ SEED_DEMO: 'maybe' }, /^Invalid configuration: SEED_DEMO /],
		[{ SCHEDULE_CHECK_SECONDS: '0' }, /^Invalid configuration: SCHEDULE_CHECK_SECONDS /],
		[{ SCHEDULE_CHECK_SECONDS: '1.5' }, /^Invalid configuration: SCHEDULE_CHECK_SECONDS /],
		[{ API_ANSWER_WITHIN_SECONDS: '0' }, /^Invalid configuration: API_ANSWER_WITHIN_SECONDS /],
		[{ GROUP_COMMIT_IN_FLIGHT: '0' }, /^Invalid configuration: GROUP_COMMIT_IN_FLIGHT /],
		[{ GROUP_COMMIT_IN_FLIGHT: '9' }, /^Invalid configuration: GROUP_COMMIT_IN_FLIGHT /],
		[{ PADDLE_SIMULATOR: 'sometimes' }, /^Invalid configuration: PADDLE_SIMULATOR /],
		[{ WEBHOOK_PRIVATE_URLS: 'local' }, /^Invalid configuration: WEBHOOK_PRIVATE_URLS /],
		[
			{ PADDLE_SIMULATOR: 'true', PADDLE_API_KEY: 'pdl_sdbx_apikey_123', PADDLE_CLIENT_TOKEN: 'test_client_token', PADDLE_WEBHOOK_SECRET: 'pdl_ntfset_real_secret' },
			/^Invalid configuration: PADDLE_SIMULATOR cannot be on while PADDLE_API_KEY is set/
		],
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
