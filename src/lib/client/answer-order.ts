// Requests for one piece of data overlap (the 30-second refresh, a live-stream event, a pull to
// refresh, a write's refresh) and their answers can arrive in any order. An answer is shown only
// when no later request's answer (nor a value set since) is shown already: a late answer to an
// earlier request is older than what the page shows and is dropped.

export interface AnswerOrder {
	/** Numbers a request as it is sent. */
	send(): number;
	/** Whether the answer to request `n` may be shown; if so, it is the shown one from now on. */
	take(n: number): boolean;
	/** A value that came otherwise (a write's answer) is newer than every request under way. */
	supersede(): void;
}

export function answerOrder(): AnswerOrder {
	let sent = 0;
	let shown = 0;
	return {
		send: () => ++sent,
		take(n) {
			if (n < shown) return false;
			shown = n;
			return true;
		},
		supersede() {
			shown = ++sent;
		}
	};
}
