import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { config } from '../config';

let cached: string | undefined;

/**
 * The key for signed cookies: APP_SECRET, or one generated on first start and kept in
 * ./data/app-secret (mode 600), so guest cookies survive restarts.
 */
export function appSecret(): string {
	if (cached) return cached;
	const fromEnv = config().APP_SECRET;
	if (fromEnv) return (cached = fromEnv);
	const file = resolve('data/app-secret');
	if (existsSync(file)) {
		const stored = readFileSync(file, 'utf8').trim();
		if (stored.length >= 32) return (cached = stored);
	}
	mkdirSync(dirname(file), { recursive: true });
	const secret = randomBytes(32).toString('base64url');
	// 'wx' fails if another process created the file meanwhile; then use theirs.
	try {
		writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
	} catch {
		return (cached = readFileSync(file, 'utf8').trim());
	}
	chmodSync(file, 0o600);
	return (cached = secret);
}
