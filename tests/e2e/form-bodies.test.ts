import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { baseURL } from './browser';
import { sessionCookies } from './app';

// Every form action of the production build, posted what a script (not a browser's form) may send:
// a 400 that says the form could not be read, never a 500, and nothing done. Found by posting
// text/plain to /signin: `request.formData()` threw and the action answered 500.

/** The pages with form actions, found in src/routes, so a new one is covered when it lands ([token] → a made-up one). */
function actionPaths(): string[] {
	const found: string[] = [];
	const walk = (dir: string) => {
		for (const entry of readdirSync(dir, { withFileTypes: true })) {
			const path = join(dir, entry.name);
			if (entry.isDirectory()) walk(path);
			else if (entry.name === '+page.server.ts' && /export const actions/.test(readFileSync(path, 'utf8'))) {
				const route = relative('src/routes', dir).split(sep).filter((part) => !/^\(.+\)$/.test(part));
				found.push(`/${route.map((part) => (/^\[.+\]$/.test(part) ? 'made-up-token' : part)).join('/')}`);
			}
		}
	};
	walk('src/routes');
	return found.sort();
}

/** Bodies that are not a form, by the content type they claim. */
const notForms: { name: string; headers: Record<string, string>; body: string }[] = [
	{ name: 'text/plain', headers: { 'content-type': 'text/plain' }, body: 'email=maya@quota.test&password=x' },
	{ name: 'multipart that does not parse', headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: 'email=maya@quota.test' },
	{ name: 'multipart with no boundary', headers: { 'content-type': 'multipart/form-data' }, body: '--x\r\n' }
];

/** The signed-in session's cookie header (an invitation's action needs a person). */
const signedIn = () => sessionCookies('leo@quota.test').map((c) => `${c.name}=${c.value}`).join('; ');

describe('form actions, posted a body that is not a form', () => {
	it('finds the app’s form actions', () => {
		// The sign-in, sign-up, password, invitation and address forms today: the walk must find them, or the test below covers nothing.
		expect(actionPaths()).toEqual(expect.arrayContaining(['/signin', '/signup', '/forgot', '/reset/made-up-token', '/invite/made-up-token', '/confirm/made-up-token']));
	});

	it('answers each with a 400 saying the form could not be read, as the page’s script and as a plain post, never a 500', async () => {
		const base = baseURL();
		const answers: string[] = [];
		for (const path of actionPaths()) {
			for (const body of notForms) {
				for (const enhanced of [true, false]) {
					const res = await fetch(`${base}${path}`, {
						method: 'POST',
						redirect: 'manual',
						headers: {
							origin: base,
							// The sign-in pages send a signed-in person on: only the invitation's is theirs.
							...(path.startsWith('/invite/') && { cookie: signedIn() }),
							...(enhanced ? { accept: 'application/json', 'x-sveltekit-action': 'true' } : { accept: 'text/html' }),
							...body.headers
						},
						body: body.body
					});
					const text = await res.text();
					answers.push(`${path} ${body.name} ${enhanced ? 'script' : 'plain'}: ${res.status}`);
					// An invitation's action does not read fields (it joins the signed-in person); its answer to a made-up token is the page's refusal, not the body's.
					if (path.startsWith('/invite/')) {
						expect(res.status, answers.at(-1)).toBeLessThan(500);
						continue;
					}
					// The page's script gets SvelteKit's action answer: HTTP 200 carrying the failure and its status.
					if (enhanced) expect(JSON.parse(text), answers.at(-1)).toMatchObject({ type: 'failure', status: 400 });
					else expect(res.status, answers.at(-1)).toBe(400);
					expect(text, answers.at(-1)).toContain('The form could not be read');
				}
			}
		}
	});

	it('did nothing for such a body: a sign-up posted as text/plain made no account', async () => {
		const base = baseURL();
		const email = `text-plain-${Date.now()}@example.com`;
		const posted = await fetch(`${base}/signup`, {
			method: 'POST',
			redirect: 'manual',
			headers: { origin: base, 'content-type': 'text/plain', accept: 'application/json', 'x-sveltekit-action': 'true' },
			body: new URLSearchParams({ name: 'Plain Text', email, password: 'a-long-enough-password-2026' }).toString()
		});
		expect(await posted.json()).toMatchObject({ type: 'failure', status: 400 });
		expect(posted.headers.getSetCookie().some((c) => c.startsWith('quota_session='))).toBe(false);
		// The same fields as a form are a new account: the address was free, so the text/plain post made none.
		const form = await fetch(`${base}/signup`, {
			method: 'POST',
			redirect: 'manual',
			headers: { origin: base, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
			body: new URLSearchParams({ name: 'Plain Text', email, password: 'a-long-enough-password-2026' }).toString()
		});
		expect(form.status).toBe(303);
		expect(form.headers.getSetCookie().some((c) => c.startsWith('quota_session='))).toBe(true);
	});
});
