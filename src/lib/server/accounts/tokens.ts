import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeBase64urlNoPadding, encodeHexLowerCase } from '@oslojs/encoding';

/** A random secret for a cookie or an emailed link: 20 bytes (160 bits), base32 lower case. */
export function randomToken(): string {
	const bytes = new Uint8Array(20);
	crypto.getRandomValues(bytes);
	return encodeBase32LowerCaseNoPadding(bytes);
}

/** 32 random bytes as 43 base64url characters (API key bodies, guest ids use fewer). */
export function randomBase64url(byteLength = 32): string {
	const bytes = new Uint8Array(byteLength);
	crypto.getRandomValues(bytes);
	return encodeBase64urlNoPadding(bytes);
}

/**
 * What the database keeps instead of a secret token. The tokens are long random values,
 * so one fast hash is enough: a stolen table does not give usable cookies, links or keys.
 */
export function hashToken(token: string): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}
