import { describe, expect, it } from 'vitest';
import type { Cookies } from '@sveltejs/kit';
import type { Db } from '../../src/lib/server/db';
import { identifyRequest } from '../../src/lib/server/http/identify';

describe('who asks /healthz', () => {
	it('is nobody: a probe without cookies gets no guest cookie, and the database is not asked', async () => {
		const set: string[] = [];
		const cookies = { get: () => undefined, set: (name: string) => void set.push(name), delete: () => {} } as unknown as Cookies;
		const db = new Proxy({}, { get: () => { throw new Error('the database was asked'); } }) as Db;
		expect(await identifyRequest(db, cookies, '/healthz')).toEqual({ auth: null, guestId: null });
		expect(set).toEqual([]);
	});
});
