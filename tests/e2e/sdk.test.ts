import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_SITE_API_KEY, freshPostgresDatabase, startBuild } from './server';
import type * as Sdk from '../../sdk/src/index.js';
import { baseURL } from './browser';

// The built SDK package (sdk/dist, as published) against the production build, on the embedded
// database and, when TEST_DATABASE_URL is set, on PostgreSQL. npm test builds both first.

const dist = new URL('../../sdk/dist/index.js', import.meta.url);
if (!existsSync(dist)) throw new Error('sdk/dist is missing: run `npm --prefix sdk run build` (npm test does).');
const { InsufficientTokens, Quota } = (await import(dist.href)) as typeof Sdk;

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
	for (const c of cleanups.reverse()) await c();
});

/** The PostgreSQL server: a production build of its own on a fresh database, with the demo. */
async function postgresApp(): Promise<string> {
	const database = await freshPostgresDatabase(process.env.TEST_DATABASE_URL!, 'quota_sdk');
	const dataDir = mkdtempSync(join(tmpdir(), 'quota-sdk-'));
	const app = await startBuild({ dataDir, env: { DATABASE_URL: database.url, SEED_DEMO: 'true' } });
	cleanups.push(async () => {
		await app.stop();
		await database.drop();
		rmSync(dataDir, { recursive: true, force: true });
	});
	return app.baseURL;
}

const servers: [string, () => Promise<string>][] = [['embedded database', async () => baseURL()]];
if (process.env.TEST_DATABASE_URL) servers.push(['PostgreSQL', postgresApp]);

describe.each(servers)('the built SDK against the production build (%s)', (_name, baseURL) => {
	it('grants, checks, consumes, holds and settles, reads the balance and usage, and streams a change', async () => {
		const quota = new Quota({ baseUrl: await baseURL(), apiKey: DEMO_SITE_API_KEY });
		const user = `sdk-e2e-${Date.now()}`;
		expect(await quota.grant({ user, tokens: 1000, source: 'bonus' })).toMatchObject({ tokens: 1000, created: true });
		expect(await quota.check({ user, feature: 'generate_texts', units: 2 })).toMatchObject({ allowed: true, cost: 90 });
		expect((await quota.consume({ user, feature: 'generate_texts', units: 2 })).cost).toBe(90);

		const controller = new AbortController();
		const streamed: number[] = [];
		const loop = (async () => {
			for await (const b of quota.stream({ user }, { signal: controller.signal })) {
				streamed.push(b.data.general!.credit);
				if (streamed.length === 2) break;
			}
		})();
		await expect.poll(() => streamed.length, { timeout: 10_000 }).toBe(1);

		const hold = await quota.hold({ user, feature: 'generate_texts', max_tokens: 400 });
		expect(await quota.settle(hold.hold_id, 150)).toMatchObject({ cost: 150, released: 250 });
		await loop;
		// The hold and the settle may come as one change or two; the stream's last word is the settled figure or the held one.
		expect(streamed[0]).toBe(910);
		expect([510, 760]).toContain(streamed[1]);
		expect((await quota.balance({ user })).data.general!.credit).toBe(760);

		const refused = await quota.hold({ user, feature: 'generate_texts', max_tokens: 1_000_000 }).catch((e: unknown) => e);
		expect(refused).toBeInstanceOf(InsufficientTokens);
		expect((refused as InstanceType<typeof InsufficientTokens>).userMessage).toMatch(/more than the .* available/);

		const rows = [];
		for await (const page of quota.usage({ user, limit: 1 })) rows.push(...page.data);
		expect(rows.map((r) => r.tokens_used)).toEqual([150, 90]);
	}, 240_000);
});
