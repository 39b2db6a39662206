// A webhook endpoint's URL: the server's schema (webhooks/endpoints.ts) and the Webhooks form say the same.
import { counted } from './counted';

/** The longest URL an endpoint may have. */
export const MAX_WEBHOOK_URL = 2000;

/**
 * What is wrong with a URL typed into the Webhooks form before it is sent, or null: none typed, or
 * longer than MAX_WEBHOOK_URL. The field has no maxlength: the browser would cut a longer paste short
 * without a word, and the cut copy is another address (its host gone), saved as if typed.
 */
export function webhookUrlProblem(url: string): string | null {
	const typed = url.trim();
	if (!typed) return "Type the URL of the site's webhook handler, like https://example.com/quota-webhooks.";
	if (typed.length > MAX_WEBHOOK_URL)
		return `This URL is ${counted(typed.length, 'character')} long: ${counted(MAX_WEBHOOK_URL, 'character')} at most. Use a shorter address for the handler.`;
	return null;
}

/**
 * Whether a URL's host name can be looked up: at most 253 characters, each part between dots at most
 * 63 (RFC 1035). A longer one is refused when saved, not found at every delivery.
 */
export function hostNameFits(url: string): boolean {
	let host: string;
	try {
		host = new URL(url).hostname;
	} catch {
		return true; // not a URL: the schema's pattern says so
	}
	return host.length <= 253 && host.split('.').every((label) => label.length <= 63);
}
