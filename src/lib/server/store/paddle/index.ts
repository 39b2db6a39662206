import { config, paymentsMode } from '../../config';
import { getDb, type Db } from '../../db';
import { DomainError } from '../../errors';
import { PaddleBillingProvider } from './paddle-billing';
import type { PaymentProvider } from './provider';
import { PaddleSimulator } from './simulator/simulator';

/** The provider chosen, and the database it was chosen with. */
let chosen: { db: Db; provider: Promise<PaymentProvider | null> } | undefined;

/**
 * The one place that decides who plays Paddle (config's `paymentsMode`): real Paddle Billing when
 * PADDLE_API_KEY is set (sandbox or production by PADDLE_ENV); the local simulator, which posts its
 * signed webhooks to this app's own ORIGIN, when PADDLE_SIMULATOR is on; otherwise nobody (null):
 * the store sells nothing and the webhook endpoint accepts nothing. Chosen once per database: an app
 * has one, but test files sharing a process each set their own (`setDb`), and a simulator kept from
 * an earlier file's closed database failed every checkout of a later one.
 */
export async function paymentProvider(): Promise<PaymentProvider | null> {
	const db = await getDb();
	if (chosen?.db !== db) chosen = { db, provider: choose(db) };
	return chosen.provider;
}

async function choose(db: Db): Promise<PaymentProvider | null> {
	const cfg = config();
	switch (paymentsMode(cfg)) {
		case 'paddle':
			return new PaddleBillingProvider(cfg.PADDLE_API_KEY!, cfg.PADDLE_CLIENT_TOKEN!, cfg.PADDLE_ENV);
		case 'simulator':
			return new PaddleSimulator(db, new URL('/api/webhooks/paddle', cfg.ORIGIN).toString(), cfg.PADDLE_WEBHOOK_SECRET);
		case 'none':
			return null;
	}
}

/**
 * The Paddle environments the site reaches, for what it holds there of the catalog: the live provider's,
 * and with PADDLE_OTHER_ENV_API_KEY (beside real Paddle keys) the other environment's. A package deleted
 * has its prices and products archived in each (deleteProduct). None without payments.
 */
export async function catalogProviders(): Promise<PaymentProvider[]> {
	const provider = await paymentProvider();
	const cfg = config();
	if (!provider || !cfg.PADDLE_OTHER_ENV_API_KEY || paymentsMode(cfg) !== 'paddle') return provider ? [provider] : [];
	const other = cfg.PADDLE_ENV === 'production' ? 'sandbox' : 'production';
	return [provider, new PaddleBillingProvider(cfg.PADDLE_OTHER_ENV_API_KEY, cfg.PADDLE_CLIENT_TOKEN!, other)];
}

/** The live provider; refuses with `payments_not_configured` when payments are not configured. */
export async function requireProvider(): Promise<PaymentProvider> {
	const provider = await paymentProvider();
	if (!provider) throw new DomainError('payments_not_configured', 'Payments are not configured on this site.');
	return provider;
}

/** The simulator, for its own pages and endpoints; null when it is not the live provider. */
export async function activeSimulator(): Promise<PaddleSimulator | null> {
	const provider = await paymentProvider();
	return provider instanceof PaddleSimulator ? provider : null;
}

/** One line for the start-up log: which payment provider is live. */
export function paymentsLine(): string {
	const cfg = config();
	switch (paymentsMode(cfg)) {
		case 'paddle':
			return `Paddle Billing (${cfg.PADDLE_ENV})`;
		case 'simulator':
			return 'the local Paddle simulator (test mode: no money moves)';
		case 'none':
			return 'not configured (set PADDLE_API_KEY and PADDLE_CLIENT_TOKEN, or PADDLE_SIMULATOR=true)';
	}
}

export type { PaymentProvider, BrowserCheckout } from './provider';
