/** One billing interval after `from` (calendar month or year, in UTC). */
export function addInterval(from: Date, interval: 'month' | 'year'): Date {
	const d = new Date(from);
	if (interval === 'month') d.setUTCMonth(d.getUTCMonth() + 1);
	else d.setUTCFullYear(d.getUTCFullYear() + 1);
	return d;
}
