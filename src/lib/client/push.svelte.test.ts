// This device's Web Push of alerts: whether it can be on here, turning it on (permission, the
// browser's subscription with the site's key, the server told) and off, and forgetting it on sign-out.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deviceEndpoint, forgetPushOnDevice, pushBlocker, turnOffPush, turnOnPush } from './push.svelte';
import { fakeBrowser, fakeServiceWorker } from '../../../tests/helpers/browser';

const siteKey = Buffer.from([4, 1, 2, 3, 250, 251]).toString('base64url');
const otherKey = Buffer.from([4, 9, 9]).toString('base64url');

/** The browser's PushManager: at most one subscription, for one application server key. */
function pushManager() {
	let count = 0;
	const manager = {
		current: null as null | { endpoint: string; options: { applicationServerKey: ArrayBuffer }; toJSON(): object; unsubscribe(): Promise<boolean> },
		reachable: true,
		async getSubscription() {
			return manager.current;
		},
		async subscribe(opts: { applicationServerKey: Uint8Array }) {
			if (!manager.reachable) throw new DOMException('Registration failed - push service error', 'AbortError');
			const endpoint = `https://push.example/sub-${++count}`;
			const sub = {
				endpoint,
				options: { applicationServerKey: opts.applicationServerKey.slice().buffer },
				toJSON: () => ({ endpoint, keys: { p256dh: 'p', auth: 'a' } }),
				unsubscribe: async () => ((manager.current = manager.current === sub ? null : manager.current), true)
			};
			return (manager.current = sub);
		}
	};
	return manager;
}

function device(opts: { permission?: NotificationPermission; userAgent?: string; push?: boolean } = {}) {
	const worker = fakeServiceWorker();
	const manager = pushManager();
	Object.assign(worker.registration, { pushManager: manager });
	const Notification = { requestPermission: async () => opts.permission ?? 'granted' };
	const browser = fakeBrowser({ serviceWorker: worker.container, userAgent: opts.userAgent, window: opts.push === false ? {} : { PushManager: class {}, Notification } });
	browser.server.answers['alerts.push.subscribe'] = () => ({ ok: true });
	browser.server.answers['alerts.push.unsubscribe'] = () => ({ ok: true });
	const told = (path: string) => browser.server.calls.filter((c) => c.path === `alerts.push.${path}`).map((c) => c.input);
	return { manager, told };
}

afterEach(() => vi.unstubAllGlobals());

describe('whether push can be on here', () => {
	it('needs the home-screen app on an iPhone, and a browser with push', () => {
		device({ userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Safari/604.1' });
		expect(pushBlocker()).toBe('ios-browser');
		device({ push: false });
		expect(pushBlocker()).toBe('unsupported');
		device();
		expect(pushBlocker()).toBeNull();
	});
});

describe('turning push on and off', () => {
	it("subscribes the browser with the site's key and registers this device with the server", async () => {
		const { manager, told } = device();
		expect(await deviceEndpoint()).toBeUndefined();
		await turnOnPush(siteKey);
		expect(new Uint8Array(manager.current!.options.applicationServerKey)).toEqual(new Uint8Array(Buffer.from(siteKey, 'base64url')));
		expect(told('subscribe')).toEqual([{ subscription: manager.current!.toJSON() }]);
		expect(await deviceEndpoint()).toBe(manager.current!.endpoint);
		await turnOnPush(siteKey); // already on: the same subscription, registered again
		expect(told('subscribe').length).toBe(2);
		expect(manager.current!.endpoint).toBe('https://push.example/sub-1');
	});

	it('replaces a subscription made for an earlier key of the site', async () => {
		const { manager } = device();
		await turnOnPush(otherKey);
		await turnOnPush(siteKey);
		expect(manager.current!.endpoint).toBe('https://push.example/sub-2');
	});

	it('says why it could not: notifications blocked, or no push service reachable', async () => {
		const blocked = device({ permission: 'denied' });
		await expect(turnOnPush(siteKey)).rejects.toThrow("Notifications are blocked for Quota: allow them in the browser's site settings, then try again.");
		expect(blocked.told('subscribe')).toEqual([]);
		const { manager } = device();
		manager.reachable = false;
		await expect(turnOnPush(siteKey)).rejects.toThrow('This browser could not reach its push service (Registration failed - push service error).');
	});

	it('off: the server forgets the endpoint and the browser its subscription; on sign-out only the browser', async () => {
		const { manager, told } = device();
		await turnOffPush(); // nothing to turn off
		expect(told('unsubscribe')).toEqual([]);
		await turnOnPush(siteKey);
		const endpoint = manager.current!.endpoint;
		await turnOffPush();
		expect([told('unsubscribe'), manager.current]).toEqual([[{ endpoint }], null]);
		await turnOnPush(siteKey);
		await forgetPushOnDevice();
		expect([told('unsubscribe').length, manager.current]).toEqual([1, null]);
	});
});
