import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { freshDb, backend } from '../helpers/db';
import { configureRates, expectInvariants, makeUser, outcome } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db/client';
import {
	allowanceStatus, balances, check, consume, grant, hold, release, setAllowanceRule, settle, upsertFeature, upsertModule
} from '../../src/lib/server/ledger';

// Random sequences of grants, consumes, holds, settles, releases and retries, run against the database
// and against a tiny in-memory model of the spend rules: both must agree, and every invariant must hold.

type Step =
	| { t: 'grant'; tokens: number }
	| { t: 'consume'; units: number; retryOf: number | null }
	| { t: 'hold'; max: number }
	| { t: 'settle'; hold: number; tokens: number }
	| { t: 'release'; hold: number };

const step: fc.Arbitrary<Step> = fc.oneof(
	fc.record({ t: fc.constant('grant' as const), tokens: fc.integer({ min: 1, max: 60 }) }),
	fc.record({ t: fc.constant('consume' as const), units: fc.integer({ min: 1, max: 40 }), retryOf: fc.option(fc.nat(20), { nil: null }) }),
	fc.record({ t: fc.constant('hold' as const), max: fc.integer({ min: 1, max: 50 }) }),
	fc.record({ t: fc.constant('settle' as const), hold: fc.nat(10), tokens: fc.nat(60) }),
	fc.record({ t: fc.constant('release' as const), hold: fc.nat(10) })
);

interface ModelHold { amount: number; fromAllowance: number; fromLots: number; open: boolean }

let db: Db;
const LIMIT = 30;
/** What the model says is left to spend: the lots plus the allowance's rest. */
const leftOf = (m: { lots: number; allowanceUsed: number }) => m.lots + LIMIT - m.allowanceUsed;
beforeAll(async () => {
	db = await freshDb();
	await configureRates(db);
	await upsertModule(db.orm, { key: 'model', name: 'Model', limitMessage: 'Model allowance used.', onExhausted: 'message' });
	await upsertFeature(db.orm, { key: 'model_op', name: 'Model op', module: 'model', unit: 'operation', tokensPerUnit: 1 });
	await setAllowanceRule(db.orm, { module: 'model', audience: 'role', role: 'model-tester', limitTokens: LIMIT, period: 'never' });
});
afterAll(async () => db?.close());


describe(`ledger model check on ${backend}`, () => {
	it('agrees with an in-memory model over random sequences', async () => {
		let run = 0;
		await fc.assert(
			fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
				run++;
				const { accountId } = await makeUser(db, 'model-tester');
				const m = { lots: 0, allowanceUsed: 0, holds: [] as ModelHold[], keys: [] as { units: number; result: string }[] };
				const holdIds: string[] = [];
				for (const [i, s] of steps.entries()) {
					const key = { scope: `model-${run}`, key: `step-${i}` };
					if (s.t === 'grant') {
						await grant(db.orm, { accountId, tokens: s.tokens, source: 'bonus' });
						m.lots += s.tokens;
					} else if (s.t === 'consume') {
						const earlier = s.retryOf !== null ? m.keys[s.retryOf] : undefined;
						if (earlier) {
							// A retry with the same key and body: the first answer again, no new effect.
							const k = { scope: `model-${run}`, key: `consume-${s.retryOf}` };
							expect(await outcome(consume(db.orm, { accountId, feature: 'model_op', units: earlier.units, actor: {}, idempotency: k }))).toBe(earlier.result);
						} else {
							const allow = Math.min(LIMIT - m.allowanceUsed, s.units);
							const enough = allow + m.lots >= s.units;
							const expected = enough ? 'ok' : m.lots === 0 ? 'allowance_exhausted' : 'insufficient_tokens';
							const k = { scope: `model-${run}`, key: `consume-${m.keys.length}` };
							// A check first: what would be left after it, and that it agrees on yes or no.
							const asked = await check(db.orm, { accountId, feature: 'model_op', units: s.units });
							expect(asked.allowed).toBe(enough);
							if (enough) expect(asked.remainingAfter).toBe(leftOf(m) - s.units);
							let answer: { remaining: number | null } | undefined;
							const got = await outcome(consume(db.orm, { accountId, feature: 'model_op', units: s.units, actor: {}, idempotency: k }).then((r) => (answer = r)));
							expect(got).toBe(expected);
							m.keys.push({ units: s.units, result: got });
							if (enough) {
								m.allowanceUsed += allow;
								m.lots -= s.units - allow;
								// The answer states what is left after it: the allowance's rest plus the lots.
								expect(answer?.remaining).toBe(leftOf(m));
							}
						}
					} else if (s.t === 'hold') {
						const allow = Math.min(LIMIT - m.allowanceUsed, s.max);
						const enough = allow + m.lots >= s.max;
						let answer: { remaining: number | null } | undefined;
						const got = await outcome(
							hold(db.orm, { accountId, feature: 'model_op', maxTokens: s.max, ttlSeconds: 600, actor: {}, idempotency: key }).then((h) => {
								holdIds.push(h.holdId);
								answer = h;
							})
						);
						expect(got).toBe(enough ? 'ok' : m.lots === 0 ? 'allowance_exhausted' : 'insufficient_tokens');
						if (enough) {
							m.allowanceUsed += allow;
							m.lots -= s.max - allow;
							m.holds.push({ amount: s.max, fromAllowance: allow, fromLots: s.max - allow, open: true });
							expect(answer?.remaining).toBe(leftOf(m));
						}
					} else {
						const h = m.holds[s.hold];
						const id = holdIds[s.hold];
						if (!h || !id) continue;
						const tokens = s.t === 'settle' ? s.tokens : 0;
						const got = await outcome(s.t === 'settle' ? settle(db.orm, id, tokens, key) : release(db.orm, id, key));
						const expected = !h.open ? 'hold_already_settled' : tokens > h.amount ? 'invalid_input' : 'ok';
						expect(got).toBe(expected);
						if (expected === 'ok') {
							// What is given back returns in reverse order of spending: lots first, then the allowance.
							let back = h.amount - tokens;
							const toLots = Math.min(back, h.fromLots);
							m.lots += toLots;
							back -= toLots;
							m.allowanceUsed -= back;
							h.open = false;
						}
					}
					const b = await balances(db.orm, accountId);
					// available: the lots plus what is left of the free allowance.
					expect(b.available).toBe(leftOf(m));
					expect(b.held).toBe(m.holds.filter((h) => h.open).reduce((n, h) => n + h.amount, 0));
					const [allowance] = await allowanceStatus(db.orm, accountId).then((a) => a.filter((x) => x.module === 'model'));
					expect(allowance?.used ?? 0).toBe(m.allowanceUsed);
				}
				await expectInvariants(db);
			}),
			{ numRuns: 30 }
		);
	});
});
