import { createServer } from 'node:https';
import { Agent } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createECDH, createPublicKey, randomBytes, randomUUID, verify } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ece from 'http_ece';

export interface PushRequest {
	path: string;
	headers: Record<string, string | string[] | undefined>;
	body: Buffer;
}

/** A self-signed certificate for 127.0.0.1, made with openssl for this run only. */
function loopbackCertificate() {
	const dir = mkdtempSync(join(tmpdir(), 'push-cert-'));
	try {
		execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
		return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/**
 * A push service stand-in on 127.0.0.1 over HTTPS (web-push speaks only HTTPS): it keeps every
 * request and answers 201 Created, as FCM or Mozilla do, or the status set for an endpoint (410 for
 * a device that unsubscribed). `device()` makes a browser's side of a subscription: a P-256 key
 * pair and an auth secret, so a test can decrypt what the server sent exactly as the browser would.
 */
export async function startPushService() {
	const requests: PushRequest[] = [];
	const statusOf = new Map<string, number>();
	const tls = loopbackCertificate();
	const server = createServer(tls, (req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			requests.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
			res.writeHead(statusOf.get(req.url ?? '') ?? 201).end();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return {
		origin,
		requests,
		/** Trusts this service's certificate (and nothing else is changed). */
		agent: new Agent({ ca: tls.cert }),
		/** Answers `status` to pushes for this endpoint from now on. */
		answer(endpoint: string, status: number) {
			statusOf.set(new URL(endpoint).pathname, status);
		},
		device() {
			const ecdh = createECDH('prime256v1');
			ecdh.generateKeys();
			const auth = randomBytes(16);
			const endpoint = `${origin}/push/${randomUUID()}`;
			return {
				subscription: { endpoint, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') } },
				/** The requests sent to this device. */
				received: () => requests.filter((r) => r.path === new URL(endpoint).pathname),
				/** What the browser would read: the payload decrypted with the device's private key (RFC 8291, aes128gcm). */
				decrypt: (r: PushRequest) => JSON.parse(ece.decrypt(r.body, { version: 'aes128gcm', privateKey: ecdh, authSecret: auth.toString('base64url') }).toString('utf8')) as unknown
			};
		},
		close: () => new Promise<void>((resolve) => server.close(() => resolve()))
	};
}

/**
 * Checks a request's VAPID authorization (RFC 8292) as a push service does: `vapid t=<JWT>, k=<key>`,
 * an ES256 signature by `k`, the audience the endpoint's origin, an expiry within 24 hours.
 * Returns the JWT's claims.
 */
export function verifyVapid(r: PushRequest, endpointOrigin: string): { aud: string; sub: string; exp: number; key: string } {
	const header = String(r.headers.authorization ?? '');
	const m = /^vapid t=([^,]+), k=(.+)$/.exec(header);
	if (!m) throw new Error(`no VAPID authorization: ${header}`);
	const [token, key] = [m[1]!, m[2]!];
	const [h, p, s] = token.split('.');
	const raw = Buffer.from(key, 'base64url');
	const publicKey = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33).toString('base64url') }, format: 'jwk' });
	if (!verify('sha256', Buffer.from(`${h}.${p}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(s!, 'base64url'))) throw new Error('VAPID signature does not verify');
	const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as { aud: string; sub: string; exp: number };
	if (claims.aud !== endpointOrigin) throw new Error(`VAPID audience ${claims.aud} is not ${endpointOrigin}`);
	const now = Date.now() / 1000;
	if (!(claims.exp > now && claims.exp <= now + 24 * 3600)) throw new Error('VAPID expiry out of range');
	return { ...claims, key };
}
