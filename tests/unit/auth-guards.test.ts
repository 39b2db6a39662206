import { describe, expect, it } from 'vitest';
import { safeNext } from '../../src/lib/server/forms';
import { rejectsNonJson, sendsNonJson } from '../../src/lib/server/http/json-only';
import { passwordSchema, emailSchema } from '../../src/lib/server/accounts/validation';

describe('safeNext: where to go after signing in', () => {
	it.each([
		['/usage', '/usage'],
		['/invite/abc?x=1#y', '/invite/abc?x=1#y'],
		[null, '/dashboard'],
		['', '/dashboard'],
		['//evil.example', '/dashboard'],
		['/\\evil.example', '/dashboard'],
		['https://evil.example/', '/dashboard'],
		['javascript:alert(1)', '/dashboard'],
		['/ok\r\nSet-Cookie: x=1', '/dashboard'],
		['/' + 'a'.repeat(600), '/dashboard']
	])('%j → %s', (next, expected) => {
		expect(safeNext(next)).toBe(expected);
	});
});

describe('sendsNonJson: JSON endpoints take JSON only', () => {
	const req = (method: string, type?: string) => new Request('http://x/', { method, headers: type ? { 'content-type': type } : {}, body: method === 'GET' ? undefined : '{}' });
	it.each([
		['POST', 'application/json', false],
		['POST', 'application/json; charset=utf-8', false],
		['POST', 'application/merge-patch+json', false],
		['POST', 'text/plain', true],
		['POST', 'application/x-www-form-urlencoded', true],
		['POST', 'multipart/form-data; boundary=x', true],
		['POST', undefined, true],
		['PUT', 'text/plain', true],
		['GET', undefined, false]
	])('%s (%s) not JSON: %s', (method, type, refused) => {
		expect(sendsNonJson(req(method, type))).toBe(refused);
	});

	// REST v1 refuses it in its routes, after the key (rest/handler.ts): the first hook leaves it alone.
	it.each([
		['/trpc/me.updateProfile', true],
		['/api/webhooks/paddle', true],
		['/api/v1/consume', false],
		['/signin', false]
	])('the first hook refuses a text/plain POST to %s: %s', (path, refused) => {
		expect(rejectsNonJson(req('POST', 'text/plain'), path)).toBe(refused);
	});
});

describe('input rules', () => {
	it('normalises emails and refuses malformed ones', () => {
		expect(emailSchema.parse('  Ada@Example.COM ')).toBe('ada@example.com');
		for (const bad of ['ada', 'ada@', '@example.com', 'a b@example.com', `${'x'.repeat(250)}@example.com`]) {
			expect(emailSchema.safeParse(bad).success, bad).toBe(false);
		}
	});

	it('wants 10+ characters, not letters only, not one repeated character', () => {
		for (const ok of ['correct horse 9', 'Tr0ub4dor&3', 'пароль-пароль-1']) expect(passwordSchema.safeParse(ok).success, ok).toBe(true);
		for (const bad of ['short1!', 'onlyletters', 'only letters here', '1111111111', 'a'.repeat(257)]) expect(passwordSchema.safeParse(bad).success, bad).toBe(false);
	});
});
