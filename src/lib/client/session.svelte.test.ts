// @vitest-environment browser-state
// Who uses the app on this device: confirmed by the server before anything saved is shown, the
// last confirmed user offline, and everything forgotten when the server says the session is gone.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { session, sessionExpired, startSession } from './session.svelte';
import { deviceUser, readSnapshot, setDeviceUser, wipeDevice, writeSnapshot } from './storage';
import { fakeBrowser, Refusal } from '../../../tests/helpers/browser';
import { navigations } from '../../../tests/helpers/app-navigation';

const ada = { id: 'u-ada', name: 'Ada' };
const bob = { id: 'u-bob', name: 'Bob' };

let browser: ReturnType<typeof fakeBrowser>;
beforeEach(async () => {
	browser = fakeBrowser({ path: '/usage?feature=chat' });
	await wipeDevice();
	Object.assign(session, { user: null, status: 'starting', siteAdmin: false });
	navigations.length = 0;
});
afterEach(() => vi.unstubAllGlobals());

describe('starting a session', () => {
	it('shows the user the server confirms, a site admin with the console, and remembers them for offline starts', async () => {
		browser.server.answers['me.profile'] = () => ({ ...ada, email: 'ada@example.com', emailConfirmed: true, siteRole: 'admin' });
		await startSession();
		expect({ ...session }).toEqual({ user: ada, status: 'online', siteAdmin: true });
		expect(await deviceUser()).toEqual(ada);
	});


	it("drops the previous user's saved figures when another person signs in on the device", async () => {
		await setDeviceUser(ada);
		await writeSnapshot(ada.id, 'settings', { activeAccountId: 'a-ada' });
		browser.server.answers['me.profile'] = () => ({ ...bob, siteRole: null });
		await startSession();
		expect([session.user, session.siteAdmin]).toEqual([bob, false]);
		expect(await readSnapshot(ada.id, 'settings')).toBeUndefined();
		expect(await deviceUser()).toEqual(bob);
	});

	it("offline, carries on as the device's last confirmed user, or says there is nothing to show", async () => {
		browser.setOnline(false);
		await startSession();
		expect([session.user, session.status]).toEqual([null, 'no-data']);
		await setDeviceUser(ada);
		await writeSnapshot(ada.id, 'settings', { activeAccountId: 'a-ada' });
		await startSession();
		expect([session.user, session.status]).toEqual([ada, 'offline']);
		expect((await readSnapshot(ada.id, 'settings'))?.data).toEqual({ activeAccountId: 'a-ada' });
	});

	it('started offline, is confirmed when started again with a connection (as the layout does when requests are answered again)', async () => {
		await setDeviceUser(ada);
		browser.setOnline(false);
		await startSession();
		expect([session.user, session.status, session.siteAdmin]).toEqual([ada, 'offline', false]);
		browser.setOnline(true);
		browser.server.answers['me.profile'] = () => ({ ...ada, siteRole: 'admin' });
		await startSession();
		expect([session.user, session.status, session.siteAdmin]).toEqual([ada, 'online', true]);
	});

	it('calls made while one runs share it: the server is asked once', async () => {
		browser.server.answers['me.profile'] = () => ({ ...ada, siteRole: null });
		await Promise.all([startSession(), startSession()]);
		expect(browser.server.calls.filter((c) => c.path === 'me.profile')).toHaveLength(1);
		await startSession(); // one that ended is not shared: asked again
		expect(browser.server.calls.filter((c) => c.path === 'me.profile')).toHaveLength(2);
	});

	it('when the server cannot answer now (not a refusal of the session), also keeps the last user', async () => {
		await setDeviceUser(ada);
		browser.server.answers['me.profile'] = () => {
			throw new Refusal('INTERNAL_SERVER_ERROR', 503, 'Quota cannot reach its database at the moment.');
		};
		vi.spyOn(console, 'warn').mockImplementation(() => {});
		await startSession();
		expect([session.user, session.status]).toEqual([ada, 'offline']);
	});
});

describe('a session that has ended', () => {
	it("forgets the user and every saved figure, and asks to sign in, coming back to the page after", async () => {
		await setDeviceUser(ada);
		await writeSnapshot(ada.id, 'settings', { activeAccountId: 'a-ada' });
		browser.server.answers['me.profile'] = () => {
			throw new Refusal('UNAUTHORIZED', 401, 'Sign in to continue.');
		};
		await startSession();
		expect([session.user, session.siteAdmin]).toEqual([null, false]);
		expect([await deviceUser(), await readSnapshot(ada.id, 'settings')]).toEqual([undefined, undefined]);
		expect(navigations).toEqual([{ url: `/signin?next=${encodeURIComponent('/usage?feature=chat')}`, replaceState: true }]);
	});

	it('is ended the same way when a page learns of it later', async () => {
		Object.assign(session, { user: ada, status: 'online', siteAdmin: true });
		await setDeviceUser(ada);
		await sessionExpired(new Refusal('UNAUTHORIZED', 401, 'Sign in to continue.'));
		expect([session.user, session.siteAdmin, await deviceUser()]).toEqual([null, false, undefined]);
		expect(navigations.map((n) => n.url)).toEqual(['/signin?next=%2Fusage%3Ffeature%3Dchat']);
	});

	it('is left to the sign-out form once it is posting: a 401 meanwhile wipes nothing more and goes nowhere', async () => {
		// A module of its own: the sign-out it starts lasts until the page goes, as on a phone.
		vi.resetModules();
		const fresh = await import('./session.svelte');
		const { navigations: freshNavigations } = await import('../../../tests/helpers/app-navigation');
		Object.assign(fresh.session, { user: ada, status: 'online', siteAdmin: false });
		fresh.signingOut();
		void fresh.sessionExpired(new Refusal('UNAUTHORIZED', 401, 'Sign in to continue.'));
		await new Promise((r) => setTimeout(r, 20));
		expect([fresh.session.user, freshNavigations]).toEqual([ada, []]);
	});
});
