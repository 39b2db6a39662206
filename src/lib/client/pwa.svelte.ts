// Service worker registration, the "new version" prompt, the install prompt (where the browser
// offers one) and the "Add to Home Screen" hint on iOS Safari (which offers none).
import { dev } from '$app/environment';
import { SYNC_TAG } from './storage';

interface InstallPromptEvent extends Event {
	prompt(): Promise<void>;
	userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

interface SyncManager {
	register(tag: string): Promise<void>;
}

/** Set when the user dismissed the install hint (either kind): it is not offered again here. */
const INSTALL_HINT_DISMISSED = 'quota.installHintDismissed';
const hintDismissed = () => localStorage.getItem(INSTALL_HINT_DISMISSED) === '1';
/** How many times the app was opened on this device; installing is offered from the second. */
const OPENED = 'quota.timesOpened';
let offerInstall = false;

export const pwa = $state({
	/** A new version is installed and waits for the user to reload. */
	updateReady: false,
	canInstall: false,
	iosHint: false
});

let waiting: ServiceWorker | null = null;
let installEvent: InstallPromptEvent | null = null;
let registration: ServiceWorkerRegistration | null = null;

function watchWaiting(reg: ServiceWorkerRegistration) {
	const offer = (worker: ServiceWorker | null) => {
		// Only an update: on the first install there is no page to replace.
		if (worker && navigator.serviceWorker.controller) {
			waiting = worker;
			pwa.updateReady = true;
		}
	};
	offer(reg.waiting);
	reg.addEventListener('updatefound', () => {
		const installing = reg.installing;
		installing?.addEventListener('statechange', () => {
			if (installing.state === 'installed') offer(installing);
		});
	});
}

/** Resolves once the page has loaded and the main thread has a quiet moment. */
function afterFirstLoad(): Promise<void> {
	return new Promise((resolve) => {
		const idle = () => (typeof requestIdleCallback === 'function' ? requestIdleCallback(() => resolve(), { timeout: 2000 }) : setTimeout(resolve, 200));
		if (document.readyState === 'complete') idle();
		else window.addEventListener('load', idle, { once: true });
	});
}

/** iPhone or iPad (iPadOS reports itself as a Mac with touch). */
export const isIos = () => /iphone|ipad|ipod/i.test(navigator.userAgent) || (navigator.platform === 'MacIntel' && navigator.maxTouchPoints > 1);

/** Opened as the installed app (from the home screen), not in a browser tab. */
export const isStandalone = () => (navigator as Navigator & { standalone?: boolean }).standalone === true || matchMedia('(display-mode: standalone)').matches;

export async function startPwa() {
	const opened = Number(localStorage.getItem(OPENED) ?? '0') + 1;
	localStorage.setItem(OPENED, String(opened));
	// Not on a first look: someone who comes back is the one who wants the app on their home screen.
	offerInstall = opened >= 2 && !hintDismissed();
	window.addEventListener('beforeinstallprompt', (e) => {
		e.preventDefault();
		installEvent = e as InstallPromptEvent;
		pwa.canInstall = offerInstall;
	});
	window.addEventListener('appinstalled', () => {
		installEvent = null;
		pwa.canInstall = false;
	});
	pwa.iosHint = isIos() && !isStandalone() && offerInstall;
	if ('serviceWorker' in navigator) {
		// Once the page has loaded and gone idle: on a first visit the worker's install downloads the
		// whole app shell, which would otherwise compete with the page's own scripts and figures.
		await afterFirstLoad();
		registration = await navigator.serviceWorker
			.register('/service-worker.js', { type: dev ? 'module' : 'classic' })
			.catch((e) => {
				console.warn('service worker not registered', e);
				return null;
			});
		if (registration) watchWaiting(registration);
	}
}

export async function install() {
	if (!installEvent) return;
	await installEvent.prompt();
	await installEvent.userChoice;
	installEvent = null;
	pwa.canInstall = false;
}

export function dismissInstallHint() {
	localStorage.setItem(INSTALL_HINT_DISMISSED, '1');
	pwa.canInstall = false;
	pwa.iosHint = false;
}

/** Activates the waiting version and reloads once it controls the page. */
export function applyUpdate() {
	if (!waiting) return;
	navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), { once: true });
	waiting.postMessage({ type: 'SKIP_WAITING' });
}

/** Asks the service worker to send queued writes when the connection is back (Background Sync). */
export async function requestBackgroundSync() {
	const reg = registration ?? (await navigator.serviceWorker?.getRegistration());
	const sync = (reg as (ServiceWorkerRegistration & { sync?: SyncManager }) | undefined)?.sync;
	await sync?.register(SYNC_TAG).catch(() => undefined);
}
