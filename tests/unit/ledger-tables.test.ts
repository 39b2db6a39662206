import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

// Each domain owns its tables (docs/ARCHITECTURE.md): the ledger's are read and written only by
// src/lib/server/ledger/ (and declared in db/schema/ledger.ts). Everything else calls ledger
// functions. This reads every other server file and route for SQL or schema imports naming them.

const schema = readFileSync('src/lib/server/db/schema/ledger.ts', 'utf8');
const tables = [...schema.matchAll(/export const (\w+) = pgTable\(\s*'(\w+)'/g)].map(([, name, table]) => ({ name: name!, table: table! }));

function files(dir: string): string[] {
	return readdirSync(dir).flatMap((f) => {
		const path = join(dir, f);
		if (statSync(path).isDirectory()) return files(path);
		return /\.(ts|svelte)$/.test(f) && !f.endsWith('.d.ts') ? [path] : [];
	});
}

/** Where `source` names a ledger table in SQL, or imports a ledger table's schema object. */
function ledgerTableUses(source: string): string[] {
	const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
	const uses: string[] = [];
	for (const { name, table } of tables) {
		if (new RegExp(`\\b(from|join|update|into)\\s+${table}\\b`, 'i').test(code)) uses.push(`SQL on ${table}`);
		for (const m of code.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'[^']*db\/schema(?:\/index)?'/g)) {
			if (m[1]!.split(',').some((n) => n.trim().split(/\s+as\s+/)[0] === name)) uses.push(`schema import ${name}`);
		}
	}
	return uses;
}

describe('the ledger owns its tables', () => {
	it('finds the ledger tables to look for', () => {
		expect(tables.map((t) => t.table)).toEqual(expect.arrayContaining(['lots', 'entries', 'operations', 'holds', 'usage_daily', 'allowance_windows']));
	});

	it('recognises SQL and schema imports that name them, and not other tables', () => {
		expect(ledgerTableUses("sql`select sum(remaining) from lots where account_id = ${id}`")).toEqual(['SQL on lots']);
		expect(ledgerTableUses("import { users, usageDaily } from '../db/schema';")).toEqual(['schema import usageDaily']);
		expect(ledgerTableUses("sql`select * from users u join teams t on true` // reads lots from the ledger")).toEqual([]);
	});

	it('no server file outside the ledger and no route names one', () => {
		const outside = [...files('src/lib/server'), ...files('src/routes')].filter(
			(f) => !f.startsWith(join('src/lib/server/ledger')) && !f.startsWith(join('src/lib/server/db/schema'))
		);
		const found = outside.flatMap((f) => ledgerTableUses(readFileSync(f, 'utf8')).map((u) => `${f}: ${u}`));
		expect(found).toEqual([]);
	});
});
