// A database outage under the production build: PostgreSQL is stopped with `-m immediate` (every
// backend killed, as in a crash) and started again on the same port.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import postgres from 'postgres';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_SITE_API_KEY, startBuild, type RunningApp } from './server';
import { DEMO_PASSWORD, maya, screen, signIn } from './app';
import { launch, phone } from './browser';
import { UNAVAILABLE_MESSAGE } from '../../src/lib/server/db/outage';
import { hasPostgres, startPgCluster, type PgCluster } from '../helpers/pg-cluster';
import { openPostgres } from '../../src/lib/server/db/client';
import { reconcile } from '../../src/lib/server/ledger';

/** The app's API_ANSWER_WITHIN_SECONDS here: short, so that the frozen server's test waits little. */
const ANSWER_WITHIN_S = 2;

describe.skipIf(!hasPostgres)('a PostgreSQL outage', () => {
	let pg: PgCluster;
	let app: RunningApp;
	let dir: string;
	let session: string;

	const consume = (key: string, user = 'outage-user') =>
		fetch(`${app.baseURL}/api/v1/consume`, {
			method: 'POST',
			headers: { authorization: `Bearer ${DEMO_SITE_API_KEY}`, 'content-type': 'application/json', 'idempotency-key': key },
			body: JSON.stringify({ user, feature: 'ai_bots', units: 1 })
		});
	const signedIn = (path: string, init: RequestInit = {}) =>
		fetch(`${app.baseURL}${path}`, { ...init, redirect: 'manual', headers: { cookie: session, origin: app.baseURL, ...init.headers } });

	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'quota-outage-'));
		pg = await startPgCluster();
		app = await startBuild({ dataDir: dir, env: { DATABASE_URL: pg.url, SEED_DEMO: 'true', API_ANSWER_WITHIN_SECONDS: String(ANSWER_WITHIN_S) } });
		const res = await fetch(`${app.baseURL}/signin`, {
			method: 'POST',
			redirect: 'manual',
			headers: { 'content-type': 'application/x-www-form-urlencoded', origin: app.baseURL },
			body: new URLSearchParams({ email: maya.email, password: DEMO_PASSWORD })
		});
		session = res.headers.getSetCookie().find((c) => c.startsWith('quota_session='))!.split(';')[0]!;
	});

	afterAll(async () => {
		await app?.stop();
		pg?.destroy();
		rmSync(dir, { recursive: true, force: true });
	});

	it('answers 503 unavailable with Retry-After everywhere while the database is down, and serves again once it is back', async () => {
		const before = await consume('outage-before');
		expect(before.status).toBe(200);
		const { cost } = await before.json();

		pg.crash();

		// REST, keyed: the caller is told to retry, with the same key.
		const rest = await consume('outage-during');
		expect(rest.status).toBe(503);
		expect(Number(rest.headers.get('retry-after'))).toBeGreaterThan(0);
		expect(await rest.json()).toMatchObject({ error: 'unavailable' });

		// tRPC from a signed-in page: the session cannot be checked, so nothing is answered but 503, each call
		// as tRPC answers one (the app reads its words; any other body it took for being offline).
		const trpc = await signedIn('/trpc/ledger.catalog');
		expect(trpc.status).toBe(503);
		expect(trpc.headers.get('retry-after')).toBeTruthy();
		expect(await trpc.json()).toMatchObject({ error: { message: UNAVAILABLE_MESSAGE, data: { domainCode: 'unavailable', httpStatus: 503, path: 'ledger.catalog' } } });

		// A server-rendered page: a short page that says so and tries again.
		const page = await signedIn('/signin', { headers: { accept: 'text/html' } });
		expect(page.status).toBe(503);
		expect(page.headers.get('retry-after')).toBeTruthy();
		expect(await page.text()).toContain('Quota is briefly unavailable');

		// A form action (the sign-in form, no session): the form's own 503, what was typed kept.
		const form = await fetch(`${app.baseURL}/signin`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded', origin: app.baseURL, 'x-sveltekit-action': 'true', accept: 'application/json' },
			body: new URLSearchParams({ email: maya.email, password: DEMO_PASSWORD })
		});
		expect(form.headers.get('retry-after')).toBeTruthy();
		const action = await form.json();
		expect(action).toMatchObject({ type: 'failure', status: 503 });
		expect(action.data).toContain(maya.email);

		const health = await fetch(`${app.baseURL}/healthz`);
		expect(health.status).toBe(503);
		expect((await health.json()).database).toMatchObject({ ok: false, state: 'unreachable' });

		pg.start();

		// The first success comes without a restart of the app (how soon is bench:faults' figure).
		let replay: Response | undefined;
		for (let i = 0; i < 40 && replay?.status !== 200; i++) {
			replay = await consume('outage-during');
			if (replay.status !== 200) await new Promise((r) => setTimeout(r, 250));
		}
		expect(replay!.status).toBe(200);
		// The key the outage refused takes effect now, once.
		expect(replay!.headers.get('idempotent-replayed')).toBeNull();
		expect(await replay!.json()).toMatchObject({ cost });
		expect((await consume('outage-during')).headers.get('idempotent-replayed')).toBe('true');
		const healthAfter = await fetch(`${app.baseURL}/healthz`);
		expect((await healthAfter.json()).database).toMatchObject({ ok: true, state: 'up' });

		// The live stream's LISTEN came back with the database: a change made now reaches a stream.
		const stream = await signedIn('/api/v1/stream', { headers: { accept: 'text/event-stream' } });
		expect(stream.status).toBe(200);
		const reader = stream.body!.getReader();
		const events: string[] = [];
		const read = (async () => {
			const decoder = new TextDecoder();
			for (;;) {
				const { value, done } = await reader.read();
				if (done) return;
				events.push(...decoder.decode(value).split('\n\n').filter((e) => e.startsWith('event: balance')));
				if (events.length >= 2) return;
			}
		})();
		await expect.poll(() => events.length, { timeout: 10_000 }).toBe(1);
		const spend = await signedIn('/api/v1/consume', {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'idempotency-key': 'outage-after-stream' },
			body: JSON.stringify({ feature: 'ai_bots', units: 1 })
		});
		expect(spend.status).toBe(200);
		await expect.poll(() => events.length, { timeout: 10_000 }).toBe(2);
		await reader.cancel();
		await read;
	});

	it('answers a REST call within API_ANSWER_WITHIN_SECONDS while PostgreSQL is frozen; the keyed consume it left takes effect once', async () => {
		const before = await consume('frozen-before', 'frozen-user');
		expect(before.status).toBe(200);
		const { cost, remaining } = await before.json();

		pg.freeze();
		let during: Response;
		let elapsedMs: number;
		let balance: Response;
		try {
			const started = Date.now();
			during = await consume('frozen-during', 'frozen-user');
			elapsedMs = Date.now() - started;
			balance = await fetch(`${app.baseURL}/api/v1/balance?user=frozen-user`, { headers: { authorization: `Bearer ${DEMO_SITE_API_KEY}` } });
		} finally {
			pg.thaw();
		}
		// Before, the call waited on its pooled connection until TCP gave up, minutes.
		expect(during.status).toBe(503);
		expect(elapsedMs).toBeLessThan((ANSWER_WITHIN_S + 1.5) * 1000);
		expect(Number(during.headers.get('retry-after'))).toBeGreaterThan(0);
		const refusal = await during.json();
		expect(refusal).toMatchObject({ error: 'unavailable' });
		expect(refusal.message).toContain('same Idempotency-Key');
		expect(balance.status).toBe(503);
		expect(await balance.json()).toMatchObject({ error: 'unavailable' });

		// Thawed, the consume left behind commits; its retry gets the one answer, spent once.
		let retry: Response | undefined;
		for (let i = 0; i < 40 && retry?.status !== 200; i++) {
			retry = await consume('frozen-during', 'frozen-user');
			if (retry.status !== 200) await new Promise((r) => setTimeout(r, 250));
		}
		expect(retry!.status).toBe(200);
		expect(await retry!.json()).toMatchObject({ cost, remaining: remaining - cost });
		expect((await consume('frozen-during', 'frozen-user')).headers.get('idempotent-replayed')).toBe('true');
		expect(await (await consume('frozen-after', 'frozen-user')).json()).toMatchObject({ remaining: remaining - 2 * cost });
		const db = openPostgres(pg.url, { max: 1 });
		try {
			expect((await reconcile(db.orm)).breaches).toEqual([]);
		} finally {
			await db.close();
		}
	});

	it("answers the app's calls within API_ANSWER_WITHIN_SECONDS while PostgreSQL is frozen, each as tRPC answers one, and the app says so, not that the person is offline", async () => {
		const browser = await launch();
		const context = await browser.newContext({ ...phone, baseURL: app.baseURL });
		const page = await context.newPage();
		await signIn(page, maya.email);
		const freshness = page.getByRole('status').filter({ hasText: /^(Updated|Could not refresh|Offline|Refreshing)/ });
		await freshness.filter({ hasText: /^Updated / }).waitFor();
		const answered = (r: Response) => r.json() as Promise<unknown>;
		pg.freeze();
		try {
			const started = Date.now();
			const batch = await signedIn('/trpc/ledger.catalog,alerts.unread?batch=1&input=%7B%7D');
			expect(Date.now() - started).toBeLessThan((ANSWER_WITHIN_S + 1.5) * 1000);
			expect(batch.status).toBe(503);
			expect(batch.headers.get('retry-after')).toBeTruthy();
			const query = { message: `Quota's database did not answer within ${ANSWER_WITHIN_S} s. Nothing changed: try again in a few seconds.`, data: { domainCode: 'unavailable', httpStatus: 503 } };
			expect(await answered(batch)).toMatchObject([{ error: { ...query, data: { ...query.data, path: 'ledger.catalog' } } }, { error: { ...query, data: { ...query.data, path: 'alerts.unread' } } }]);
			const write = await signedIn('/trpc/alerts.markRead', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ upTo: 1 }) });
			expect(write.status).toBe(503);
			expect(await answered(write)).toMatchObject({
				error: { message: `Quota's database did not answer within ${ANSWER_WITHIN_S} s. What you asked may still be done: look again in a few seconds before you ask again.`, data: { domainCode: 'unavailable' } }
			});
			// The dashboard's refresh: its figures stay, and the line under the title says why they are not new.
			await page.getByRole('button', { name: 'Refresh' }).click();
			await freshness.filter({ hasText: `Could not refresh (Quota's database did not answer within ${ANSWER_WITHIN_S} s. Nothing changed: try again in a few seconds.)` }).waitFor({ timeout: 15_000 });
			await expect(page.getByText('Offline', { exact: false }).count()).resolves.toBe(0);
			await screen(page, 'dashboard-database-not-answering-phone');
		} finally {
			pg.thaw();
		}
		await page.getByRole('button', { name: 'Refresh' }).click();
		await freshness.filter({ hasText: /^Updated / }).waitFor({ timeout: 15_000 });
		await browser.close();
	});

	it('answers a failure outside a route handler (the session lookup of a hook) with the refusal shape on /api/, whatever the Accept', async () => {
		// As the REST tests reach a 500: a real database fault, a table gone (api-contract).
		const sql = postgres(pg.url, { max: 1, onnotice: () => {} });
		await sql`alter table sessions rename to sessions_away`;
		try {
			for (const accept of ['application/json', 'text/html', '*/*']) {
				const r = await signedIn('/api/v1/balance', { headers: { accept } });
				expect(r.status, accept).toBe(500);
				expect(r.headers.get('content-type'), accept).toMatch(/^application\/json/);
				const body = await r.json();
				expect(body, accept).toEqual({ error: 'internal_error', message: expect.stringMatching(/^Something went wrong on our side; it was logged \(ref [0-9a-f]{8}\)\.$/) });
			}
		} finally {
			await sql`alter table sessions_away rename to sessions`;
			await sql.end();
		}
		expect((await signedIn('/api/v1/balance')).status).toBe(200);
	});
});
