import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { backend, freshDb } from '../helpers/db';
import { expectInvariants, makeUser } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db/client';
import { DomainError } from '../../src/lib/server/errors';
import { grant, grantedUnder, lotsUnder } from '../../src/lib/server/ledger';

// The lots granted under one grant-key prefix (a campaign's), read as a byte range of the grant key:
// exactly the keys that start with the prefix, whatever sorts next to them.

let db: Db;
beforeAll(async () => {
	db = await freshDb();
});
afterAll(async () => db?.close());

describe(`lots under a grant-key prefix on ${backend}`, () => {
	it('are the keys that start with it, not the keys at its range’s edges', async () => {
		const p = `pfx-${randomUUID().slice(0, 8)}`;
		const user = await makeUser(db);
		const keys = [`${p}:a`, `${p}:\u00e9`, `${p}:\u{1F600}`, `${p};`, p, `${p}-`];
		for (const [i, grantKey] of keys.entries()) await grant(db.orm, { accountId: user.accountId, tokens: 10 + i, source: 'bonus', grantKey });
		expect(await grantedUnder(db.orm, `${p}:`)).toMatchObject({ lots: 3, granted: 10 + 11 + 12, left: 33, counting: 3 });
		expect(await lotsUnder(db.orm, `${p}:`, null, 10)).toHaveLength(3);
		await expectInvariants(db);
	});

	it('refuses a prefix that does not end in a printable ASCII character: its range would not be one', async () => {
		for (const prefix of ['', `x\uffff`, `x\u{1F600}`, 'x\u00e9', 'x\u007f', 'x\n']) {
			await expect(grantedUnder(db.orm, prefix)).rejects.toMatchObject({ code: 'invalid_input' });
			await expect(lotsUnder(db.orm, prefix, null, 10)).rejects.toBeInstanceOf(DomainError);
		}
	});
});
