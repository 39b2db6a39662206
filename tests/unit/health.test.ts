import { afterEach, describe, expect, it } from 'vitest';
import { setDb, type Db } from '../../src/lib/server/db';
import { health } from '../../src/lib/server/health';

/** A database whose `select 1` gets `answer`: what a pooled connection to a frozen server (or a dropped network) gets is nothing at all. */
const dbAnswering = (answer: () => Promise<unknown>) => ({ kind: 'postgres', rows: answer }) as unknown as Db;

afterEach(() => setDb(undefined as unknown as Db));

describe('/healthz while the database does not answer', () => {
	it('says unreachable within its time, instead of waiting with the query', async () => {
		setDb(dbAnswering(() => new Promise(() => {})));
		const started = Date.now();
		const report = await health(100);
		expect(Date.now() - started).toBeLessThan(1000);
		expect(report).toMatchObject({ ok: false, database: { ok: false, state: 'unreachable', error: 'CONNECT_TIMEOUT' } });
	});

	it('says up with the round trip when it answers', async () => {
		setDb(dbAnswering(async () => [{ '?column?': 1 }]));
		expect(await health(100)).toMatchObject({ ok: true, database: { ok: true, state: 'up', kind: 'postgres' } });
	});
});
