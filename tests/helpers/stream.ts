import type { Db } from '../../src/lib/server/db/client';
import { balanceStream, type LiveFigures } from '../../src/lib/server/live/stream';

/**
 * An open stream of an account's figures as `render` writes them, as an app page holds one:
 * `text.seen` is what it sent so far; `stop` closes it. `inbox`: with the inbox events; `caps`:
 * with the caps in force among the figures (the app's streams).
 */
export function watchStream(db: Db, accountId: string, render: (f: LiveFigures) => unknown, opts: { inbox?: boolean; caps?: boolean } = {}) {
	const ctl = new AbortController();
	const text = { seen: '' };
	const open = balanceStream(db, accountId, ctl.signal, { render, ...opts }).then(async (body) => {
		const reader = body.getReader();
		for (;;) {
			const { value, done } = await reader.read();
			if (done) return;
			text.seen += new TextDecoder().decode(value);
		}
	});
	return { text, stop: () => (ctl.abort(), open) };
}

/** An open stream of an account's Available (see watchStream). */
export function watchAvailable(db: Db, accountId: string, inbox = false) {
	return watchStream(db, accountId, (b) => b.available, { inbox });
}
