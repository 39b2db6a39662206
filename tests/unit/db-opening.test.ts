import { describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { openingFailure } from '../../src/lib/server/db/opening';

describe('openingFailure: the line printed when the database cannot be opened at start', () => {
	it('says a server that cannot be reached, where, and what to check, without the password', async () => {
		// Nothing listens on port 1: postgres.js rejects the first query with ECONNREFUSED, as at a start before the server is up.
		const url = 'postgres://quota:s3cret-pass@127.0.0.1:1/quota';
		const sql = postgres(url, { connect_timeout: 2, max: 1, onnotice: () => {} });
		const error = await sql`select 1`.catch((e: unknown) => e);
		await sql.end({ timeout: 0 });
		const line = openingFailure(error, url);
		expect(line).toBe("Quota: cannot reach PostgreSQL at 127.0.0.1:1/quota (ECONNREFUSED). Is the server running, and are DATABASE_URL's host and port right?");
	});

	it("gives the server's own refusal at sign-in (no such database, wrong password) with its code", () => {
		const refused = Object.assign(new Error('database "quota_prod" does not exist'), { severity: 'FATAL', code: '3D000' });
		expect(openingFailure(refused, 'postgres://quota:pw@db.example.com/quota_prod')).toBe(
			'Quota: PostgreSQL at db.example.com:5432/quota_prod refused the connection: database "quota_prod" does not exist (3D000). Check DATABASE_URL.'
		);
		const password = Object.assign(new Error('password authentication failed for user "quota"'), { severity: 'FATAL', code: '28P01' });
		expect(openingFailure(password, 'postgres://quota:pw@db:6432/q')).toContain('refused the connection: password authentication failed for user "quota" (28P01)');
	});

	it("describes any other failure (a migration's) by its codes and frames, never its message", () => {
		const failed = Object.assign(new Error('insert into t values ($1) -- qk_secret'), { severity: 'ERROR', code: '42P07' });
		const line = openingFailure(failed, 'postgres://db/quota');
		expect(line).toMatch(/^Quota: opening PostgreSQL at db:5432\/quota failed: Error 42P07\n\s+at /);
		expect(line).not.toContain('qk_secret');
	});
});
