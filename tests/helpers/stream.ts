import type { Db } from '../../src/lib/server/db/client';
import { balanceStream } from '../../src/lib/server/live/stream';

/**
 * An open stream of an account's Available, as an app page holds one: `text.seen` is what it sent
 * so far; `stop` closes it. `inbox`: with the inbox events.
 */
export function watchAvailable(db: Db, accountId: string, inbox = false) {
	const ctl = new AbortController();
	const text = { seen: '' };
	const open = balanceStream(db, accountId, ctl.signal, { render: (b) => b.available, inbox }).then(async (body) => {
		const reader = body.getReader();
		for (;;) {
			const { value, done } = await reader.read();
			if (done) return;
			text.seen += new TextDecoder().decode(value);
		}
	});
	return { text, stop: () => (ctl.abort(), open) };
}
