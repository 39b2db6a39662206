import { describe, expect, it } from 'vitest';
import { privateWhenSettingCookies } from '../../src/lib/server/http/cookie-cache';

const answer = (cacheControl: string | null, cookie: string | null) => {
	const headers = new Headers();
	if (cacheControl) headers.set('cache-control', cacheControl);
	if (cookie) headers.append('set-cookie', cookie);
	return new Response('body', { status: 200, headers });
};

describe('an answer that sets a cookie is never stored by a shared cache', () => {
	it('public becomes private, keeping how long the browser may keep it; s-maxage goes', async () => {
		const r = privateWhenSettingCookies(answer('public, max-age=300, s-maxage=600', 'quota_guest=abc; Path=/; HttpOnly'));
		expect(r.headers.get('cache-control')).toBe('private, max-age=300');
		expect(r.headers.get('set-cookie')).toBe('quota_guest=abc; Path=/; HttpOnly');
		await expect(r.text()).resolves.toBe('body');
	});
	it('s-maxage alone is made private too', () => {
		expect(privateWhenSettingCookies(answer('max-age=60, s-maxage=600', 'a=1')).headers.get('cache-control')).toBe('private, max-age=60');
	});
	it('answers without a cookie, or already private or no-store, are left as they are', () => {
		for (const [cc, cookie] of [['public, max-age=300', null], ['no-store', 'a=1'], ['private, max-age=5', 'a=1'], [null, 'a=1']] as const) {
			const r = answer(cc, cookie);
			expect(privateWhenSettingCookies(r)).toBe(r);
		}
	});
});
