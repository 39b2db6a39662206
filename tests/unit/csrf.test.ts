import { describe, expect, it } from 'vitest';
import { isCrossSiteRequest } from '../../src/lib/server/http/csrf';

const configured = 'http://localhost:3000';
const request = (method: string, headers: Record<string, string>) => new Request('http://localhost:3000/x', { method, headers });
const crossSite = (method: string, path: string, headers: Record<string, string>) => isCrossSiteRequest(request(method, headers), path, configured);

describe('cross-site request check (cookie-authenticated routes)', () => {
	it('lets a browser post from the page it is on, whatever address it reached the app by', () => {
		expect(crossSite('POST', '/signin', { 'sec-fetch-site': 'same-origin', origin: 'http://127.0.0.1:3000', host: '127.0.0.1:3000' })).toBe(false);
		// Browsers without Sec-Fetch-Site: Origin equal to the request's own host, or to the configured ORIGIN.
		expect(crossSite('POST', '/signin', { origin: 'http://127.0.0.1:3000', host: '127.0.0.1:3000' })).toBe(false);
		expect(crossSite('POST', '/trpc/settings.save', { origin: configured, host: 'internal:8080' })).toBe(false);
		// Typed into the address bar or a bookmark.
		expect(crossSite('POST', '/signout', { 'sec-fetch-site': 'none' })).toBe(false);
	});

	it('refuses a form or a tRPC mutation another site makes the browser send', () => {
		expect(crossSite('POST', '/signin', { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' })).toBe(true);
		expect(crossSite('POST', '/trpc/store.checkout', { 'sec-fetch-site': 'same-site', origin: 'http://shop.localhost:3000' })).toBe(true);
		expect(crossSite('POST', '/signin', { origin: 'https://evil.example', host: 'localhost:3000' })).toBe(true);
		expect(crossSite('DELETE', '/api/paddle-simulator/transactions/txn_1/refund', { origin: 'null', host: 'localhost:3000' })).toBe(true);
	});

	it('leaves reads, non-browser callers and bearer-key or signed routes alone', () => {
		expect(crossSite('GET', '/dashboard', { 'sec-fetch-site': 'cross-site' })).toBe(false);
		expect(crossSite('HEAD', '/dashboard', { 'sec-fetch-site': 'cross-site' })).toBe(false);
		expect(crossSite('POST', '/signin', {})).toBe(false);
		expect(crossSite('POST', '/api/v1/consume', { 'sec-fetch-site': 'cross-site', origin: 'https://ai-app.example' })).toBe(false);
		expect(crossSite('POST', '/api/webhooks/paddle', { origin: 'https://paddle.example' })).toBe(false);
	});
});
