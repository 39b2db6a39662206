import { priceIdOf, type Product } from './catalog';
import type { PaymentProvider } from './paddle/provider';
import { PaddleSimulator } from './paddle/simulator/simulator';

const ENVIRONMENT = { sandbox: "Paddle's sandbox", production: "Paddle's production environment" } as const;

/**
 * Why buyers cannot buy package `p` on this site although it is on sale (`active`), in words that say
 * what to do; null when the store lists it (or it is off sale: the console says so on its own). The
 * store lists a package only through a price id of the live `provider`'s environment (storeFront), and
 * nothing without a provider (null: payments not configured). "Add package" makes that price (addPackage),
 * so a package lacks it when it was added while the site sold nothing or its id was cleared since; the
 * simulator sells through whatever sandbox price id the package has.
 */
export function notInStore(p: Product, provider: PaymentProvider | null): string | null {
	if (!p.active) return null;
	if (!provider) return 'payments are not configured on this site, so the store sells nothing: set PADDLE_API_KEY and PADDLE_CLIENT_TOKEN (or PADDLE_SIMULATOR=true to test purchases).';
	const env = provider.environment;
	if (priceIdOf(p, env)) return null;
	if (provider instanceof PaddleSimulator) {
		return 'it has no sandbox price id, and the local Paddle simulator this site sells through sells a package only through that id. Type one in “Paddle price id, sandbox”: any pri_ id no other package has will do.';
	}
	return `it has no ${env} price id, and this site sells through ${ENVIRONMENT[env]}. Create a price for it in Paddle's ${env} dashboard and paste its id (pri_…) in “Paddle price id, ${env}”.`;
}

/** A package as the console lists it: as stored, with `notInStore` (why buyers cannot buy it here; null: they can, or it is off sale). */
export type ListedProduct = Product & { notInStore: string | null };

export const listed = (p: Product, provider: PaymentProvider | null): ListedProduct => ({ ...p, notInStore: notInStore(p, provider) });
