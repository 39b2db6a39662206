import { describe, expect, it } from 'vitest';
import { FALLBACK_MESSAGE, messageOf, openFromNotification, type ClientsLike } from '../../src/lib/client/push-handlers';

const origin = 'https://quota.example';

/** Windows of a browser as the Clients API reports them; records what the handler did with them. */
function browserWith(urls: string[], opts: { navigable?: boolean } = {}) {
	const did: string[] = [];
	const windows = urls.map((url) => {
		const w = {
			url,
			async focus() {
				did.push(`focus ${w.url}`);
				return w;
			},
			async navigate(to: string) {
				if (opts.navigable === false) throw new TypeError('not controlled');
				did.push(`navigate ${w.url} -> ${to}`);
				w.url = to;
				return w;
			}
		};
		return w;
	});
	const clients: ClientsLike = {
		matchAll: async () => windows,
		openWindow: async (url) => void did.push(`open ${url}`)
	};
	return { clients, did };
}

describe('tapping an alert notification', () => {
	it('opens the dashboard in a new window when the app is not open', async () => {
		const b = browserWith([]);
		await openFromNotification(b.clients, origin, { url: '/dashboard' });
		expect(b.did).toEqual([`open ${origin}/dashboard`]);
	});

	it('brings an open dashboard to the front without reloading it', async () => {
		const b = browserWith([`${origin}/store`, `${origin}/dashboard`]);
		await openFromNotification(b.clients, origin, { url: '/dashboard' });
		expect(b.did).toEqual([`focus ${origin}/dashboard`]);
	});

	it('moves an open window of the app on another page to the dashboard', async () => {
		const b = browserWith([`${origin}/settings`]);
		await openFromNotification(b.clients, origin, { url: '/dashboard' });
		expect(b.did).toEqual([`focus ${origin}/settings`, `navigate ${origin}/settings -> ${origin}/dashboard`]);
	});

	it('opens a new window when the open one cannot be moved (not controlled by the worker)', async () => {
		const b = browserWith([`${origin}/settings`], { navigable: false });
		await openFromNotification(b.clients, origin, { url: '/dashboard' });
		expect(b.did).toEqual([`focus ${origin}/settings`, `open ${origin}/dashboard`]);
	});

	it('never leaves the app: another origin’s URL or a missing one opens the dashboard, and other sites’ windows are ignored', async () => {
		for (const data of [{ url: 'https://evil.example/x' }, { url: '//evil.example/x' }, null, {}]) {
			const b = browserWith(['https://other.example/dashboard']);
			await openFromNotification(b.clients, origin, data);
			expect(b.did).toEqual([`open ${origin}/dashboard`]);
		}
	});
});

describe('a pushed message', () => {
	it('is shown as sent when it is one of ours, and as a plain pointer to the inbox otherwise', () => {
		const m = { title: 'You are running low on tokens', body: 'Below 20%: 199 tokens left.', url: '/dashboard', tag: 'balance-1' };
		expect(messageOf({ json: () => m })).toEqual(m);
		expect(messageOf({ json: () => ({ ...m, url: 'https://evil.example' }) })).toEqual(FALLBACK_MESSAGE);
		expect(messageOf({ json: () => { throw new SyntaxError('not JSON'); } })).toEqual(FALLBACK_MESSAGE);
		expect(messageOf(null)).toEqual(FALLBACK_MESSAGE);
	});
});
