import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { connect } from 'node:net';
import { rmSync } from 'node:fs';
import { DEMO_SITE_API_KEY, startBuild } from './server';
import { baseURL, demoDataDir } from './browser';

// The REST API and start-up checks on the production build (the contract tests cover every
// status on both databases; these prove the built server wires them the same way).

const base = () => baseURL();
const auth = { authorization: `Bearer ${DEMO_SITE_API_KEY}`, 'content-type': 'application/json' };

describe('production build', () => {
	it('meters through REST: consume, replay, refusal; a non-JSON body is refused before it is read', async () => {
		const key = `e2e-${Date.now()}`;
		const body = JSON.stringify({ user: 'e2e-host-user-1', feature: 'ai_bots', units: 40 });
		const first = await fetch(`${base()}/api/v1/consume`, { method: 'POST', headers: { ...auth, 'idempotency-key': key }, body });
		expect(first.status).toBe(200);
		const text = await first.text();
		expect(JSON.parse(text)).toMatchObject({ cost: 100, paid_by: [{ type: 'allowance', tokens: 100 }] });
		const again = await fetch(`${base()}/api/v1/consume`, { method: 'POST', headers: { ...auth, 'idempotency-key': key }, body });
		expect(await again.text()).toBe(text);
		expect(again.headers.get('idempotent-replayed')).toBe('true');
		const images = await fetch(`${base()}/api/v1/consume`, {
			method: 'POST',
			headers: { ...auth, 'idempotency-key': `${key}-g` },
			body: JSON.stringify({ guest: 'e2e-visitor', feature: 'image_generation', units: 1 })
		});
		expect(images.status).toBe(403);
		expect(await images.json()).toMatchObject({ error: 'feature_disabled' });
		const xml = await fetch(`${base()}/api/v1/consume`, { method: 'POST', headers: { ...auth, 'content-type': 'application/xml', 'idempotency-key': `${key}-x` }, body });
		expect(xml.status).toBe(415);
		expect(await xml.json()).toMatchObject({ error: 'unsupported_media_type' });
		// A server-to-server caller (no Origin) posting text/plain: the API's own JSON 415, not a CSRF page.
		const form = await fetch(`${base()}/api/v1/consume`, { method: 'POST', headers: { ...auth, 'content-type': 'text/plain', 'idempotency-key': `${key}-t` }, body });
		expect(form.status).toBe(415);
		expect(await form.json()).toMatchObject({ error: 'unsupported_media_type' });
		const used = await fetch(`${base()}/api/v1/usage?user=e2e-host-user-1`, { headers: auth });
		expect((await used.json()).data).toHaveLength(1);
	});

	it('answers every method in JSON: 405 with Allow for a method a route lacks, 501 for TRACE', async () => {
		const wrong = await fetch(`${base()}/api/v1/consume`, { headers: auth });
		expect(wrong.status).toBe(405);
		expect(wrong.headers.get('allow')).toBe('POST');
		expect(await wrong.json()).toEqual({ error: 'method_not_allowed', message: 'GET is not allowed here; use POST.' });
		const release = await fetch(`${base()}/api/v1/holds/00000000-0000-4000-8000-000000000000/release`, { method: 'POST', headers: { authorization: auth.authorization } });
		expect(release.status).toBe(404);
		expect(await release.json()).toMatchObject({ error: 'not_found' });
		for (const method of ['TRACE']) {
			const r = await rawRequest(method, '/api/v1/balance');
			expect(r.status, method).toBe(501);
			expect(r.type, method).toMatch(/^application\/json/);
			expect(JSON.parse(r.body), method).toEqual({ error: 'not_implemented', message: `${method} is not supported by this server.` });
		}
		// The server still answers on the same process afterwards.
		expect((await fetch(`${base()}/api/v1/balance?user=e2e-host-user-1`, { headers: auth })).status).toBe(200);
	});

	it('stops at start with one line naming a bad variable', () => {
		const r = spawnSync(process.execPath, ['build/index.js'], { env: { ...process.env, PORT: 'eighty', PGLITE_DIR: '/nonexistent' }, encoding: 'utf8', timeout: 30_000 });
		expect(r.status).toBe(1);
		expect(r.stderr.trim()).toMatch(/^Invalid configuration: PORT .*"eighty"/);
		expect(r.stderr.trim().split('\n')).toHaveLength(1);
	});

	it('on SIGTERM finishes the request under way, closes idle keep-alive connections and live streams, and exits cleanly', async () => {
		const dir = demoDataDir('quota-sigterm-');
		const app = await startBuild({ dataDir: dir });
		try {
			const { hostname, port } = new URL(app.baseURL);
			// A keep-alive connection that answered once and now sits idle.
			const idle = connect(Number(port), hostname);
			await once(idle, 'connect');
			idle.write(`GET /healthz HTTP/1.1\r\nHost: ${hostname}\r\nConnection: keep-alive\r\n\r\n`);
			expect(String((await once(idle, 'data'))[0])).toMatch(/^HTTP\/1\.1 200/);
			const idleClosed = once(idle, 'close');
			// A live balance stream, open until the server ends it.
			const stream = await fetch(`${app.baseURL}/api/v1/stream?user=e2e-sigterm-user`, { headers: auth });
			expect(stream.status).toBe(200);
			const streamEnded = stream.text();
			// A consume under way: its headers and part of its body are in, the rest comes after the signal.
			const body = JSON.stringify({ user: 'e2e-sigterm-user', feature: 'ai_bots', units: 1 });
			const inFlight = request({ hostname, port, method: 'POST', path: '/api/v1/consume', headers: { ...auth, 'idempotency-key': 'e2e-sigterm', 'content-length': Buffer.byteLength(body) } });
			const answered = new Promise<{ status?: number; connection?: string; text: string }>((resolve, reject) => {
				inFlight.on('response', (res) => {
					let text = '';
					res.on('data', (d) => (text += d));
					res.on('end', () => resolve({ status: res.statusCode, connection: res.headers.connection, text }));
				});
				inFlight.on('error', reject);
			});
			inFlight.write(body.slice(0, 10));
			await new Promise((r) => setTimeout(r, 1_000));

			const exited = app.stop();
			await new Promise((r) => setTimeout(r, 500));
			inFlight.end(body.slice(10));

			const done = await answered;
			expect(done.status).toBe(200);
			expect(JSON.parse(done.text)).toMatchObject({ cost: 3 });
			// The client is told not to reuse the connection.
			expect(done.connection).toBe('close');
			await idleClosed;
			expect(await streamEnded).toContain('event: balance');
			// 0: a clean exit; the process's own 5 s backstop would exit with 1 (and `stop` reports 'hung' after 15 s).
			expect(await exited).toBe(0);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	}, 240_000);
});

/** A request fetch() cannot send (undici refuses TRACE and TRACK), over node:http. */
function rawRequest(method: string, path: string): Promise<{ status: number; type: string; body: string }> {
	return new Promise((resolve, reject) => {
		const req = request(`${base()}${path}`, { method, headers: { authorization: auth.authorization } }, (res) => {
			let body = '';
			res.setEncoding('utf8');
			res.on('data', (d) => (body += d));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body }));
		});
		req.on('error', reject);
		req.end();
	});
}
