declare module 'http_ece' {
	import type { ECDH } from 'node:crypto';
	/** The reference implementation of RFC 8188 / 8291 content encoding (Mozilla). */
	export function decrypt(buffer: Buffer, params: { version: 'aes128gcm'; privateKey: ECDH; authSecret: string }): Buffer;
	const ece: { decrypt: typeof decrypt };
	export default ece;
}
