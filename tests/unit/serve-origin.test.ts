import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';

/** Runs scripts/serve.mjs with `env` until it exits or has said `until`; what it printed on stderr and its exit code. */
function serve(env: Record<string, string>, until?: string): Promise<{ stderr: string; code: number | null }> {
	const { ORIGIN: _o, DATABASE_URL: _d, ...inherited } = process.env;
	const child = spawn(process.execPath, ['scripts/serve.mjs'], { env: { ...inherited, PORT: '0', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
	let stderr = '';
	child.stderr!.on('data', (chunk) => {
		stderr += chunk;
		if (until && stderr.includes(until)) child.kill('SIGKILL');
	});
	return new Promise((resolve) => child.on('exit', (code) => resolve({ stderr, code })));
}

describe('scripts/serve.mjs and ORIGIN', () => {
	it("refuses an ORIGIN that is not an http(s) URL with the app's one line, not adapter-node's stack", async () => {
		const { stderr, code } = await serve({ ORIGIN: 'quota.example.com' });
		expect(code).toBe(1);
		expect(stderr.trim()).toBe(`Invalid configuration: ORIGIN must be the app's public URL, http:// or https:// (got "quota.example.com")`);
	});

	it('warns on PostgreSQL without ORIGIN: behind a proxy, forms from the public address would be refused', async () => {
		// Nothing listens on port 1: the server stops right after the warning, if it got that far.
		const { stderr } = await serve({ DATABASE_URL: 'postgres://quota@127.0.0.1:1/quota' }, 'ORIGIN is not set');
		expect(stderr).toContain('Quota: ORIGIN is not set, so the app takes its address to be http://localhost:0. Behind a proxy or another name, set ORIGIN to the public URL');
	});
});
