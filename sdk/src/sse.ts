/** One Server-Sent Event. `retry` is the reconnection time the server asked for, in milliseconds. */
export interface ServerSentEvent {
	event: string;
	data: string;
	id: string | null;
	retry: number | null;
}

/**
 * The events of a `text/event-stream` body, parsed as the HTML standard says (fields `event`,
 * `data`, `id`, `retry`; comments and unknown fields ignored; CR, LF or CRLF line ends). `id` is
 * the last id seen so far, as `Last-Event-ID` would carry it. A block with no `data` that sets
 * only `retry` is reported with `event` = "".
 */
export async function* serverSentEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerSentEvent> {
	const reader = body.getReader();
	const decoder = new TextDecoder();
	let buffer = '';
	let lastId: string | null = null;
	let event = '';
	let data: string[] = [];
	let retry: number | null = null;
	try {
		for (;;) {
			const { value, done } = await reader.read();
			if (done) return;
			buffer += decoder.decode(value, { stream: true });
			// A CR at the very end may be the first half of a CRLF: keep it for the next chunk.
			const lines = buffer.split(/\r\n|\r(?!$)|\n/);
			buffer = lines.pop()!;
			for (const line of lines) {
				if (line === '') {
					if (data.length || retry !== null) yield { event: data.length ? event || 'message' : '', data: data.join('\n'), id: lastId, retry };
					event = '';
					data = [];
					retry = null;
					continue;
				}
				if (line.startsWith(':')) continue;
				const colon = line.indexOf(':');
				const field = colon < 0 ? line : line.slice(0, colon);
				const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
				if (field === 'event') event = value;
				else if (field === 'data') data.push(value);
				else if (field === 'id' && !value.includes('\0')) lastId = value;
				else if (field === 'retry' && /^\d+$/.test(value)) retry = Number(value);
			}
		}
	} finally {
		// The loop ended early (break, error): let the connection go.
		await reader.cancel().catch(() => {});
	}
}
