// A team pool's purchase names its buyer: the member who bought in the member store or in the embedded
// store is on the order, the pool's Purchases, the console's payments and the pool's statement
// ("Bought by Maya Lee"); an order that kept no buyer is said as such.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { backend } from '../helpers/db';
import { expectInvariants, makeTeamWithMember } from '../helpers/ledger';
import { delivered, useStoreTestBed } from '../helpers/paddle';
import type { Db } from '../../src/lib/server/db/client';
import { listPurchases, startCheckout } from '../../src/lib/server/store';
import { embedCheckout } from '../../src/lib/server/embed';
import { statement } from '../../src/lib/server/ledger';
import { listPaymentEvents } from '../../src/lib/server/admin';
import { buyerWords } from '../../src/lib/client/purchase-status';

const bed = useStoreTestBed();
let db: Db;
beforeAll(async () => {
	db = bed.db;
});

/** A team whose member is Maya Lee. */
async function mayasTeam() {
	const t = await makeTeamWithMember(db, 100);
	await db.rows(sql`update users set name = 'Maya Lee' where id = ${t.member.userId}::uuid`);
	return t;
}

/** Pays a checkout in the simulator; every delivery of its notifications answered 200. */
async function pay(transactionId: string) {
	delivered(await bed.paddle.pay(transactionId));
}

/** The pool's purchase grant on its statement (the newest grant). */
async function statementGrant(accountId: string) {
	return (await statement(db.orm, accountId)).rows.find((r) => r.kind === 'grant' && r.note?.startsWith('Token pack'));
}

describe(`who bought into a team pool, on ${backend}`, () => {
	it('a member buying in the member store is named on Purchases, the console payments and the statement', async () => {
		const { team, member } = await mayasTeam();
		const c = await startCheckout(db.orm, bed.paddle, { accountId: team.accountId, userId: member.userId, email: null, productId: 'tokens-5k', quantity: 1 });
		await pay(c.transactionId);

		const [p] = await listPurchases(db.orm, team.accountId);
		expect(p).toMatchObject({ id: c.orderId, status: 'completed', buyer: 'Maya Lee' });
		expect(buyerWords(p!)).toBe('Bought by Maya Lee');
		const events = (await listPaymentEvents(db.orm, { account: team.accountId })).rows.filter((r) => r.order?.id === c.orderId);
		expect(events.length).toBeGreaterThan(0);
		for (const e of events) expect(e).toMatchObject({ account: { id: team.accountId, team: true }, order: { buyer: 'Maya Lee', renewal: false, autoTopUp: false } });
		expect(await statementGrant(team.accountId)).toMatchObject({ tokens: 5000, source: 'purchase', actorName: 'Maya Lee' });
		await expectInvariants(db);
	});

	it('a member buying in the embedded store (a ticket naming them) is the order’s buyer', async () => {
		const { team, member } = await mayasTeam();
		const grant = { keyId: crypto.randomUUID(), accountId: team.accountId, expiresAt: new Date(Date.now() + 60_000), viewerId: member.userId };
		const c = await embedCheckout(db, bed.paddle, grant, { productId: 'tokens-5k', quantity: 1 });
		const [order] = await db.rows<{ user_id: string | null; channel: string }>(sql`select user_id, channel from orders where id = ${c.orderId}::uuid`);
		expect(order).toEqual({ user_id: member.userId, channel: 'embed' });
		await pay(c.transactionId);
		expect((await listPurchases(db.orm, team.accountId))[0]).toMatchObject({ id: c.orderId, buyer: 'Maya Lee' });
		expect(await statementGrant(team.accountId)).toMatchObject({ actorName: 'Maya Lee' });
		await expectInvariants(db);
	});

	it('an order that kept no buyer (a pool no member viewed, or bought before buyers were kept) says so, not blank', async () => {
		const { team } = await mayasTeam();
		const c = await startCheckout(db.orm, bed.paddle, { accountId: team.accountId, userId: null, email: null, productId: 'tokens-5k', quantity: 1, channel: 'embed' });
		await pay(c.transactionId);
		const [p] = await listPurchases(db.orm, team.accountId);
		expect(p).toMatchObject({ id: c.orderId, buyer: null, renewal: false, autoTopUp: false });
		expect(buyerWords(p!)).toBe('Buyer not recorded');
		expect(await statementGrant(team.accountId)).toMatchObject({ actorName: null });
		await expectInvariants(db);
	});

	it('migration 0046 names the buyer on grants made before their actor was kept', async () => {
		const { team, member } = await mayasTeam();
		const c = await startCheckout(db.orm, bed.paddle, { accountId: team.accountId, userId: member.userId, email: null, productId: 'tokens-5k', quantity: 1 });
		await pay(c.transactionId);
		const grantOp = sql`(select l.operation_id from lots l where l.grant_key like ${`paddle:${c.transactionId}:%`})`;
		// As a grant of before: no actor.
		await db.rows(sql`update operations set actor_user_id = null where id in ${grantOp}`);
		expect(await statementGrant(team.accountId)).toMatchObject({ actorName: null });
		const migration = readFileSync('drizzle/0046_purchase_grants_name_their_buyer.sql', 'utf8');
		await db.rows(sql.raw(migration));
		expect(await statementGrant(team.accountId)).toMatchObject({ actorName: 'Maya Lee' });
		await expectInvariants(db);
	});
});
