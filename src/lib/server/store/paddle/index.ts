import { config } from '../../config';
import { getDb } from '../../db';
import { PaddleBillingProvider } from './paddle-billing';
import type { PaymentProvider } from './provider';
import { PaddleSimulator } from './simulator/simulator';

let chosen: Promise<PaymentProvider> | undefined;

/**
 * The one place that decides who plays Paddle: real Paddle Billing when PADDLE_API_KEY is set
 * (sandbox or production by PADDLE_ENV), otherwise the local simulator, which posts its signed
 * webhooks to this app's own ORIGIN.
 */
export function paymentProvider(): Promise<PaymentProvider> {
	chosen ??= (async () => {
		const cfg = config();
		if (cfg.PADDLE_API_KEY && cfg.PADDLE_CLIENT_TOKEN) {
			return new PaddleBillingProvider(cfg.PADDLE_API_KEY, cfg.PADDLE_CLIENT_TOKEN, cfg.PADDLE_ENV);
		}
		return new PaddleSimulator(await getDb(), new URL('/api/webhooks/paddle', cfg.ORIGIN).toString(), cfg.PADDLE_WEBHOOK_SECRET);
	})();
	return chosen;
}

/** The simulator, for its own pages and endpoints; null when real Paddle is configured. */
export async function activeSimulator(): Promise<PaddleSimulator | null> {
	const provider = await paymentProvider();
	return provider instanceof PaddleSimulator ? provider : null;
}

export type { PaymentProvider, BrowserCheckout } from './provider';
