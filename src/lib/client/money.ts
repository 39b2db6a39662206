// Prices in the buyer's locale, from integer minor units (cents).

export function money(cents: number, currency: string): string {
	return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(cents / 100);
}

/** A per-1,000-token price, kept in hundredths of a cent so cheap packs do not round to zero. */
export function per1k(centiCents: number, currency: string): string {
	const digits = centiCents < 1000 ? 3 : 2;
	return new Intl.NumberFormat(undefined, { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: digits }).format(centiCents / 10_000);
}
