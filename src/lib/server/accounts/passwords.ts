import { hash, verify } from '@node-rs/argon2';

// OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane).
const options = { memoryCost: 19456, timeCost: 2, outputLen: 32, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
	return hash(password, options);
}

/** A real hash of a throwaway password, so unknown emails take as long as wrong passwords. */
let decoy: Promise<string> | undefined;

export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
	if (!storedHash) {
		decoy ??= hashPassword('decoy-password-for-timing-0');
		await verify(await decoy, password).catch(() => false);
		return false;
	}
	try {
		return await verify(storedHash, password);
	} catch {
		return false;
	}
}
