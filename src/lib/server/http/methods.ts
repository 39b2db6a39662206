import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { answers, refusalBody } from './refusals';

/**
 * Methods the WHATWG `Request` refuses to represent (undici throws), so SvelteKit never sees them.
 * (CONNECT is the third; Node's server hands it to a `connect` listener, and without one closes it.)
 */
// TRACK never gets here: Node's HTTP parser does not know it and answers its own 400.
const UNREPRESENTABLE = new Set(['TRACE']);

let installed = false;

/**
 * Answers TRACE with `501 {"error":"not_implemented",…}` at the Node HTTP layer.
 * adapter-node turns every request into a WHATWG Request before SvelteKit runs, undici refuses
 * these methods, and the adapter then writes a plain-text `400 Bad Request`; no hook is reached.
 * Node publishes each request on the `http.server.request.start` channel before the server's
 * handler runs, so the answer is written there and the adapter's later writes to that response
 * are dropped. 501, not 405: no resource of this server implements them, so there is no `Allow`.
 */
export function answerUnrepresentableMethods(): void {
	if (installed) return;
	installed = true;
	subscribe('http.server.request.start', (message) => {
		const { request, response } = message as { request: IncomingMessage; response: ServerResponse };
		if (!UNREPRESENTABLE.has(request.method ?? '')) return;
		const body = JSON.stringify(refusalBody('not_implemented', `${request.method} is not supported by this server.`));
		response.writeHead(answers.not_implemented.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
		response.end(body);
		// What the adapter writes next for this response (its 400) goes nowhere.
		response.writeHead = () => response;
		response.write = () => true;
		response.end = () => response;
	});
}
