import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// config() is read once per module instance: each test sets the environment, then imports afresh
// (from the first test on: a file run before this one in the same worker may have imported them).
const saved = { ...process.env };
const cwd = process.cwd();
beforeAll(() => vi.resetModules());
afterEach(() => {
	process.env = { ...saved };
	process.chdir(cwd);
	vi.resetModules();
});

describe('cookie settings from ORIGIN', () => {
	it('marks session cookies Secure when the site is served over https', async () => {
		process.env.ORIGIN = 'https://quota.example';
		const { sessionCookieOptions } = await import('../../src/lib/server/accounts/sessions');
		expect(sessionCookieOptions(new Date())).toMatchObject({ httpOnly: true, sameSite: 'lax', secure: true, path: '/' });
	});

	it('leaves Secure off for plain http (local development)', async () => {
		process.env.ORIGIN = 'http://localhost:3000';
		const { sessionCookieOptions } = await import('../../src/lib/server/accounts/sessions');
		expect(sessionCookieOptions(new Date()).secure).toBe(false);
	});
});

describe('the signing secret', () => {
	it('uses APP_SECRET when set', async () => {
		process.env.APP_SECRET = 's'.repeat(40);
		const { appSecret } = await import('../../src/lib/server/accounts/secret');
		expect(appSecret()).toBe('s'.repeat(40));
	});

	it('without APP_SECRET, generates one once into ./data/app-secret (mode 600) and reuses it after a restart', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'quota-secret-'));
		try {
			delete process.env.APP_SECRET;
			process.chdir(dir);
			const first = (await import('../../src/lib/server/accounts/secret')).appSecret();
			expect(first.length).toBeGreaterThanOrEqual(32);
			const file = join(dir, 'data', 'app-secret');
			expect(readFileSync(file, 'utf8').trim()).toBe(first);
			expect(statSync(file).mode & 0o777).toBe(0o600);
			vi.resetModules();
			expect((await import('../../src/lib/server/accounts/secret')).appSecret()).toBe(first);
		} finally {
			process.chdir(cwd);
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
