import { describe, expect, it } from 'vitest';
import { accountBadge, auditActor, auditBy } from '../../src/lib/client/admin/audit-actor';
import { actorKind, type ActorFacts } from '../../src/lib/server/accounts/audit';
import { actorBadge } from '../../src/lib/server/admin/audit-words';

const none = { actor: null, actorKeyId: null, ip: null };

describe('who an audit entry says did it', () => {
	it('names a signed-in user, with their e-mail where the log shows it', () => {
		const r = { ...none, actor: { name: 'Ada Admin', email: 'admin@quota.test' }, ip: '203.0.113.9' };
		expect(auditActor(r)).toBe('Ada Admin');
		expect(auditActor(r, true)).toBe('Ada Admin (admin@quota.test)');
	});

	it('names the API key that did it, by its name and prefix as the API keys page lists it, a revoked one too', () => {
		const keyId = '5d1c0d7e-0000-4000-8000-000000000001';
		const actorKey = { name: 'Billing backend', prefix: 'qk_3gybdbLS', revoked: false };
		expect(auditActor({ ...none, actorKeyId: keyId, actorKey, ip: '203.0.113.9' })).toBe('The API key “Billing backend” (qk_3gybdbLS…)');
		expect(auditBy({ ...none, actorKeyId: keyId, actorKey: { ...actorKey, revoked: true } })).toBe('the API key “Billing backend” (qk_3gybdbLS…, revoked since)');
		// An entry whose key the log cannot name still says a key did it.
		expect(auditActor({ ...none, actorKeyId: keyId, actorKey: null })).toBe('An API key');
	});

	it('tells a request by someone not signed in (a failed sign-in) from Quota itself (a scheduled job)', () => {
		expect(auditActor({ ...none, ip: '203.0.113.9' })).toBe('Someone not signed in');
		expect(auditActor(none)).toBe('Quota');
	});

	it('says how Quota did it when the entry says (the demo data, an operator command)', () => {
		expect(auditActor({ ...none, detail: { via: 'demo data' } })).toBe('Quota (demo data)');
		expect(auditActor({ ...none, detail: { via: 'command line', reason: 'x' } }, true)).toBe('Quota (command line)');
		expect(auditActor({ ...none, detail: { note: 'Pilot allocation' } })).toBe('Quota');
	});
});

describe('the audit log’s By line of every kind of actor with its badge, and its Account line', () => {
	const person = { name: 'Maya Patel', email: 'maya@quota.test' };
	const facts = (f: Partial<ActorFacts>): ActorFacts => ({ action: 'auth.signin', actorUserId: null, actorKeyId: null, ip: null, ownAccount: false, ...f });
	/** The line as the page writes it: "By", who, the badge, where from. */
	const byLine = (f: ActorFacts, detail?: unknown) => {
		const r = { actor: f.actorUserId ? person : null, actorKeyId: f.actorKeyId, actorKey: f.actorKeyId ? { name: 'Chatbot', prefix: 'qk_3gybdbLS', revoked: false } : null, ip: f.ip, detail };
		const badge = actorBadge(actorKind(f));
		return `By ${auditBy(r)}${badge ? ` ${badge}` : ''}${f.ip ? ` · from ${f.ip}` : ''}`;
	};
	/** A word or words said twice in a row ("An API key API key", "Guest Guest"). */
	const twice = /\b(\w[\w ]*?) \1\b/i;

	it('reads as a sentence for each kind of actor: the words beside a person say where they acted (the console, their account), never a role\'s name, and nothing is said twice', () => {
		const ip = '203.0.113.9';
		const lines = [
			byLine(facts({ actorUserId: 'u1', ip, action: 'balance.adjusted', ownAccount: true })),
			byLine(facts({ actorUserId: 'u1', ip, action: 'auth.signin', ownAccount: true })),
			byLine(facts({ actorKeyId: 'k1', ip, action: 'ledger.grant' })),
			byLine(facts({ actorKeyId: 'k1', action: 'ledger.grant' })),
			byLine(facts({ ip, action: 'auth.signin_failed' })),
			byLine(facts({ action: 'ledger.grant' })),
			byLine(facts({ action: 'ledger.grant' }), { via: 'demo data' })
		];
		expect(lines).toEqual([
			`By Maya Patel (maya@quota.test) in the console · from ${ip}`,
			`By Maya Patel (maya@quota.test) on their account · from ${ip}`,
			`By the API key “Chatbot” (qk_3gybdbLS…) · from ${ip}`,
			'By the API key “Chatbot” (qk_3gybdbLS…)',
			`By someone not signed in · from ${ip}`,
			'By Quota',
			'By Quota (demo data)'
		]);
		// Every kind an entry may hold beside a person (a person's was written by an older rule, maybe), and each
		// other actor's own: none reads a word twice, and none names a role ("Admin", "User": what a person is).
		const actors = [{ actorUserId: 'u1' }, { actorKeyId: 'k1' }, { ip }, {}];
		for (const who of actors) for (const kind of 'actorUserId' in who ? ['admin', 'user', 'key', 'system', null] : [actorKind(facts(who))]) {
			const badge = actorBadge(kind);
			const r = { actor: 'actorUserId' in who ? person : null, actorKeyId: null, ip: null, ...who };
			expect(`By ${auditBy(r)}${badge ? ` ${badge}` : ''}`).not.toMatch(twice);
			expect(badge ?? '').not.toMatch(/\b(admin|user|member|owner|author|subscriber)\b/i);
		}
	});

	it('names an account’s kind beside its name unless the name says it (a guest’s account is “Guest” and its guest id)', () => {
		expect(accountBadge({ name: 'Maya Patel', kind: 'user' })).toBe('User');
		expect(accountBadge({ name: 'Acme Studio', kind: 'team' })).toBe('Team pool');
		expect(accountBadge({ name: 'Guest', kind: 'guest' })).toBeNull();
		expect(accountBadge({ name: 'Guest g_1f9c', kind: 'guest' })).toBeNull();
		// A user who happens to be called Guest something is still a user.
		expect(accountBadge({ name: 'Guest Starr', kind: 'user' })).toBe('User');
		for (const kind of ['user', 'team', 'guest']) for (const name of ['Guest', 'Acme Studio', 'Maya Patel', 'Team pool', 'User']) {
			const badge = accountBadge({ name, kind });
			expect(`Account ${name}${badge ? ` ${badge}` : ''}`).not.toMatch(twice);
		}
	});
});
