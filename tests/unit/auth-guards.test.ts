import { describe, expect, it } from 'vitest';
import { safeNext } from '../../src/lib/server/forms';
import { rejectsNonJson } from '../../src/lib/server/http/json-only';
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

describe('rejectsNonJson: JSON endpoints take JSON only', () => {
	const req = (method: string, type?: string) => new Request('http://x/', { method, headers: type ? { 'content-type': type } : {}, body: method === 'GET' ? undefined : '{}' });
	it.each([
		['POST', '/trpc/me.updateProfile', 'application/json', false],
		['POST', '/api/v1/consume', 'application/json; charset=utf-8', false],
		['POST', '/api/v1/consume', 'application/merge-patch+json', false],
		['POST', '/trpc/me.updateProfile', 'text/plain', true],
		['POST', '/api/v1/consume', 'application/x-www-form-urlencoded', true],
		['POST', '/api/v1/consume', 'multipart/form-data; boundary=x', true],
		['POST', '/api/v1/consume', undefined, true],
		['PUT', '/api/v1/x', 'text/plain', true],
		['GET', '/api/v1/balance', undefined, false],
		['POST', '/signin', 'application/x-www-form-urlencoded', false]
	])('%s %s (%s) refused: %s', (method, path, type, refused) => {
		expect(rejectsNonJson(req(method, type), path)).toBe(refused);
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
