// The app as an installed PWA: the install offer (from the second time the app is opened, never
// again once dismissed), the iOS "Add to Home Screen" hint, and the "new version" prompt.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { applyUpdate, dismissInstallHint, install, pwa, startPwa } from './pwa.svelte';
import { fakeBrowser, fakeServiceWorker, type BrowserOptions } from '../../../tests/helpers/browser';

const idle = { requestIdleCallback: (run: () => void) => setTimeout(run, 0) };

function open(opts: BrowserOptions = {}) {
	const worker = fakeServiceWorker();
	const browser = fakeBrowser({ serviceWorker: worker.container, ...opts, window: { ...idle, ...opts.window } });
	Object.assign(pwa, { updateReady: false, canInstall: false, iosHint: false });
	return { browser, worker };
}

/** The browser's offer to install (Chrome's beforeinstallprompt); `choose` is the user's answer. */
function installPrompt(outcome: 'accepted' | 'dismissed') {
	const e = Object.assign(new Event('beforeinstallprompt', { cancelable: true }), { prompted: false, userChoice: Promise.resolve({ outcome }) });
	return Object.assign(e, { prompt: async () => void (e.prompted = true) });
}

afterEach(() => vi.unstubAllGlobals());

describe('installing the app', () => {
	it('is offered from the second time the app is opened, in place of the browser’s own banner, until installed', async () => {
		const { browser } = open();
		await startPwa();
		browser.window.dispatchEvent(installPrompt('accepted'));
		expect(pwa.canInstall).toBe(false); // a first look
		await startPwa();
		const offer = installPrompt('accepted');
		browser.window.dispatchEvent(offer);
		expect([pwa.canInstall, offer.defaultPrevented]).toEqual([true, true]);
		await install();
		expect([offer.prompted, pwa.canInstall]).toEqual([true, false]);
	});

	it('is not offered again once installed from the browser’s menu, or once the hint is dismissed', async () => {
		const { browser } = open();
		await startPwa();
		await startPwa();
		browser.window.dispatchEvent(installPrompt('accepted'));
		browser.window.dispatchEvent(new Event('appinstalled'));
		expect(pwa.canInstall).toBe(false);
		browser.window.dispatchEvent(installPrompt('dismissed'));
		dismissInstallHint();
		await startPwa();
		browser.window.dispatchEvent(installPrompt('dismissed'));
		expect(pwa.canInstall).toBe(false);
	});

	it('on an iPhone in Safari, hints at Add to Home Screen from the second opening; not in the installed app', async () => {
		const iphone = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Version/18.0 Mobile/15E148 Safari/604.1';
		open({ userAgent: iphone });
		await startPwa();
		expect(pwa.iosHint).toBe(false);
		await startPwa();
		expect(pwa.iosHint).toBe(true);
		const { browser } = open({ userAgent: iphone });
		Object.assign(browser.navigator, { standalone: true });
		await startPwa();
		await startPwa();
		expect(pwa.iosHint).toBe(false);
	});
});

/** A new version of the service worker, installing. */
function newVersion() {
	const messages: unknown[] = [];
	return Object.assign(new EventTarget(), { state: 'installing', messages, postMessage: (m: unknown) => void messages.push(m) });
}

describe('a new version', () => {
	it('is offered once installed, and applied: the page reloads once the new version controls it', async () => {
		const { browser, worker } = open();
		worker.container.controller = {}; // this page runs an older version
		await startPwa();
		const newer = newVersion();
		worker.registration.installing = newer;
		worker.registration.dispatchEvent(new Event('updatefound'));
		expect(pwa.updateReady).toBe(false);
		newer.state = 'installed';
		newer.dispatchEvent(new Event('statechange'));
		expect(pwa.updateReady).toBe(true);
		applyUpdate();
		expect([newer.messages, browser.location.reload.mock.calls.length]).toEqual([[{ type: 'SKIP_WAITING' }], 0]);
		worker.container.dispatchEvent(new Event('controllerchange'));
		expect(browser.location.reload).toHaveBeenCalledTimes(1);
	});

	it('is not offered on the first install (no page to replace), and a page without a service worker still works', async () => {
		const { worker } = open();
		worker.registration.waiting = newVersion();
		await startPwa();
		expect(pwa.updateReady).toBe(false);
		worker.container.register = () => Promise.reject(new Error('SecurityError'));
		const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
		await expect(startPwa()).resolves.toBeUndefined();
		expect(warn).toHaveBeenCalledWith('service worker not registered', expect.any(Error));
		warn.mockRestore();
	});
});
