import type { RequestEvent } from '@sveltejs/kit';

/** The address the request came from, as the audit log records it; null where there is none (a server-side call). */
export function clientAddress(event: Pick<RequestEvent, 'getClientAddress'>): string | null {
	try {
		return event.getClientAddress();
	} catch {
		return null;
	}
}
