// The service worker's side of Web Push (src/service-worker.ts): showing a pushed alert, and
// opening the app where it points when the notification is tapped. Kept apart from the worker so
// the behaviour has unit tests (tests/unit/push-handlers.test.ts).
import { parsePushMessage, type PushMessage } from '$lib/push-message';

/** Shown for a push whose data is not one of ours (a browser requires every push to show something). */
export const FALLBACK_MESSAGE: PushMessage = { title: 'Quota', body: 'Open the app to see your alerts.', url: '/alerts', tag: 'quota' };

/** The message a push carries, or the fallback. */
export function messageOf(data: { json(): unknown } | null): PushMessage {
	try {
		return parsePushMessage(data?.json()) ?? FALLBACK_MESSAGE;
	} catch {
		return FALLBACK_MESSAGE;
	}
}

/** Shows a pushed message; a newer one of the same account replaces the older and alerts again. */
export function showMessage(registration: Pick<ServiceWorkerRegistration, 'showNotification'>, m: PushMessage): Promise<void> {
	return registration.showNotification(m.title, {
		body: m.body,
		tag: m.tag,
		icon: '/icons/icon-192.png',
		badge: '/icons/icon-192.png',
		data: { url: m.url },
		renotify: true
	} as NotificationOptions);
}

interface WindowLike {
	url: string;
	focus(): Promise<WindowLike>;
	navigate(url: string): Promise<WindowLike | null>;
}
export interface ClientsLike {
	matchAll(options: { type: 'window'; includeUncontrolled: boolean }): Promise<readonly WindowLike[]>;
	openWindow(url: string): Promise<unknown>;
}

/**
 * A tap on a notification: the app's path it names (the dashboard for a balance alert; only a path
 * of this origin, else the dashboard) in an open window of the app, brought to the front and
 * moved there if it shows another page, or in a new window when none is open.
 */
export async function openFromNotification(clients: ClientsLike, origin: string, data: unknown): Promise<void> {
	const path = (data as { url?: unknown } | null)?.url;
	const target = new URL(typeof path === 'string' && path.startsWith('/') && !path.startsWith('//') ? path : '/dashboard', origin);
	const windows = (await clients.matchAll({ type: 'window', includeUncontrolled: true })).filter((w) => new URL(w.url).origin === origin);
	const open = windows.find((w) => new URL(w.url).pathname === target.pathname) ?? windows[0];
	if (!open) {
		await clients.openWindow(target.href);
		return;
	}
	const focused = await open.focus();
	if (new URL(focused.url).pathname !== target.pathname) {
		// navigate() fails for a window the worker does not control (opened before it was installed).
		const moved = await focused.navigate(target.href).catch(() => null);
		if (!moved) await clients.openWindow(target.href);
	}
}
