import { logFailure } from './log';

/**
 * Runs `task` every `everyMs` in this process; a failure is logged (./log.ts: classes and codes,
 * never values) and the next run comes as usual. The timer does not keep the process alive. Returns the stop function.
 */
export function repeat(what: string, everyMs: number, task: () => Promise<unknown>): () => void {
	const timer = setInterval(() => {
		task().catch((e) => logFailure(what, 'failed', e));
	}, everyMs);
	timer.unref();
	return () => clearInterval(timer);
}
