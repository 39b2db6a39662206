import { describe, expect, it } from 'vitest';
import { actorKind, type ActorFacts } from '../../src/lib/server/accounts/audit';

describe('the kind of an entry’s actor, written with it', () => {
	const facts = (f: Partial<ActorFacts>): ActorFacts => ({ action: 'auth.signin', actorUserId: null, actorKeyId: null, ip: null, ownAccount: false, ...f });
	const person = { actorUserId: 'u1', ip: '10.0.0.1' };
	it('is a site admin for what only the console does, even to the admin’s own account, and for what a person did to the site or to an account not theirs', () => {
		expect(actorKind(facts({ ...person, action: 'balance.adjusted', ownAccount: true }))).toBe('admin');
		expect(actorKind(facts({ ...person, action: 'bonus.granted', ownAccount: false }))).toBe('admin');
		expect(actorKind(facts({ ...person, action: 'limits.module_saved' }))).toBe('admin');
		expect(actorKind(facts({ ...person, action: 'key.created', ownAccount: false }))).toBe('admin');
		expect(actorKind(facts({ ...person, action: 'team.renamed', ownAccount: false }))).toBe('admin');
	});
	it('is a user for a person on their own account or team, and on their own membership as they leave it', () => {
		expect(actorKind(facts({ ...person, action: 'auth.signin', ownAccount: true }))).toBe('user');
		expect(actorKind(facts({ ...person, action: 'key.created', ownAccount: true }))).toBe('user');
		expect(actorKind(facts({ ...person, action: 'cap.lowered_from_flag', ownAccount: true }))).toBe('user');
		expect(actorKind(facts({ ...person, action: 'team.member_left', ownAccount: false }))).toBe('user');
	});
	it('is a key for a key, Quota itself (system) for no person, key or request, and none for someone not signed in', () => {
		expect(actorKind(facts({ action: 'ledger.grant', actorKeyId: 'k1', ip: '10.0.0.2' }))).toBe('key');
		expect(actorKind(facts({ action: 'ledger.grant' }))).toBe('system');
		expect(actorKind(facts({ action: 'webhook_endpoint.disabled' }))).toBe('system');
		expect(actorKind(facts({ action: 'auth.signin_failed', ip: '10.0.0.3' }))).toBeNull();
	});
});
