// This device's Web Push of alerts: whether the browser can, whether it is on, turning it on and
// off, and forgetting it on sign-out (the server drops the session's subscription by itself).
import { trpc } from './trpc';
import { isIos, isStandalone } from './pwa.svelte';

/** Why push cannot be on here: 'ios-browser' (iPhone/iPad outside the home-screen app), 'unsupported', or null (it can). */
export function pushBlocker(): 'ios-browser' | 'unsupported' | null {
	if (isIos() && !isStandalone()) return 'ios-browser';
	return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window ? null : 'unsupported';
}

async function browserSubscription(): Promise<PushSubscription | null> {
	const reg = await navigator.serviceWorker?.getRegistration();
	return (await reg?.pushManager.getSubscription()) ?? null;
}

/** The browser's subscription endpoint on this device, if any (the server says whether it is still one of the user's devices). */
export async function deviceEndpoint(): Promise<string | undefined> {
	return pushBlocker() ? undefined : (await browserSubscription())?.endpoint;
}

/**
 * Asks for permission, subscribes the browser with the site's key and registers the device.
 * Throws an Error whose message the page shows (permission refused, no push service reachable).
 */
export async function turnOnPush(publicKey: string): Promise<void> {
	const permission = await Notification.requestPermission();
	if (permission !== 'granted') throw new Error("Notifications are blocked for Quota: allow them in the browser's site settings, then try again.");
	const reg = await navigator.serviceWorker.ready;
	let sub = await reg.pushManager.getSubscription();
	const key = Uint8Array.from(atob(publicKey.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
	const sameKey = (s: PushSubscription) => {
		const k = s.options.applicationServerKey;
		return k !== null && new Uint8Array(k).join() === key.join();
	};
	// A subscription made for another key (the site's keys were reset) cannot receive our pushes.
	if (sub && !sameKey(sub)) {
		await sub.unsubscribe();
		sub = null;
	}
	sub ??= await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }).catch((e: Error) => {
		throw new Error(`This browser could not reach its push service (${e.message}).`);
	});
	await trpc().alerts.push.subscribe.mutate({ subscription: sub.toJSON() });
}

/** Stops push on this device: the browser's subscription and the server's record of it. */
export async function turnOffPush(): Promise<void> {
	const sub = await browserSubscription();
	if (!sub) return;
	await trpc().alerts.push.unsubscribe.mutate({ endpoint: sub.endpoint });
	await sub.unsubscribe();
}

/** On sign-out: the browser forgets its subscription (the next user of the device turns push on for themselves). */
export async function forgetPushOnDevice(): Promise<void> {
	await (await browserSubscription())?.unsubscribe();
}
