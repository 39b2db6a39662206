import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createTRPCProxyClient, httpLink, TRPCClientError } from '@trpc/client';
import type { AppRouter } from '../../src/lib/server/trpc/router';
import { errorMessage, isNetworkError } from '../../src/lib/client/errors';
import { baseURL } from './browser';

// The build's files (prerendered pages, the client's scripts, icons and manifest) are only read. A
// POST or PUT to /dashboard answered the page itself with 200, as if something had been done
// (adapter-node's static server ignores the method, sveltejs/kit#3294; patches/ mends it).
// A tRPC procedure asked with the wrong method is 405 with Allow too, not tRPC 10's 404 "No
// "mutation"-procedure on path", which says it does not exist (trpc/methods.ts), answered as tRPC
// answers a call, as every refusal a hook gives the app's calls is (http/edge-refusal.ts).

const WRITES = ['POST', 'PUT', 'PATCH', 'DELETE'];

/** The pages the build serves as files (build/prerendered/*.html), so a page prerendered later is covered too. */
function prerenderedPages(): string[] {
	const found: string[] = [];
	const walk = (dir: string) => {
		for (const entry of readdirSync(dir, { withFileTypes: true })) {
			const path = join(dir, entry.name);
			if (entry.isDirectory()) walk(path);
			else if (entry.name.endsWith('.html')) found.push(`/${relative('build/prerendered', path).replace(/\.html$/, '')}`);
		}
	};
	walk('build/prerendered');
	return found.sort();
}

/** One of the client's hashed scripts, as the browser fetches it. */
function clientScript(): string {
	const dir = 'build/client/_app/immutable/entry';
	const file = readdirSync(dir).find((name) => name.endsWith('.js'));
	if (!file) throw new Error(`no script in ${dir}`);
	return `/_app/immutable/entry/${file}`;
}

async function ask(method: string, path: string) {
	const base = baseURL();
	const res = await fetch(`${base}${path}`, { method, redirect: 'manual', headers: { origin: base, 'content-type': 'application/json' }, body: method === 'GET' ? undefined : '{}' });
	return { status: res.status, allow: res.headers.get('allow'), body: await res.text() };
}

describe('the build’s files, asked to change', () => {
	it('finds the prerendered pages', () => {
		expect(prerenderedPages()).toEqual(expect.arrayContaining(['/dashboard', '/usage', '/statement', '/admin', '/admin/users']));
	});

	it('answers 405 with Allow: GET, HEAD on every prerendered page, not the page; GET still serves it', async () => {
		for (const path of prerenderedPages()) {
			for (const method of WRITES) {
				const answer = await ask(method, path);
				expect({ path, method, status: answer.status, allow: answer.allow }).toEqual({ path, method, status: 405, allow: 'GET, HEAD' });
				expect(answer.body).not.toMatch(/<html/i);
			}
			const read = await ask('GET', path);
			expect({ path, status: read.status }).toEqual({ path, status: 200 });
			expect(read.body).toMatch(/<html/i);
		}
	});

	it('answers 405 on the client’s files (a script, the manifest, an icon), which GET still serves', async () => {
		for (const path of [clientScript(), '/manifest.webmanifest', '/favicon.svg']) {
			const read = await ask('GET', path);
			expect({ path, status: read.status }).toEqual({ path, status: 200 });
			for (const method of WRITES) {
				const answer = await ask(method, path);
				expect({ path, method, status: answer.status, allow: answer.allow }).toEqual({ path, method, status: 405, allow: 'GET, HEAD' });
				expect(answer.body).toBe('Method Not Allowed');
			}
		}
	});

	it('leaves a path that is no file to the app: a POST to a made-up script is not found, not 405', async () => {
		const answer = await ask('POST', '/_app/immutable/entry/made-up.js');
		expect(answer.status).toBe(404);
	});
});

describe('tRPC procedures asked with a method they do not take', () => {
	it('answers a query sent by POST (or PUT, alone or in a batch) 405 with Allow: GET, and GET still runs it', async () => {
		for (const [method, path] of [['POST', '/trpc/system.health'], ['PUT', '/trpc/system.health'], ['POST', '/trpc/system.health,referrals.panel?batch=1']]) {
			const answer = await ask(method!, path!);
			expect({ method, path, status: answer.status, allow: answer.allow }).toEqual({ method, path, status: 405, allow: 'GET' });
			const message = `${method} is not allowed here: this is a query, asked with GET.`;
			const call = (procedure: string) => ({ error: expect.objectContaining({ message, data: expect.objectContaining({ code: 'METHOD_NOT_SUPPORTED', httpStatus: 405, path: procedure, domainCode: 'method_not_allowed' }) }) });
			expect(JSON.parse(answer.body)).toEqual(path!.includes('batch') ? [call('system.health'), call('referrals.panel')] : call('system.health'));
		}
		expect((await ask('GET', '/trpc/system.health')).status).toBe(200);
	});

	it('answers a mutation sent by GET 405 with Allow: POST, before it runs: signed out, POST is refused for who asks', async () => {
		const answer = await ask('GET', '/trpc/me.signOutEverywhere');
		expect({ status: answer.status, allow: answer.allow }).toEqual({ status: 405, allow: 'POST' });
		expect(JSON.parse(answer.body).error.data.domainCode).toBe('method_not_allowed');
		expect((await ask('POST', '/trpc/me.signOutEverywhere')).status).toBe(401);
	});

	it('answers a path under the API or the embedded store that names no endpoint 404 in JSON; a browser asking for a page gets the page', async () => {
		for (const path of ['/api/v1/no-such-route', '/embed/store/no-such-endpoint', '/embed/store/orders/']) {
			const answer = await fetch(`${baseURL()}${path}`, { headers: { accept: 'application/json' } });
			expect(answer.status, path).toBe(404);
			expect(answer.headers.get('content-type'), path).toMatch(/^application\/json/);
			const listed = path.startsWith('/api/') ? ': GET /api/v1/openapi.json lists them' : '';
			expect(await answer.json(), path).toEqual({ error: 'not_found', message: `No such API route${listed}.` });
		}
		const page = await fetch(`${baseURL()}/no-such-page`, { headers: { accept: 'text/html' } });
		expect(page.status).toBe(404);
		expect(page.headers.get('content-type')).toMatch(/^text\/html/);
	});

	it('leaves a procedure that does not exist to tRPC: 404, whatever the method', async () => {
		for (const method of ['GET', 'POST']) expect((await ask(method, '/trpc/no.such.procedure')).status).toBe(404);
	});
});

/** tRPC's own client, as the app's pages use it, whose every request `alter` changes first (its method, a header). */
const clientAltered = (alter: (init: RequestInit) => RequestInit) =>
	createTRPCProxyClient<AppRouter>({ links: [httpLink({ url: `${baseURL()}/trpc`, fetch: (input, init) => fetch(input, alter({ ...init, headers: { ...(init?.headers as Record<string, string>), origin: baseURL() } })) })] });

describe('the app’s calls refused before any procedure runs', () => {
	it('are each read by tRPC’s client as the server’s words and code, not as a failed network: the wrong method, a body not JSON, another site', async () => {
		const refused = async (alter: (init: RequestInit) => RequestInit, call: (c: ReturnType<typeof clientAltered>) => Promise<unknown>) => {
			const e = await call(clientAltered(alter)).then(() => null, (e: unknown) => e);
			expect(e).toBeInstanceOf(TRPCClientError);
			const error = e as TRPCClientError<AppRouter>;
			return { offline: isNetworkError(e), words: errorMessage(e), status: error.data?.httpStatus, code: (error.data as { domainCode?: string } | undefined)?.domainCode };
		};
		expect(await refused((init) => ({ ...init, method: 'POST', body: '{}', headers: { ...(init.headers as object), 'content-type': 'application/json' } }), (c) => c.system.health.query())).toEqual({
			offline: false,
			words: 'POST is not allowed here: this is a query, asked with GET.',
			status: 405,
			code: 'method_not_allowed'
		});
		expect(await refused((init) => ({ ...init, headers: { ...(init.headers as object), 'content-type': 'text/plain' } }), (c) => c.me.signOutEverywhere.mutate())).toEqual({
			offline: false,
			words: 'Send a JSON body with Content-Type: application/json.',
			status: 415,
			code: 'unsupported_media_type'
		});
		expect(await refused((init) => ({ ...init, headers: { ...(init.headers as object), 'sec-fetch-site': 'cross-site' } }), (c) => c.me.signOutEverywhere.mutate())).toEqual({
			offline: false,
			words: 'This request came from another site, so it was refused. Open the page on this site and try again.',
			status: 403,
			code: 'forbidden'
		});
	});
});

