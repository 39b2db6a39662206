import { randomBytes } from 'node:crypto';

type ErrorLike = { name?: unknown; code?: unknown; originalCode?: unknown; responseCode?: unknown; constraint_name?: unknown; constraint?: unknown; stack?: unknown; cause?: unknown };

/**
 * A failure without the values of the request: error class names, codes (SQLSTATE, Node's) and
 * constraint names along the `cause` chain, then where it was thrown. Messages are left out on
 * purpose: a database error's message carries the whole query with its parameters (idempotency
 * keys, host-site user ids, metadata).
 */
export function describeError(error: unknown): string {
	const chain: string[] = [];
	let frames: string[] = [];
	let e = error as ErrorLike | undefined;
	for (let depth = 0; e && depth < 5; e = e.cause as ErrorLike | undefined, depth++) {
		if (typeof e !== 'object') {
			chain.push(typeof e);
			break;
		}
		const name = typeof e.name === 'string' ? e.name : 'Error';
		let code = typeof e.code === 'string' ? ` ${e.code}` : '';
		// nodemailer replaces the socket's code with its own (ESOCKET, ECONNECTION) and keeps it as
		// originalCode; an SMTP server's refusal (EAUTH, EENVELOPE) has its reply code: what to fix is in those.
		if (typeof e.originalCode === 'string' && e.originalCode !== e.code) code += ` ${e.originalCode}`;
		if (typeof e.responseCode === 'number') code += ` ${e.responseCode}`;
		const constraint = e.constraint_name ?? e.constraint;
		chain.push(`${name}${code}${typeof constraint === 'string' ? ` (${constraint})` : ''}`);
		if (!frames.length && typeof e.stack === 'string') frames = e.stack.split('\n').filter((l) => /^\s+at /.test(l)).slice(0, 6);
	}
	return [chain.join(' ← '), ...frames].join('\n');
}

/**
 * Logs `[where] what (ref …): error chain` and its stack frames, never request values.
 * @returns the reference (8 hex characters) to quote in the answer, so a report finds its log line
 */
export function logFailure(where: string, what: string, error: unknown): string {
	const ref = randomBytes(4).toString('hex');
	console.error(`[${where}] ${what} (ref ${ref}): ${describeError(error)}`);
	return ref;
}

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/**
 * LOG_LEVEL: quiets the console's methods below `level` for the rest of the process (`warn` keeps
 * warnings and failures, `error` failures only). The app writes through the console, each line
 * at its level: `console.log`/`info` for what happened, `warn` for what an operator should look at,
 * `error` for failures (`logFailure`). Nothing is written at `debug` today, so it prints what `info` does.
 */
export function applyLogLevel(level: (typeof LEVELS)[number], target: Pick<Console, 'debug' | 'info' | 'log' | 'warn'> = console): void {
	const rank = LEVELS.indexOf(level);
	const quiet = () => {};
	if (rank > 0) target.debug = quiet;
	if (rank > 1) target.info = target.log = quiet;
	if (rank > 2) target.warn = quiet;
}
