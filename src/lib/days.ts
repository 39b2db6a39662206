// Calendar days as the ledger's daily rollups count them (UTC), shared by the server and the pages.

/** Days of use the dashboard charts and forecasts from. */
export const FORECAST_DAYS = 14;

/** ISO dates (UTC) of the last `days` days, oldest first, ending today. */
export function lastDays(days: number, now = new Date()): string[] {
	const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
	return Array.from({ length: days }, (_, i) => new Date(today - (days - 1 - i) * 86_400_000).toISOString().slice(0, 10));
}
