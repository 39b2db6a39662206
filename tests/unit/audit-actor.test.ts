import { describe, expect, it } from 'vitest';
import { auditActor } from '../../src/lib/client/admin/audit-actor';

const none = { actor: null, actorKeyId: null, ip: null };

describe('who an audit entry says did it', () => {
	it('names a signed-in user, with their e-mail where the log shows it', () => {
		const r = { ...none, actor: { name: 'Ada Admin', email: 'admin@quota.test' }, ip: '203.0.113.9' };
		expect(auditActor(r)).toBe('Ada Admin');
		expect(auditActor(r, true)).toBe('Ada Admin (admin@quota.test)');
	});

	it('says an API key did what a key did', () => {
		expect(auditActor({ ...none, actorKeyId: '5d1c0d7e-0000-4000-8000-000000000001', ip: '203.0.113.9' })).toBe('An API key');
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
