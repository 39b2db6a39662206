// A host site's webhook endpoint on loopback, for the tests of Quota's outgoing webhooks.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
	id: string;
	body: string;
	headers: Record<string, string>;
}

/** Receivers made so far: each one's URL has a path of its own. */
let receivers = 0;

/** A receiver on loopback; `answer` decides each reply (call `res.end` or leave it hanging). */
export async function receiver(answer: (n: number, res: ServerResponse, req: IncomingMessage) => void, port = 0) {
	const got: Received[] = [];
	const sockets = { opened: 0 };
	const server: Server = createServer((req, res) => {
		let body = '';
		req.on('data', (c) => (body += c));
		req.on('end', () => {
			got.push({ id: String(req.headers['webhook-id']), body, headers: req.headers as Record<string, string> });
			answer(got.length, res, req);
		});
	});
	server.on('connection', () => sockets.opened++);
	await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
	const bound = (server.address() as AddressInfo).port;
	return {
		got,
		sockets,
		// A path of its own: a port the system hands out again must not make it an earlier endpoint's URL.
		url: `http://127.0.0.1:${bound}/hooks/${++receivers}`,
		port: bound,
		close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r())))
	};
}
