/** Whether a query failed on a unique constraint (drizzle wraps the driver's error in `cause`). */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
	for (let e = error as { code?: unknown; cause?: unknown; constraint?: unknown; constraint_name?: unknown; message?: unknown } | undefined; e; e = e.cause as typeof e) {
		if (e.code === '23505') {
			if (!constraint) return true;
			const name = e.constraint_name ?? e.constraint;
			return name === constraint || (typeof e.message === 'string' && e.message.includes(constraint));
		}
	}
	return false;
}
