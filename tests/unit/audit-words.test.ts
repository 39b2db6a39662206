import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS, type AuditAction } from '../../src/lib/server/accounts/audit';
import { actorBadge, auditTitle, auditWords, hasWords, namesNeeded, noNames, type AuditEntryFacts, type AuditNames, type AuditValue } from '../../src/lib/server/admin/audit-words';

// The audit log reads as words a site owner reads: "Signed in", "Bonus granted", a balance of
// 18,120 before and 18,620 after, never `auth.signin`, `balance 18120 → 18620`, `lotId` or
// `limitTokens`. Every action the code can write (AUDIT_ACTIONS, the only ones `audit()` takes) has
// an entry here as the code writes it: a new action fails this file until it has words.

const memberId = '1184e63a-ef62-4163-80aa-08796b567ef2';
const teamId = 'b5188d45-ff57-4b19-99a9-7215ebb9debd';
const names: AuditNames = {
	...noNames(),
	people: new Map([
		[memberId, { name: 'Leo Martin', accountId: 'acc-leo' }],
		[teamId, { name: 'Acme Studio', accountId: 'acc-acme' }]
	]),
	roles: new Map([['author', 'Author'], ['subscriber', 'Member'], ['admin', 'Admin']]),
	modules: new Map([['chat', 'Chatbot']]),
	models: new Map([['gpt-5-nano', 'GPT-5 Nano']]),
	products: new Map([['tokens-5k', 'Token pack'], ['annual-300k', 'Annual plan']])
};

type Sample = Omit<AuditEntryFacts, 'action'>;
const entry = (s: Partial<Sample>): Sample => ({ targetType: null, targetId: null, before: null, after: null, detail: null, ...s });
const limits = { module: 'chat', name: 'Chatbot', guest: 2000, limitType: 'role', members: 10000, roles: { author: 20000, admin: 10000 }, period: 'daily', limitMessage: 'Buy tokens.', onExhausted: 'message' };
const product = { id: 'annual-300k', kind: 'subscription', name: 'Annual plan', sort: 70, active: true, grants: [{ model: null, tokens: 300000 }], currency: 'USD', createdAt: '2026-12-02T22:25:08.819Z', priceCents: 18000, description: 'Billed once a year.', maxQuantity: 1, billingInterval: 'year', paddlePriceSandbox: 'pri_01hdemo', paddlePriceProduction: null };
const site = { id: 1, timeZone: 'UTC', updatedAt: '2026-12-02T22:25:07.977Z', weekStart: 1, spendOrder: 'allowance-first', lowSharePercent: 20, createUnknownUsers: true, defaultTeamDailyCap: null, defaultMemberDailyCap: null };
const referrals = { enabled: false, dailyLimit: 10, expiresDays: null, referredTokens: 0, referrerTokens: 0, requirePurchase: false };

/** Each action as the code writes it (see the `audit(` calls under src/lib/server). */
const samples: Record<AuditAction, Sample> = {
	'auth.signup': entry({ targetType: 'user', targetId: memberId }),
	'auth.signin': entry({ targetType: 'user', targetId: memberId }),
	'auth.signin_failed': entry({ targetType: 'user', detail: { email: 'nobody@example.com', reason: 'unknown_email' } }),
	'auth.current_password_failed': entry({ targetType: 'user', targetId: memberId, detail: { change: 'email' } }),
	'auth.signout': entry({ targetType: 'session' }),
	'auth.signout_everywhere': entry({ targetType: 'user', detail: { sessions: 3 } }),
	'auth.password_reset_requested': entry({ targetType: 'user' }),
	'auth.password_reset': entry({ targetType: 'user' }),
	'user.name_changed': entry({ targetType: 'user', targetId: memberId, before: { name: 'Leo M.' }, after: { name: 'Leo Martin' } }),
	'user.email_changed': entry({ targetType: 'user', targetId: memberId, before: { email: 'leo@example.com' }, after: { email: 'leo.martin@example.com' } }),
	'user.email_confirmed': entry({ targetType: 'user', targetId: memberId, after: { email: 'leo.martin@example.com' } }),
	'user.password_changed': entry({ targetType: 'user', targetId: memberId, detail: { otherSessionsEnded: 2 } }),
	'user.role_changed': entry({ targetType: 'user', before: { siteRole: 'subscriber' }, after: { siteRole: 'author' }, detail: { via: 'demo data' } }),
	'user.disabled': entry({ targetType: 'user', before: { disabled: false }, after: { disabled: true } }),
	'user.enabled': entry({ targetType: 'user', before: { disabled: true }, after: { disabled: false } }),
	'role.created': entry({ targetType: 'role', targetId: 'author', after: { name: 'Author', description: '' } }),
	'role.updated': entry({ targetType: 'role', targetId: 'author', before: { name: 'Author', description: '' }, after: { name: 'Authors', description: 'Write the blog' } }),
	'role.deleted': entry({ targetType: 'role', targetId: 'author', before: { name: 'Authors', description: 'Write the blog' } }),
	'key.created': entry({ targetType: 'api_key', after: { name: 'Chatbot', kind: 'account', scopes: ['consume', 'read'], prefix: 'qk_3gybdbLS' } }),
	'key.revoked': entry({ targetType: 'api_key', before: { name: 'Chatbot', prefix: 'qk_3gybdbLS', revokedAt: null }, after: { name: 'Chatbot', prefix: 'qk_3gybdbLS', revokedAt: '2026-12-03T10:00:00.000Z' } }),
	'key.paused': entry({ targetType: 'api_key', before: { name: 'Chatbot', prefix: 'qk_3gybdbLS', pausedAt: null }, after: { name: 'Chatbot', prefix: 'qk_3gybdbLS', pausedAt: '2026-12-03T10:00:00.000Z' } }),
	'key.resumed': entry({ targetType: 'api_key', before: { name: 'Chatbot', prefix: 'qk_3gybdbLS', pausedAt: '2026-12-03T10:00:00.000Z' }, after: { name: 'Chatbot', prefix: 'qk_3gybdbLS', pausedAt: null } }),
	'team.created': entry({ targetType: 'team', targetId: teamId, after: { name: 'Acme Studio' } }),
	'team.renamed': entry({ targetType: 'team', targetId: teamId, before: { name: 'Acme Studio' }, after: { name: 'Acme Design' } }),
	'team.invited': entry({ targetType: 'team', targetId: teamId, detail: { email: 'kim@example.com', role: 'member' } }),
	'team.invite_revoked': entry({ targetType: 'team', targetId: teamId, detail: { email: 'kim@example.com', role: 'admin' } }),
	'team.invite_resent': entry({ targetType: 'team', before: { expiresAt: '2026-12-03T10:00:00.000Z' }, after: { expiresAt: '2026-12-10T10:00:00.000Z' }, detail: { email: 'kim@example.com', role: 'member' } }),
	'team.member_joined': entry({ targetType: 'user', targetId: memberId, after: { role: 'member' }, detail: { teamId } }),
	'team.role_changed': entry({ targetType: 'user', targetId: memberId, before: { role: 'member' }, after: { role: 'admin' }, detail: { teamId } }),
	'team.member_removed': entry({ targetType: 'user', targetId: memberId, before: { role: 'member' }, detail: { capsEnded: [{ period: 'daily', limitTokens: 5000 }, { period: 'weekly', limitTokens: 20000 }] } }),
	'team.member_left': entry({ targetType: 'team', targetId: teamId, before: { role: 'admin' }, detail: { capsEnded: [] } }),
	'team.cap_set': entry({ targetType: 'user', targetId: memberId, before: { period: 'daily', limitTokens: null }, after: { period: 'daily', limitTokens: 5000 } }),
	'ledger.grant': entry({ targetType: 'lot', after: { note: 'Invited Leo', model: null, source: 'referral', tokens: 2000, expires_at: '2026-12-12T22:25:08.993Z' }, detail: { via: 'demo data' } }),
	'unlimited.granted': entry({ targetType: 'lot', after: { tokens: 0, unlimited: true, source: 'admin', model: 'gpt-5-nano', expires_at: null, note: 'Tester' } }),
	'unlimited.ended': entry({ targetType: 'lot', before: { expiresAt: null }, after: { expiresAt: '2026-12-05T08:00:00.000Z' }, detail: { model: null, note: 'Tester' } }),
	'lot.ended': entry({ targetType: 'lot', before: { expiresAt: null }, after: { expiresAt: '2026-12-05T08:00:00.000Z' }, detail: { tokens: 400, model: 'gpt-5-nano', note: 'Thanks for the bug report' } }),
	'bonus.granted': entry({
		targetType: 'account',
		before: { balance: 18120 },
		after: { balance: 18620, lotId: '0d9c2b4e-7f1a-4c3e-9b8a-2f6e5d4c3b2a' },
		detail: { key: 'k-1', tokens: 500, model: 'gpt-5-nano', expiresAt: null, note: 'Thanks for the bug report' }
	}),
	'balance.adjusted': entry({ targetType: 'account', before: { balance: 510 }, after: { balance: 520 }, detail: { key: 'k', hash: 'h', mode: 'set', tokens: 520, delta: 10, reason: 'Goodwill' } }),
	'campaign.created': entry({
		targetType: 'campaign',
		after: { audience: 'team', role: null, teamId, tokens: 1000, model: null, expiresAt: '2027-01-01T00:00:00.000Z', note: 'Launch week', key: 'c-1' },
		detail: { audience: 'team', role: null, teamId, tokens: 1000, model: null, expiresAt: '2027-01-01T00:00:00.000Z', note: 'Launch week', key: 'c-1' }
	}),
	'campaign.applied': entry({ targetType: 'campaign', before: { reached: 0 }, after: { reached: 1204 }, detail: { note: 'Launch week' } }),
	'campaign.ended': entry({ targetType: 'campaign', before: { endedAt: null }, after: { endedAt: '2026-12-07T10:00:00.000Z' }, detail: { note: 'Launch week', accounts: 1204, tokens: 980000, held: 1 } }),
	'campaign.expiry_changed': entry({ targetType: 'campaign', before: { expiresAt: '2026-12-31T23:59:59.999Z' }, after: { expiresAt: null }, detail: { note: 'Launch week', accounts: 1204 } }),
	'cap.set': entry({ targetType: 'account', detail: { via: 'demo data', period: 'daily', accountId: 'acc-acme', limitTokens: 5000, memberUserId: memberId } }),
	'cap.lowered_from_flag': entry({ targetType: 'account', before: { daily: null }, after: { daily: 12200 }, detail: { flagId: 'f-1', usedToday: 12040 } }),
	'cap.set_own': entry({ targetType: 'account', before: { daily: 14600 }, after: { daily: null } }),
	'site.settings_updated': entry({ targetType: 'site', before: site, after: { ...site, timeZone: 'Africa/Addis_Ababa', weekStart: 0, defaultTeamDailyCap: 50000, updatedAt: '2026-12-03T10:00:00.000Z' }, detail: { timeZone: 'Africa/Addis_Ababa' } }),
	'allowance.set': entry({ targetType: 'module', targetId: 'chat', detail: { via: 'demo data', module: 'chat', period: 'weekly', audience: 'role', role: 'author', limitTokens: 5000 } }),
	'limits.module_saved': entry({ targetType: 'module', targetId: 'chat', before: limits, after: { ...limits, guest: 0, roles: { author: 25000, admin: 10000 }, limitMessage: 'Sign up to chat.' }, detail: { module: 'chat' } }),
	'limits.rollover_saved': entry({ targetType: 'module', targetId: 'chat', before: null, after: { capTokens: null, capPercent: 50, expiresAfterPeriods: 2 }, detail: { module: 'chat', rollover: null } }),
	'rates.feature_saved': entry({
		targetType: 'feature',
		targetId: 'generate_all',
		before: { key: 'generate_all', name: 'Generate all', unit: 'operation', module: 'chat', enabled: true, breakdown: [], tokensPerUnit: 65 },
		after: { key: 'generate_all', name: 'Generate all', unit: 'operation', module: 'chat', enabled: false, breakdown: [{ label: 'Texts', tokens: 45 }, { label: 'Images', tokens: 25 }], tokensPerUnit: 70 }
	}),
	'rates.feature_removed': entry({ targetType: 'feature', targetId: 'chat_reply', before: { key: 'chat_reply', name: 'Chat reply', unit: 'word', module: 'chat', enabled: true, breakdown: null, tokensPerUnit: 2 }, detail: { key: 'chat_reply' } }),
	'rates.module_saved': entry({ targetType: 'module', targetId: 'chat', after: { key: 'chat', name: 'Chatbot', limitType: 'none', onExhausted: 'message', limitMessage: 'Buy tokens.' } }),
	'rates.module_removed': entry({ targetType: 'module', targetId: 'images', before: { key: 'images', name: 'Images', limitType: 'none', onExhausted: 'message', limitMessage: 'Buy tokens.' }, detail: { key: 'images' } }),
	'rates.model_saved': entry({ targetType: 'model', targetId: 'gpt-5-nano', before: { key: 'gpt-5-nano', name: 'GPT-5 nano', engine: 'openai' }, after: { key: 'gpt-5-nano', name: 'GPT-5 Nano', engine: 'openai' } }),
	'rates.model_removed': entry({ targetType: 'model', targetId: 'w55-model', before: { key: 'w55-model', name: 'Mistake model', engine: 'openai' }, detail: { key: 'w55-model' } }),
	'referrals.settings_saved': entry({ targetType: 'site', before: referrals, after: { ...referrals, enabled: true, expiresDays: 15, referrerTokens: 2000 } }),
	'store.product_created': entry({ targetType: 'product', targetId: 'annual-300k', after: product }),
	'store.product_updated': entry({ targetType: 'product', targetId: 'tokens-5k', before: { active: true }, after: { active: false } }),
	'store.product_deleted': entry({ targetType: 'product', targetId: 'annual-300k', before: product }),
	'store.subscription_cancel_asked': entry({ targetType: 'subscription', detail: { package: 'Monthly plan' } }),
	'store.subscription_keep_asked': entry({ targetType: 'subscription', detail: { package: 'Monthly plan' } }),
	'store.purchase_completed': entry({ targetType: 'order', targetId: 'o-1', after: { package: 'tokens-5k', quantity: 2, tokens: 10000, amount_cents: 2000, currency: 'USD', transaction_id: 'txn_01hv8x4k', origin: 'web' }, detail: { via: 'Paddle' } }),
	'store.purchase_refunded': entry({
		targetType: 'order',
		targetId: 'o-1',
		after: { cause: 'refund', tokens_taken_back: 7000, tokens_already_spent: 3000, amount_cents: 2000, currency: 'USD', transaction_id: 'txn_01hv8x4k', adjustment_id: 'adj_01hv9a2c' },
		detail: { via: 'Paddle' }
	}),
	'store.purchase_charged_back': entry({
		targetType: 'order',
		targetId: 'o-1',
		after: { cause: 'chargeback', tokens_taken_back: 7000, tokens_already_spent: 3000, amount_cents: 2000, currency: 'USD', transaction_id: 'txn_01hv8x4k', adjustment_id: 'adj_01hv9a2c' },
		detail: { via: 'Paddle' }
	}),
	'store.purchase_partly_refunded': entry({
		targetType: 'order',
		targetId: 'o-1',
		after: { tokens_taken_back: 0, paid_cents: 2000, amount_cents: 250, currency: 'USD', transaction_id: 'txn_01hv8x4k', adjustment_id: 'adj_01hv9c3e' },
		detail: { via: 'Paddle' }
	}),
	'store.purchase_credited': entry({
		targetType: 'order',
		targetId: 'o-1',
		after: { tokens_taken_back: 0, paid_cents: 2000, amount_cents: 500, currency: 'USD', transaction_id: 'txn_01hv8x4k', adjustment_id: 'adj_01hv9d8f' },
		detail: { via: 'Paddle' }
	}),
	'store.credit_reversed': entry({
		targetType: 'order',
		targetId: 'o-1',
		after: { paid_cents: 2000, amount_cents: 500, currency: 'USD', transaction_id: 'txn_01hv8x4k', adjustment_id: 'adj_01hv9e1a' },
		detail: { via: 'Paddle' }
	}),
	'store.chargeback_reversed': entry({ targetType: 'order', targetId: 'o-1', after: { tokens_given_back: 7000, amount_cents: 2000, currency: 'USD', transaction_id: 'txn_01hv8x4k', adjustment_id: 'adj_01hv9b7d' }, detail: { via: 'Paddle' } }),
	'store.chargeback_warned': entry({ targetType: 'order', targetId: 'o-1', after: { tokens_taken_back: 0, paid_cents: 2000, amount_cents: 2000, currency: 'USD', transaction_id: 'txn_01hv8x4k', adjustment_id: 'adj_01hv9f2b' }, detail: { via: 'Paddle' } }),
	'store.chargeback_warning_withdrawn': entry({ targetType: 'order', targetId: 'o-1', after: { tokens_taken_back: 0, paid_cents: 2000, amount_cents: 2000, currency: 'USD', transaction_id: 'txn_01hv8x4k', adjustment_id: 'adj_01hv9f3c' }, detail: { via: 'Paddle' } }),
	'store.products_reordered': entry({ targetType: 'product', before: { order: ['tokens-5k', 'annual-300k'] }, after: { order: ['annual-300k', 'tokens-5k'] } }),
	'webhook_endpoint.create': entry({ targetType: 'webhook_endpoint', after: { url: 'https://example.com/hooks', event_types: ['grant.created', 'balance.low'] } }),
	'webhook_endpoint.update': entry({
		targetType: 'webhook_endpoint',
		before: { url: 'https://example.com/hooks', event_types: ['grant.created'], enabled: true },
		after: { url: 'https://example.com/hooks', event_types: ['grant.created'], enabled: false }
	}),
	'webhook_endpoint.delete': entry({ targetType: 'webhook_endpoint', before: { url: 'https://example.com/hooks' } }),
	'webhook_endpoint.disabled': entry({ targetType: 'webhook_endpoint', detail: { url: 'https://example.com/hooks', reason: 'Every delivery failed for a day.' } }),
	'webhook_endpoint.secret_rotated': entry({ targetType: 'webhook_endpoint', detail: { url: 'https://example.com/hooks', previous_secret_expires_at: '2026-12-08T10:00:00.000Z' } }),
	'webhook_delivery.redeliver': entry({ targetType: 'webhook_endpoint', detail: { delivery_id: 'd-1', event_id: 'evt-1' } }),
	'webhook_delivery.retry_now': entry({ targetType: 'webhook_endpoint', detail: { delivery_id: 41, event_id: 'msg_2x' } }),
	'webhook_endpoint.test_sent': entry({ targetType: 'webhook_endpoint', detail: { delivery_id: 42, event_id: 'msg_3y' } }),
	'job.run_now': entry({ targetType: 'job', targetId: '7', detail: { name: 'anomalies.check', key: null } })
};

const words = (action: AuditAction) => auditWords({ action, ...samples[action] }, names);
const textOf = (v: AuditValue) => ('text' in v ? v.text : null);
/** A key as code names it: camelCase, snake_case or dotted. */
const RAW_KEY = /[a-z][A-Z]|_|\.[a-z]/;

describe('the audit log in words', () => {
	it("names each action apart in the log's filter: no two actions share their words", () => {
		const byTitle = new Map<string, string[]>();
		for (const action of AUDIT_ACTIONS) byTitle.set(auditTitle(action), [...(byTitle.get(auditTitle(action)) ?? []), action]);
		expect([...byTitle.values()].filter((actions) => actions.length > 1)).toEqual([]);
	});

	it("titles an entry so its action in the filter is known from it: the entry's title holds the filter's words but its last (the verb)", () => {
		for (const action of AUDIT_ACTIONS) {
			const entry = words(action).title.toLowerCase();
			const named = auditTitle(action).toLowerCase().split(' ').slice(0, -1);
			expect(named.filter((w) => !entry.split(' ').includes(w)), `${action}: “${auditTitle(action)}” / “${words(action).title}”`).toEqual([]);
		}
	});

	it('words every action the code can write: its title, and each line and field named, never a key', () => {
		expect(Object.keys(samples).sort()).toEqual([...AUDIT_ACTIONS].sort());
		for (const action of AUDIT_ACTIONS) {
			expect(hasWords(action), action).toBe(true);
			const w = words(action);
			for (const title of [w.title, auditTitle(action)]) {
				expect(title, action).not.toMatch(RAW_KEY);
				expect(title, action).toMatch(/^[A-Z]/);
			}
			for (const name of [...w.lines.map((l) => l.label), ...w.changes.map((c) => c.field)]) {
				expect(name, `${action}: ${name}`).not.toMatch(RAW_KEY);
				expect(name, `${action}: ${name}`).toMatch(/^[A-Z]/);
			}
			// A key is the admin's own identifier, as the API and the Rates page name it ("chat_reply"): said as it is.
			for (const v of [...w.lines.filter((l) => l.label !== 'Key').map((l) => l.value), ...w.changes.flatMap((c) => [c.before, c.after])]) {
				const t = textOf(v);
				// Values are figures, instants, money or words: no JSON, no code's enum ("unknown_email").
				if (t !== null) expect(t, `${action}: ${t}`).not.toMatch(/^[[{]|^[a-z]+(_[a-z]+)+$|\bnull\b|undefined|\[object/);
			}
		}
	});

	it("names the Limits page's actions in one vocabulary, DESIGN.md's: a module's free allowance and its limit, never \"module limits\"", () => {
		const limitsPage = ['allowance.set', 'limits.module_saved', 'limits.rollover_saved'] as const;
		expect(limitsPage.map((a) => auditTitle(a))).toEqual(['Free allowance set', 'Free allowances saved', 'Free allowance rollover saved']);
		// Entries written before, under the same keys (the log is append-only), read in these words too: a module's save names its module.
		expect(words('limits.module_saved')).toMatchObject({ title: 'Free allowances saved', lines: [{ label: 'Module', value: { text: 'Chatbot' } }] });
		// No action of the log calls an allowance a "limit" of a module, nor its tokens "free tokens".
		for (const action of AUDIT_ACTIONS) expect(auditTitle(action), action).not.toMatch(/module limits|free tokens/i);
	});

	it('says unlimited use granted and ended with its model, its end and its note', () => {
		expect(words('unlimited.granted')).toEqual({
			title: 'Unlimited granted',
			lines: [
				{ label: 'As', value: { text: 'Added by an admin' } },
				{ label: 'Model', value: { text: 'GPT-5 Nano' } },
				{ label: 'Until', value: { text: 'No end date' } },
				{ label: 'Note', value: { text: 'Tester' } }
			],
			changes: []
		});
		expect(words('unlimited.ended')).toEqual({
			title: 'Unlimited ended',
			lines: [
				{ label: 'Model', value: { text: 'Any model (general balance)' } },
				{ label: 'Note', value: { text: 'Tester' } }
			],
			changes: [{ field: 'Until', before: { text: 'No end date' }, after: { at: '2026-12-05T08:00:00.000Z' } }]
		});
	});

	it('says a bonus as a figure before and after, with its tokens, model and note; no lot id', () => {
		expect(words('bonus.granted')).toEqual({
			title: 'Bonus granted',
			lines: [
				{ label: 'Tokens', value: { figure: 500 } },
				{ label: 'Model', value: { text: 'GPT-5 Nano' } },
				{ label: 'Expires', value: { text: 'Never' } },
				{ label: 'Note', value: { text: 'Thanks for the bug report' } }
			],
			changes: [{ field: 'Balance (tokens)', before: { figure: 18120 }, after: { figure: 18620 } }]
		});
		expect(words('balance.adjusted').lines).toEqual([
			{ label: 'Change (tokens)', value: { figure: 10, signed: true } },
			{ label: 'Reason', value: { text: 'Goodwill' } }
		]);
	});

	it('names a sign-in and why one was refused', () => {
		expect(words('auth.signin')).toEqual({ title: 'Signed in', lines: [], changes: [] });
		expect(words('auth.signin_failed')).toEqual({
			title: 'Sign-in refused',
			lines: [
				{ label: 'Email', value: { text: 'nobody@example.com' } },
				{ label: 'Why', value: { text: 'No account has this e-mail address' } }
			],
			changes: []
		});
	});

	it("says a member's own changes in Settings: the name and address before and after, how many other sessions a new password ended", () => {
		expect(words('user.name_changed')).toEqual({ title: 'Name changed in Settings', lines: [], changes: [{ field: 'Name', before: { text: 'Leo M.' }, after: { text: 'Leo Martin' } }] });
		expect(words('user.email_changed').changes).toEqual([{ field: 'Email', before: { text: 'leo@example.com' }, after: { text: 'leo.martin@example.com' } }]);
		expect(words('user.email_confirmed')).toEqual({ title: 'Email address confirmed', lines: [{ label: 'Email', value: { text: 'leo.martin@example.com' } }], changes: [] });
		expect(words('auth.current_password_failed')).toEqual({ title: 'Wrong current password in Settings', lines: [{ label: 'Trying to change', value: { text: 'their e-mail address' } }], changes: [] });
		expect(words('user.password_changed')).toEqual({ title: 'Password changed in Settings', lines: [{ label: 'Other sessions signed out', value: { figure: 2 } }], changes: [] });
	});

	it("says which of a member's caps on the team ended with their membership, and nothing of caps when none did", () => {
		expect(words('team.member_removed')).toEqual({
			title: 'Removed from the team',
			lines: [
				{ label: 'Their caps, ended with it', value: { text: '5,000 tokens a day · 20,000 tokens a week' } },
				{ label: 'Team role', value: { text: 'Member' } }
			],
			changes: []
		});
		expect(words('team.member_left')).toEqual({ title: 'Left the team', lines: [{ label: 'Team role', value: { text: 'Admin' } }], changes: [] });
		// One token is one token.
		const one = auditWords({ action: 'team.member_removed', ...samples['team.member_removed'], detail: { capsEnded: [{ period: 'daily', limitTokens: 1 }] } }, names);
		expect(one.lines[0]).toEqual({ label: 'Their caps, ended with it', value: { text: '1 token a day' } });
	});

	it('links the member or team an entry names by id to their page', () => {
		expect(words('cap.set')).toEqual({
			title: 'Daily cap set',
			lines: [
				{ label: 'For', value: { text: 'Leo Martin', account: 'acc-leo' } },
				{ label: 'Cap (tokens)', value: { figure: 5000 } }
			],
			changes: []
		});
		expect(words('campaign.created').lines[0]).toEqual({ label: 'Who gets it', value: { text: 'Acme Studio', account: 'acc-acme' } });
		expect(namesNeeded([{ action: 'cap.set', ...samples['cap.set'] }]).ids).toEqual(new Set([memberId]));
	});

	it('lists only the settings that changed, each by its name and in its own words', () => {
		const w = words('site.settings_updated');
		expect(w.changes.map((c) => c.field)).toEqual(['Time zone', 'Week starts on', "Each team's daily cap (default, tokens)"]);
		expect(w.changes[0]).toMatchObject({ before: { text: 'UTC' }, after: { text: expect.stringMatching(/^Addis Ababa time \(UTC\+3\)$/) } });
		expect(w.changes[1]).toEqual({ field: 'Week starts on', before: { text: 'Monday' }, after: { text: 'Sunday' } });
		expect(w.changes[2]).toEqual({ field: "Each team's daily cap (default, tokens)", before: { text: 'None' }, after: { figure: 50000 } });
		// A module's limits: one field per role, by the role's name.
		expect(words('limits.module_saved').changes).toEqual([
			{ field: 'Guest limit', before: { figure: 2000 }, after: { text: 'Not available' } },
			{ field: 'Limit message', before: { text: 'Buy tokens.' }, after: { text: 'Sign up to chat.' } },
			{ field: 'Limit for Author', before: { figure: 20000 }, after: { figure: 25000 } }
		]);
		// No guest rule is None (a guest has no balance: it needs an account): an older entry without the
		// guest field says so, never "Unlimited"; members without a rule pay from their balance.
		const { guest: _noGuestRule, members: _noMemberRule, ...ruleless } = limits;
		const fromNoRule = auditWords({ action: 'limits.module_saved', ...samples['limits.module_saved'], before: ruleless, after: { ...limits, guest: 1000, limitType: 'role' } }, names);
		expect(fromNoRule.changes.slice(0, 2)).toEqual([
			{ field: 'Guest limit', before: { text: 'None: needs an account' }, after: { figure: 1000 } },
			{ field: 'User limit (any other role)', before: { text: 'None: pays from the balance' }, after: { figure: 10000 } }
		]);
		// From None to a limit per role: every audience whose rule changed, from what it got (None, not
		// "Unlimited") to what it gets, a role at 0 included ("Not available").
		const none = { ...limits, limitType: 'none', members: 'none', roles: {} };
		const perRole = { ...limits, limitType: 'role', members: 0, roles: { subscriber: 1000, admin: 0, author: 0 } };
		expect(auditWords({ action: 'limits.module_saved', ...samples['limits.module_saved'], before: none, after: perRole }, names).changes).toEqual([
			{ field: "Users' free allowance", before: { text: 'None: users pay from their balance' }, after: { text: 'A limit per role' } },
			{ field: 'User limit (any other role)', before: { text: 'None: pays from the balance' }, after: { text: 'Not available' } },
			{ field: 'Limit for Member', before: { text: 'None: pays from the balance' }, after: { figure: 1000 } },
			{ field: 'Limit for Admin', before: { text: 'None: pays from the balance' }, after: { text: 'Not available' } },
			{ field: 'Limit for Author', before: { text: 'None: pays from the balance' }, after: { text: 'Not available' } }
		]);
		// From None to one limit for every user: said as that, not as "any other role" (newcomer walk 6).
		expect(auditWords({ action: 'limits.module_saved', ...samples['limits.module_saved'], before: none, after: { ...limits, limitType: 'general', members: 3000, roles: {} } }, names).changes.slice(0, 2)).toEqual([
			{ field: "Users' free allowance", before: { text: 'None: users pay from their balance' }, after: { text: 'One limit for every user' } },
			{ field: 'Limit for every user', before: { text: 'None: pays from the balance' }, after: { figure: 3000 } }
		]);
		// Back to one limit for every user: each role now gets the user limit.
		const general = { ...limits, limitType: 'general', members: 500, roles: {} };
		expect(auditWords({ action: 'limits.module_saved', ...samples['limits.module_saved'], before: perRole, after: general }, names).changes.slice(1)).toEqual([
			{ field: 'User limit (any other role)', before: { text: 'Not available' }, after: { figure: 500 } },
			{ field: 'Limit for Member', before: { figure: 1000 }, after: { figure: 500 } },
			{ field: 'Limit for Admin', before: { text: 'Not available' }, after: { figure: 500 } },
			{ field: 'Limit for Author', before: { text: 'Not available' }, after: { figure: 500 } }
		]);
		// Saved as it was (the demo's setup): what was asked, so the entry still says something.
		expect(auditWords({ action: 'site.settings_updated', ...samples['site.settings_updated'], after: { ...site, updatedAt: 'later' }, detail: { via: 'demo data', timeZone: 'UTC', weekStart: 1 } }, names)).toEqual({
			title: 'Site settings changed',
			lines: [
				{ label: 'Changed', value: { text: 'Nothing: saved as it was' } },
				{ label: 'Time zone', value: { text: 'UTC' } },
				{ label: 'Week starts on', value: { text: 'Monday' } }
			],
			changes: []
		});
		expect(words('limits.rollover_saved').changes).toEqual([
			{ field: 'Rollover', before: { text: 'Off' }, after: { text: 'On, up to 50% of the limit held at a time; each rollover expires after 2 periods' } }
		]);
	});

	it('says the key and module of a feature added or removed, and a module a feature moved to', () => {
		const feature = samples['rates.feature_removed'].before as Record<string, unknown>;
		const added = auditWords({ action: 'rates.feature_saved', ...entry({ targetType: 'feature', targetId: 'chat_reply', after: feature }) }, names);
		expect(added.title).toBe('Feature added');
		expect(added.lines.slice(0, 3)).toEqual([
			{ label: 'Name', value: { text: 'Chat reply' } },
			{ label: 'Key', value: { text: 'chat_reply' } },
			{ label: 'Module', value: { text: 'Chatbot' } }
		]);
		expect(words('rates.feature_removed').lines.map((l) => l.label).slice(0, 3)).toEqual(['Name', 'Key', 'Module']);
		const module = words('rates.module_removed');
		expect(module.title).toBe('Module removed');
		expect(module.lines.slice(0, 3)).toEqual([{ label: 'Name', value: { text: 'Images' } }, { label: 'Key', value: { text: 'images' } }, { label: 'Limit message', value: { text: 'Buy tokens.' } }]);
		const moved = auditWords({ action: 'rates.feature_saved', ...entry({ targetType: 'feature', targetId: 'chat_reply', before: feature, after: { ...feature, module: 'forms' } }) }, names);
		expect(moved.changes).toEqual([{ field: 'Module', before: { text: 'Chatbot' }, after: { text: 'forms' } }]);
		// A unit in the words of the Rates form and list: "model token", not "token" in one place and "Model token" in another.
		const counted = auditWords({ action: 'rates.feature_saved', ...entry({ targetType: 'feature', targetId: 'chat_reply', before: feature, after: { ...feature, unit: 'token' } }) }, names);
		expect(counted.changes).toEqual([{ field: 'Charged per', before: { text: 'Word' }, after: { text: 'Model token' } }]);
		expect(auditWords({ action: 'rates.model_saved', ...entry({ targetType: 'model', after: { key: 'gpt-5-nano', name: 'GPT-5 Nano', engine: 'openai' } }) }, names).lines.map((l) => l.label)).toEqual(['Name', 'Key', 'Engine']);
	});

	it('lists every field of a webhook endpoint that changed, its description too', () => {
		const before = { url: 'https://example.com/hooks', description: 'Billing', event_types: ['grant.created'], enabled: true };
		const changed = auditWords({ action: 'webhook_endpoint.update', ...entry({ targetType: 'webhook_endpoint', before, after: { ...before, description: 'Billing backend', event_types: ['grant.created', 'balance.low'] } }) }, names);
		expect(changed.changes.map((c) => [c.field, textOf(c.before), textOf(c.after)])).toEqual([
			['Description', 'Billing', 'Billing backend'],
			['Events', 'grant.created', 'grant.created, balance.low']
		]);
	});

	it('says which endpoint’s secret was rotated and until when the old one signs, never a secret', () => {
		const rotated = auditWords({ action: 'webhook_endpoint.secret_rotated', ...entry({ targetType: 'webhook_endpoint', detail: { url: 'https://example.com/hooks', previous_secret_expires_at: '2026-12-08T10:00:00.000Z' } }) }, names);
		expect(rotated.title).toBe('Webhook signing secret rotated');
		expect(rotated.lines).toEqual([
			{ label: 'Endpoint', value: { text: 'https://example.com/hooks' } },
			{ label: 'Old secret also signs until', value: { at: '2026-12-08T10:00:00.000Z' } }
		]);
	});

	it('says a package’s new price with its new Paddle price id and the old one archived', () => {
		const before = { ...product, retiredPrices: [] };
		const after = { ...before, priceCents: 19999, paddlePriceSandbox: 'pri_01new', retiredPrices: [{ environment: 'sandbox', priceId: 'pri_01hdemo', unitPriceCents: 18000, currency: 'USD', retiredAt: '2026-12-05T01:00:00.000Z' }] };
		expect(auditWords({ action: 'store.product_updated', ...entry({ targetType: 'product', targetId: 'annual-300k', before, after }) }, names).changes).toEqual([
			{ field: 'Price', before: { cents: 18000, currency: 'USD' }, after: { cents: 19999, currency: 'USD' } },
			{ field: 'Paddle price id, sandbox', before: { text: 'pri_01hdemo' }, after: { text: 'pri_01new' } },
			{ field: 'Archived Paddle prices', before: { text: 'None' }, after: { text: 'pri_01hdemo (sandbox)' } }
		]);
	});

	it('names a purchase’s package as it was sold, whatever it is called now', () => {
		const sold = auditWords({ action: 'store.purchase_completed', ...samples['store.purchase_completed'], after: { ...(samples['store.purchase_completed'].after as object), package_name: 'Chat monthly' } }, names);
		expect(sold.lines.filter((l) => l.label === 'Package')).toEqual([{ label: 'Package', value: { text: 'Chat monthly' } }]);
		expect(sold.lines.map((l) => l.label)).not.toContain('Package name');
	});

	it('lists what a new thing is, field by field, and leaves out ids and bookkeeping', () => {
		const w = words('store.product_created');
		expect(w.title).toBe('Package added');
		expect(w.lines.map((l) => l.label)).toEqual([
			'Name', 'Kind', 'Price', 'Currency', 'Tokens', 'Most at once', 'Renews', 'On sale', 'Description', 'Paddle price id, sandbox', 'Paddle price id, production'
		]);
		expect(w.lines[2]).toEqual({ label: 'Price', value: { cents: 18000, currency: 'USD' } });
		// A package deleted (never ordered) is said as it was, field by field.
		const gone = words('store.product_deleted');
		expect(gone.title).toBe('Package deleted (never ordered)');
		expect(gone.lines).toEqual(w.lines);
		expect(words('key.created').lines).toEqual([
			{ label: 'Key', value: { text: 'Chatbot' } },
			{ label: 'Starts with', value: { text: 'qk_3gybdbLS' } },
			{ label: 'Kind', value: { text: 'Account key: acts on this account' } },
			{ label: 'May', value: { text: 'read balances, rates and usage; consume and hold tokens' } }
		]);
	});

	it('says a purchase, a refund and a chargeback reversal with the package, the tokens and the money, and how Paddle billed it', () => {
		expect(words('store.purchase_completed')).toEqual({
			title: 'Purchase completed',
			lines: [
				{ label: 'Package', value: { text: 'Token pack' } },
				{ label: 'Quantity', value: { text: '2' } },
				{ label: 'Tokens', value: { figure: 10000 } },
				{ label: 'Amount', value: { cents: 2000, currency: 'USD' } },
				{ label: 'Paid as', value: { text: 'A checkout' } },
				{ label: 'Paddle transaction', value: { text: 'txn_01hv8x4k' } }
			],
			changes: []
		});
		const renewal = { action: 'store.purchase_completed', ...samples['store.purchase_completed'], after: { ...(samples['store.purchase_completed'].after as object), origin: 'subscription_recurring' } };
		expect(auditWords(renewal, names).title).toBe('Purchase completed: a subscription renewed');
		expect(words('store.purchase_refunded')).toEqual({
			title: 'Purchase refunded',
			lines: [
				{ label: 'Tokens taken back', value: { figure: 7000 } },
				{ label: 'Tokens already spent', value: { figure: 3000 } },
				{ label: 'Amount', value: { cents: 2000, currency: 'USD' } },
				{ label: 'Paddle transaction', value: { text: 'txn_01hv8x4k' } },
				{ label: 'Paddle adjustment', value: { text: 'adj_01hv9a2c' } }
			],
			changes: []
		});
		// Money paid back without tokens: how much, of what the order paid, and why no tokens went with it.
		expect(words('store.purchase_partly_refunded')).toEqual({
			title: 'Purchase partly refunded',
			lines: [
				{ label: 'Paid back', value: { cents: 250, currency: 'USD' } },
				{ label: 'Paid for the order', value: { cents: 2000, currency: 'USD' } },
				{ label: 'Tokens taken back', value: { text: 'None: Paddle does not say which of the tokens a partial refund is for; adjust the balance to take some back' } },
				{ label: 'Paddle transaction', value: { text: 'txn_01hv8x4k' } },
				{ label: 'Paddle adjustment', value: { text: 'adj_01hv9c3e' } }
			],
			changes: []
		});
		expect(words('store.purchase_credited').title).toBe("Purchase credited to the buyer's Paddle balance");
		expect(words('store.purchase_credited').lines[2]!.value).toEqual({ text: 'None: Paddle does not say which of the tokens a credit is for; adjust the balance to take some back' });
		expect(words('store.credit_reversed')).toMatchObject({
			title: "Credit to the buyer's Paddle balance reversed",
			lines: [
				{ label: 'Taken back from the buyer', value: { cents: 500, currency: 'USD' } },
				{ label: 'Paid for the order', value: { cents: 2000, currency: 'USD' } },
				{ label: 'Paddle transaction', value: { text: 'txn_01hv8x4k' } },
				{ label: 'Paddle adjustment', value: { text: 'adj_01hv9e1a' } }
			]
		});
		expect(words('store.purchase_charged_back').title).toBe('Purchase charged back');
		// One written before chargebacks had their own action says the same.
		const chargeback = { action: 'store.purchase_refunded', ...samples['store.purchase_refunded'], after: { ...(samples['store.purchase_refunded'].after as object), cause: 'chargeback' } };
		expect(auditWords(chargeback, names).title).toBe('Purchase charged back');
		expect(words('store.chargeback_reversed').lines.slice(0, 2)).toEqual([
			{ label: 'Tokens given back', value: { figure: 7000 } },
			{ label: 'Amount', value: { cents: 2000, currency: 'USD' } }
		]);
	});

	it("says a partial chargeback with its share of the order's tokens, and a chargeback warning and its withdrawal with why no tokens moved", () => {
		const partial = {
			action: 'store.purchase_charged_back',
			...samples['store.purchase_charged_back'],
			after: { cause: 'chargeback', tokens_due: 5000, paid_cents: 2000, tokens_taken_back: 3000, tokens_already_spent: 2000, amount_cents: 1000, currency: 'USD', transaction_id: 'txn_01hv8x4k', adjustment_id: 'adj_01hv9a2c' }
		};
		expect(auditWords(partial, names)).toEqual({
			title: 'Purchase partly charged back',
			lines: [
				{ label: 'Tokens taken back', value: { figure: 3000 } },
				{ label: 'Tokens already spent', value: { figure: 2000 } },
				{ label: "Share of the order's tokens", value: { figure: 5000 } },
				{ label: 'Amount', value: { cents: 1000, currency: 'USD' } },
				{ label: 'Paid for the order', value: { cents: 2000, currency: 'USD' } },
				{ label: 'Paddle transaction', value: { text: 'txn_01hv8x4k' } },
				{ label: 'Paddle adjustment', value: { text: 'adj_01hv9a2c' } }
			],
			changes: []
		});
		expect(words('store.chargeback_warned')).toEqual({
			title: "Chargeback warning: the buyer's bank reports a dispute",
			lines: [
				{ label: 'Disputed', value: { cents: 2000, currency: 'USD' } },
				{ label: 'Paid for the order', value: { cents: 2000, currency: 'USD' } },
				{ label: 'Tokens taken back', value: { text: 'None: a warning moves no money; a chargeback, if one follows, takes its tokens back' } },
				{ label: 'Paddle transaction', value: { text: 'txn_01hv8x4k' } },
				{ label: 'Paddle adjustment', value: { text: 'adj_01hv9f2b' } }
			],
			changes: []
		});
		expect(words('store.chargeback_warning_withdrawn').title).toBe('Chargeback warning withdrawn: the dispute ended without a chargeback');
		expect(words('store.chargeback_warning_withdrawn').lines[2]).toEqual({ label: 'Tokens taken back', value: { text: 'None: no chargeback came of the warning' } });
	});

	it('says a daily cap set from an alert after the day had reached it stopped that day’s spending', () => {
		expect(words('cap.lowered_from_flag').lines).toEqual([{ label: 'Used that day (tokens)', value: { figure: 12040 } }]);
		const stopped = { action: 'cap.lowered_from_flag', ...samples['cap.lowered_from_flag'], after: { daily: 400 }, detail: { flagId: 'f-1', usedToday: 1150, stoppedToday: true } };
		expect(auditWords(stopped, names).lines).toEqual([
			{ label: 'Used that day (tokens)', value: { figure: 1150 } },
			{ label: 'That day', value: { text: 'Spending stopped until the day ended: its use had already reached the cap, as the alert said' } }
		]);
	});

	it('still reads an action this release does not know as words', () => {
		expect(auditWords({ action: 'store.price_synced', targetType: null, targetId: null, before: { limitTokens: 1 }, after: { limitTokens: 2 }, detail: null }, names)).toEqual({
			title: 'Store price synced',
			lines: [],
			changes: [{ field: 'Limit tokens', before: { text: '1' }, after: { text: '2' } }]
		});
		expect(auditTitle('store.price_synced')).toBe('Store price synced');
		expect(hasWords('store.price_synced')).toBe(false);
	});
});

describe('the badge of an entry’s actor', () => {
	it('says in words where a person acted (not a role), and nothing beside an API key, Quota itself or someone not signed in, whose words say what they were', () => {
		expect(['admin', 'user', 'key', 'system'].map(actorBadge)).toEqual(['in the console', 'on their account', null, null]);
		expect(actorBadge(null)).toBeNull();
	});
});
