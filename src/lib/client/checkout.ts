// Opens the payment sheet for a transaction the server created: Paddle.js's overlay checkout
// with real keys, the local simulator's sheet (an overlay iframe, the same idea) without. The page
// only hears "completed", "failed" or "closed"; tokens come from the webhook, never from here.
import { initializePaddle, type Paddle, type PaddleEventData } from '@paddle/paddle-js';
import type { BrowserCheckout } from '$lib/server/store/paddle/provider';

export type CheckoutEvent = 'completed' | 'failed' | 'closed';

let paddle: Promise<Paddle | undefined> | undefined;
let listener: ((e: CheckoutEvent) => void) | null = null;

function paddleJs(c: Extract<BrowserCheckout, { kind: 'paddle' }>) {
	paddle ??= initializePaddle({
		environment: c.environment,
		token: c.clientToken,
		eventCallback: (e: PaddleEventData) => {
			if (e.name === 'checkout.completed') {
				// The page takes over ("processing" → "tokens added"): close Paddle's overlay.
				void paddle?.then((p) => p?.Checkout.close());
				listener?.('completed');
			}
			else if (e.name === 'checkout.payment.failed') listener?.('failed');
			else if (e.name === 'checkout.closed') listener?.('closed');
		}
	});
	return paddle;
}

export async function openCheckout(
	c: BrowserCheckout,
	start: { transactionId: string; customerEmail: string | null },
	on: (e: CheckoutEvent) => void
): Promise<void> {
	listener = on;
	if (c.kind === 'paddle') {
		const p = await paddleJs(c);
		if (!p) throw new Error('Paddle checkout could not load. Check your connection and try again.');
		p.Checkout.open({
			transactionId: start.transactionId,
			settings: { displayMode: 'overlay', theme: 'light' },
			...(start.customerEmail ? { customer: { email: start.customerEmail } } : {})
		});
		return;
	}
	// The e-mail Paddle.js would fill in goes to the simulator's sheet, which asks for one as Paddle does.
	const email = start.customerEmail ? `?email=${encodeURIComponent(start.customerEmail)}` : '';
	openSimulatorSheet(`${c.sheetUrl}/${encodeURIComponent(start.transactionId)}${email}`, on);
}

function openSimulatorSheet(url: string, on: (e: CheckoutEvent) => void) {
	const overlay = document.createElement('div');
	overlay.className = 'checkout-overlay';
	overlay.setAttribute('role', 'dialog');
	overlay.setAttribute('aria-modal', 'true');
	overlay.setAttribute('aria-label', 'Checkout');
	overlay.style.cssText = 'position:fixed;inset:0;z-index:100;display:flex;align-items:flex-end;justify-content:center;background:rgb(20 23 43 / 45%)';
	const frame = document.createElement('iframe');
	frame.src = url;
	frame.title = 'Checkout';
	frame.name = 'paddle-simulator-checkout';
	frame.style.cssText = 'width:100%;max-width:480px;height:min(640px,92dvh);border:0;border-radius:18px 18px 0 0;background:#fff;box-shadow:0 -4px 24px rgb(0 0 0 / 20%)';
	overlay.append(frame);
	// A modal sheet: the page behind takes no focus while it is open (Tab past the sheet's last button went to the
	// dimmed page's links, hidden under the dimming).
	const madeInert = [...document.body.children].filter((el): el is HTMLElement => el instanceof HTMLElement && !el.inert);
	const close = () => {
		window.removeEventListener('message', onMessage);
		window.removeEventListener('keydown', onKey);
		overlay.remove();
		for (const el of madeInert) el.inert = false;
	};
	const onKey = (e: KeyboardEvent) => {
		if (e.key !== 'Escape') return;
		close();
		on('closed');
	};
	const onMessage = (m: MessageEvent) => {
		if (m.origin !== location.origin || m.source !== frame.contentWindow) return;
		const name = (m.data as { source?: string; name?: string })?.source === 'paddle-simulator' ? (m.data as { name: string }).name : null;
		if (name === 'checkout.completed') {
			close();
			on('completed');
		} else if (name === 'checkout.payment.failed') on('failed');
		else if (name === 'checkout.closed') {
			close();
			on('closed');
		}
	};
	window.addEventListener('message', onMessage);
	window.addEventListener('keydown', onKey);
	overlay.addEventListener('click', (e) => {
		if (e.target === overlay) {
			close();
			on('closed');
		}
	});
	for (const el of madeInert) el.inert = true;
	document.body.append(overlay);
	frame.focus();
}

/**
 * Localized prices from Paddle (tax and currency for the buyer's location) when real Paddle is
 * configured and online; null otherwise, and the store shows the catalog's own price.
 */
export async function previewPrices(c: BrowserCheckout, priceIds: string[]): Promise<Map<string, string> | null> {
	if (c.kind !== 'paddle' || !priceIds.length || !navigator.onLine) return null;
	try {
		const p = await paddleJs(c);
		if (!p) return null;
		const preview = await p.PricePreview({ items: priceIds.map((priceId) => ({ priceId, quantity: 1 })) });
		return new Map(preview.data.details.lineItems.map((li) => [li.price.id, li.formattedTotals.total]));
	} catch {
		return null;
	}
}
