import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
	export interface ProvidedContext {
		baseURL: string;
		dataDir: string;
	}
}

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = createServer();
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address() as { port: number };
			srv.close(() => resolve(port));
		});
		srv.on('error', reject);
	});
}

/** The demo site key the e2e server is started with (REST tests use it). */
export const DEMO_SITE_API_KEY = 'qk_e2e_demo_site_key_0123456789abcdef';

let server: ChildProcess | undefined;
let dataDir: string | undefined;

/** Starts the production build on a fresh embedded database with demo data. */
export async function setup(project: TestProject) {
	const port = await freePort();
	dataDir = mkdtempSync(join(tmpdir(), 'quota-e2e-'));
	const baseURL = `http://127.0.0.1:${port}`;
	server = spawn(process.execPath, ['build/index.js'], {
		stdio: ['ignore', 'pipe', 'pipe'],
		env: {
			...process.env,
			NODE_ENV: 'production',
			PORT: String(port),
			ORIGIN: baseURL,
			PGLITE_DIR: join(dataDir, 'pglite'),
			MAIL_DIR: join(dataDir, 'mail'),
			DATABASE_URL: '',
			SEED_DEMO: 'true',
			DEMO_SITE_API_KEY
		}
	});
	let log = '';
	server.stdout?.on('data', (d) => (log += d));
	server.stderr?.on('data', (d) => (log += d));
	const deadline = Date.now() + 90_000;
	for (;;) {
		if (server.exitCode !== null) throw new Error(`the app exited during start:\n${log}`);
		try {
			const res = await fetch(`${baseURL}/healthz`);
			if (res.ok) break;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) throw new Error(`the app did not become healthy:\n${log}`);
		await new Promise((r) => setTimeout(r, 250));
	}
	project.provide('baseURL', baseURL);
	project.provide('dataDir', dataDir);
}

export async function teardown() {
	server?.kill('SIGTERM');
	if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
