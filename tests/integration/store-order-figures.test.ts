// What the store says after a purchase is what the buyer's dashboard says: a member a cap binds in a
// team pool is told what they can spend (the cap's figure), with the pool's Available named as the
// pool's, not the pool's figure as theirs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { backend } from '../helpers/db';
import { openRestApi } from '../helpers/api-fixture';
import { delivered, setUpCatalog, simulatorFor, startWebhookServer } from '../helpers/paddle';
import { configureRates, expectInvariants } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db/client';
import { makeWorld, type World, callerAs } from '../helpers/world';
import { setTeamCap, type Auth } from '../../src/lib/server/accounts';
import { consume, grant } from '../../src/lib/server/ledger';
import { startCheckout } from '../../src/lib/server/store/orders';

let db: Db;
let hook: Awaited<ReturnType<typeof startWebhookServer>>;
let paddle: ReturnType<typeof simulatorFor>;
let w: World;
// The app's database (the tRPC callers read it), with the catalog, rates and Paddle's simulator posting to the webhook.
beforeAll(async () => {
	({ db } = await openRestApi({ prepare: async (d) => (await configureRates(d), await setUpCatalog(d)) }));
	hook = await startWebhookServer(db);
	paddle = simulatorFor(db, hook.url);
	w = await makeWorld(db);
}, 120_000);
afterAll(async () => {
	await hook?.close();
	await db?.close();
});

const caller = (auth: Auth | null) => callerAs(auth, '10.9.0.9');

describe(`the store's "Tokens added" figures on ${backend}`, () => {
	it('a capped member who buys for the pool is told what their dashboard says they can spend, the pool’s figure named; the uncapped owner, the pool’s', async () => {
		const pool = w.teamA.accountId;
		const [owner, member] = [w.users.memberA, w.users.teamMember];
		await grant(db.orm, { accountId: pool, tokens: 91_900, source: 'bonus', grantKey: `pool-${randomUUID()}` });
		await setTeamCap(db, { teamId: w.teamA.id, userId: member.id, period: 'daily', limitTokens: 5_000 }, { userId: owner.id, siteAdmin: false });
		await consume(db.orm, { accountId: pool, feature: 'search_images', units: 3, actor: { userId: member.id }, idempotency: { scope: `user:${member.id}`, key: randomUUID() } });

		const started = await startCheckout(db.orm, paddle, { accountId: pool, userId: member.id, email: member.email, productId: 'tokens-5k', quantity: 1 });
		delivered(await paddle.pay(started.transactionId));

		const [asMember, asOwner] = [await caller(w.auth.teamMember), await caller(w.auth.memberA)];
		const bought = await asMember.store.order({ orderId: started.orderId });
		const dashboard = await asMember.ledger.dashboard({ accountId: pool });
		expect(dashboard.capBound).not.toBeNull();
		// Where the tokens went, named (the store says "Tokens added to <team> pool"): the pool the member picked, not their own account.
		const [team] = await db.rows<{ name: string }>(sql`select name from teams where id = ${w.teamA.id}::uuid`);
		expect(bought).toMatchObject({ purchase: { status: 'completed', tokens: 5_000 }, balance: dashboard.summary.available, pool: team!.name });
		expect(bought.capBound).toEqual({ tokens: dashboard.capBound!.tokens, sub: dashboard.capBound!.sub, line: dashboard.capLine!.text });
		expect(bought.capBound).toEqual({ tokens: 4_970, sub: 'of 96,870 in the pool', line: 'Your daily cap in this team: 4,970 of 5,000 tokens left today' });

		// A purchase for one's own account names no pool.
		const own = await startCheckout(db.orm, paddle, { accountId: member.accountId, userId: member.id, email: member.email, productId: 'tokens-5k', quantity: 1 });
		delivered(await paddle.pay(own.transactionId));
		expect(await asMember.store.order({ orderId: own.orderId })).toMatchObject({ purchase: { status: 'completed' }, pool: null });

		// The owner has no cap: the same order reads the pool's Available, as their dashboard's card does.
		const seen = await asOwner.store.order({ orderId: started.orderId });
		expect(seen).toMatchObject({ balance: (await asOwner.ledger.dashboard({ accountId: pool })).summary.available, capBound: null });
		await expectInvariants(db);
	});
});
