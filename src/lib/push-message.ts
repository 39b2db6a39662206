/**
 * What a Web Push message carries, from the server (alerts/push/send.ts) to the service worker,
 * which shows it as a notification; a click opens `url` (a path of this app).
 */
export interface PushMessage {
	title: string;
	body: string;
	/** A path of the app to open on a click, e.g. "/dashboard". */
	url: string;
	/** A newer notification with the same tag replaces the older one (one per account). */
	tag: string;
}

/** The message from a push's data, or null when it is not one of ours (nothing is shown from untrusted shapes). */
export function parsePushMessage(data: unknown): PushMessage | null {
	if (typeof data !== 'object' || data === null) return null;
	const m = data as Record<string, unknown>;
	const text = (v: unknown, max: number) => typeof v === 'string' && v.length > 0 && v.length <= max;
	if (!text(m.title, 200) || !text(m.body, 500) || !text(m.tag, 100) || !text(m.url, 500)) return null;
	// Only a path of this app: a push can never send the user elsewhere.
	if (!(m.url as string).startsWith('/') || (m.url as string).startsWith('//')) return null;
	return { title: m.title as string, body: m.body as string, url: m.url as string, tag: m.tag as string };
}
