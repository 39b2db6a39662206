/**
 * Which free allowance applies when several rules name a user: the one for that member, else the
 * one for the user's role, else the one for all users (DESIGN.md, "Allowance"; the seeds' plugin
 * sets limits per role and for all users). Checked by what the ledger lets each user spend.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend, freshDb } from '../helpers/db';
import { configureRates, expectInvariants, makeTeam, makeUser, outcome } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db/client';
import { allowanceStatus, check, consume, hold, newcomerAllowances, release, setAllowanceRule, upsertFeature, upsertModule } from '../../src/lib/server/ledger';
import { setSiteRole } from '../../src/lib/server/accounts';

let db: Db;
beforeAll(async () => {
	db = await freshDb();
	await configureRates(db);
});
afterAll(async () => db?.close());

let k = 0;
/** Training costs 2 tokens per word (module "bots"); nobody here holds any lots. */
const train = (accountId: string, tokens: number) =>
	consume(db.orm, { accountId, feature: 'training', units: tokens / 2, actor: {}, idempotency: { scope: 'rules', key: `k-${++k}` } });
const allowanceOf = async (accountId: string) => (await check(db.orm, { accountId, feature: 'training', units: 1 })).allowance;

describe(`allowance rule precedence on ${backend}`, () => {
	it('member over role over all users: each user spends exactly the most specific limit', async () => {
		const x = db.orm;
		const named = await makeUser(db, 'editor');
		const editor = await makeUser(db, 'editor');
		const subscriber = await makeUser(db, 'subscriber');
		// Set from the most specific to the broadest, so creation order cannot be what decides.
		await setAllowanceRule(x, { module: 'bots', audience: 'member', userId: named.userId, limitTokens: 120, period: 'daily' });
		await setAllowanceRule(x, { module: 'bots', audience: 'role', role: 'editor', limitTokens: 80, period: 'daily' });
		await setAllowanceRule(x, { module: 'bots', audience: 'user', limitTokens: 50, period: 'daily' });

		for (const [who, limit] of [[named, 120], [editor, 80], [subscriber, 50]] as const) {
			expect(await allowanceOf(who.accountId)).toMatchObject({ module: 'bots', limit, used: 0, period: 'daily' });
			const spent = await train(who.accountId, limit);
			expect(spent.paidBy).toEqual([expect.objectContaining({ type: 'allowance', tokens: limit })]);
			expect(await outcome(train(who.accountId, 2))).toBe('allowance_exhausted');
		}
		await expectInvariants(db);
	});

	it('the most specific rule wins whether it is stricter or looser: 0 disables for that member, unlimited lifts a role limit', async () => {
		const x = db.orm;
		const barred = await makeUser(db, 'author');
		const free = await makeUser(db, 'author');
		await setAllowanceRule(x, { module: 'chat', audience: 'role', role: 'author', limitTokens: 40, period: 'daily' });
		await setAllowanceRule(x, { module: 'chat', audience: 'user', limitTokens: 1000, period: 'daily' });
		await setAllowanceRule(x, { module: 'chat', audience: 'member', userId: barred.userId, limitTokens: 0, period: 'daily' });
		await setAllowanceRule(x, { module: 'chat', audience: 'member', userId: free.userId, limitTokens: null, period: 'daily' });
		const chat = (accountId: string, words: number) =>
			consume(x, { accountId, feature: 'ai_bots', units: words, actor: {}, idempotency: { scope: 'rules', key: `k-${++k}` } });

		expect(await outcome(chat(barred.accountId, 1))).toBe('feature_disabled');
		const lifted = await chat(free.accountId, 400); // 1,000 tokens, far above the role's 40
		expect(lifted.paidBy).toEqual([expect.objectContaining({ type: 'allowance', tokens: 1000, unlimited: true })]);
		await expectInvariants(db);
	});

	it('user rules never reach a team pool; the team gets its own rule', async () => {
		const team = await makeTeam(db);
		await setAllowanceRule(db.orm, { module: 'product', audience: 'user', limitTokens: 500, period: 'daily' });
		expect(await check(db.orm, { accountId: team.accountId, feature: 'search_images', units: 1 })).toMatchObject({ allowance: null, allowed: false, code: 'insufficient_tokens' });
		await setAllowanceRule(db.orm, { module: 'product', audience: 'team', teamId: team.teamId, limitTokens: 30, period: 'daily' });
		expect((await check(db.orm, { accountId: team.accountId, feature: 'search_images', units: 1 })).allowance).toMatchObject({ limit: 30 });
	});

	it('the sign-up page promises a newcomer exactly the allowances the ledger then gives them', async () => {
		const x = db.orm;
		// On top of the rules above (bots: editor 80, all users 50; chat: author 40, all users 1,000;
		// product: all users 500): the sign-up role has product disabled, and its own weekly bots limit.
		await setAllowanceRule(x, { module: 'product', audience: 'role', role: 'subscriber', limitTokens: 0, period: 'daily' });
		await setAllowanceRule(x, { module: 'bots', audience: 'role', role: 'subscriber', limitTokens: 70, period: 'weekly' });
		const promised = await newcomerAllowances(x, 'subscriber');
		const newcomer = await makeUser(db, 'subscriber');
		const given = [];
		for (const [module, feature] of [['bots', 'training'], ['chat', 'ai_bots'], ['product', 'search_images']] as const) {
			const answer = await check(x, { accountId: newcomer.accountId, feature, units: 1 });
			if (answer.allowance && answer.allowance.limit !== 0) given.push({ module, tokens: answer.allowance.limit, period: answer.allowance.period });
		}
		expect(promised.map(({ module, tokens, period }) => ({ module, tokens, period }))).toEqual(given);
		expect(promised.map((a) => a.module)).toEqual(['bots', 'chat']); // product is disabled for them: not promised
		expect(promised[0]).toMatchObject({ name: 'AI Bots', tokens: 70, period: 'weekly' });
	});
	it('a change of which rule applies keeps what was used in the window: a new role rule, a role change, a member rule', async () => {
		const x = db.orm;
		await upsertModule(x, { key: 'write', name: 'Writer', limitMessage: 'Writing limit reached.', onExhausted: 'message' });
		await upsertFeature(x, { key: 'rewrite', name: 'Rewrite', module: 'write', unit: 'word', tokensPerUnit: 1 });
		await setAllowanceRule(x, { module: 'write', audience: 'user', limitTokens: 100, period: 'daily' });
		const painter = await makeUser(db, 'painter');
		const write = (words: number) =>
			consume(x, { accountId: painter.accountId, feature: 'rewrite', units: words, actor: {}, idempotency: { scope: 'rules', key: `k-${++k}` } });
		const window = async () => {
			const answer = (await check(x, { accountId: painter.accountId, feature: 'rewrite', units: 1 })).allowance;
			const status = (await allowanceStatus(x, painter.accountId)).find((a) => a.module === 'write');
			expect(status).toMatchObject({ used: answer!.used, limit: answer!.limit });
			return { used: answer!.used, limit: answer!.limit };
		};

		await write(30); // under the all-users rule: 30 of 100
		// The site gives painters their own, larger limit mid-day: the 30 already used still count.
		await setAllowanceRule(x, { module: 'write', audience: 'role', role: 'painter', limitTokens: 80, period: 'daily' });
		expect(await window()).toEqual({ used: 30, limit: 80 });
		const held = await hold(x, { accountId: painter.accountId, feature: 'rewrite', maxTokens: 20, ttlSeconds: 600, actor: {}, idempotency: { scope: 'rules', key: `k-${++k}` } });
		expect(await window()).toEqual({ used: 50, limit: 80 });

		// Moved to a role without a rule of its own, back to the all-users 100: what both rules' windows used.
		await setSiteRole(db, { via: 'quota' }, painter.userId, 'subscriber');
		expect(await window()).toEqual({ used: 50, limit: 100 });
		const released = await release(x, held.holdId, { scope: 'rules', key: `k-${++k}` });
		expect(released.remaining).toBe(70);
		expect(await window()).toEqual({ used: 30, limit: 100 });
		expect((await write(70)).paidBy).toEqual([expect.objectContaining({ type: 'allowance', tokens: 70 })]);
		expect(await outcome(write(1))).toBe('allowance_exhausted');

		// A rule for this one user, lower than what they used today: nothing more today, and no more than used shown left.
		await setAllowanceRule(x, { module: 'write', audience: 'member', userId: painter.userId, limitTokens: 60, period: 'daily' });
		expect(await window()).toEqual({ used: 100, limit: 60 });
		expect(await check(x, { accountId: painter.accountId, feature: 'rewrite', units: 1 })).toMatchObject({ allowed: false, code: 'allowance_exhausted', remainingAfter: 0 });
		expect(await outcome(write(1))).toBe('allowance_exhausted');
		await expectInvariants(db);
	});
});
