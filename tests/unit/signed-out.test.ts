// A page on a device without the signed-in mark asked the server nothing (lib/signed-in.ts); here it
// decides where the visitor goes. (The page's whole way there, from the first request not sent, is
// in the app-pages browser test: a signed-out visit to every signed-in page, no console error.)
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { signedOutHere } from '../../src/lib/client/signed-out';
import { deviceUser, readSnapshot, setDeviceUser, wipeDevice, writeSnapshot } from '../../src/lib/client/storage';
import { fakeBrowser } from '../helpers/browser';

const ada = { id: 'u-ada', name: 'Ada' };
let browser: ReturnType<typeof fakeBrowser>;
let asked: string[];

/** The sign-in page's server: a session it still holds is sent on (fetch, told not to follow, sees an opaque redirect). */
const signinPage = (holdsSession: boolean) => async (input: string) => {
	asked.push(input);
	return { type: holdsSession ? 'opaqueredirect' : 'basic', status: 200 };
};

beforeEach(async () => {
	browser = fakeBrowser({ signedIn: false });
	await wipeDevice();
	asked = [];
});
afterEach(() => vi.unstubAllGlobals());

describe('a signed-out page', () => {
	it('on a device that remembers no one, forgets what it holds and goes to sign in, asking nothing', async () => {
		vi.stubGlobal('fetch', signinPage(true));
		await writeSnapshot(ada.id, 'settings', { activeAccountId: 'a-ada' });
		void signedOutHere('/signin?next=%2Fusage'); // never settles: the page is being replaced
		await vi.waitFor(() => expect(browser.location.replace).toHaveBeenCalledWith('/signin?next=%2Fusage'));
		expect([asked, await readSnapshot(ada.id, 'settings')]).toEqual([[], undefined]);
	});

	it('keeps a session from before the mark: the sign-in page sends it on, and the page starts over with its data', async () => {
		vi.stubGlobal('fetch', signinPage(true));
		await setDeviceUser(ada);
		await writeSnapshot(ada.id, 'settings', { activeAccountId: 'a-ada' });
		void signedOutHere('/signin?next=%2Fusage');
		await vi.waitFor(() => expect(browser.location.reload).toHaveBeenCalledTimes(1));
		expect([asked, browser.location.replace.mock.calls]).toEqual([['/signin'], []]);
		expect([await deviceUser(), (await readSnapshot(ada.id, 'settings'))?.data]).toEqual([ada, { activeAccountId: 'a-ada' }]);
	});

	it('forgets a remembered user whose session the server no longer holds, and goes to sign in', async () => {
		vi.stubGlobal('fetch', signinPage(false));
		await setDeviceUser(ada);
		await writeSnapshot(ada.id, 'settings', { activeAccountId: 'a-ada' });
		void signedOutHere('/signin?next=%2Fusage');
		await vi.waitFor(() => expect(browser.location.replace).toHaveBeenCalledWith('/signin?next=%2Fusage'));
		expect([await deviceUser(), await readSnapshot(ada.id, 'settings')]).toEqual([undefined, undefined]);
	});
});
