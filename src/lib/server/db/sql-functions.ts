import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The SQL functions, trigger functions, triggers and views, one source each in
 * `<migrations>/functions/*.sql` (CREATE OR REPLACE), as one script in file-name order.
 * The migrations hold only tables, indexes, constraints and data; these are applied after them at
 * every start, in the same advisory-locked step (db/client.ts `migrate`), so a changed function is a
 * changed file, not a new migration. plpgsql bodies are resolved when called, so the order only
 * matters for SQL-language functions and views that use another file's object at creation.
 */
export function sqlFunctionsScript(migrationsFolder: string): string {
	const folder = join(migrationsFolder, 'functions');
	return readdirSync(folder)
		.filter((name) => name.endsWith('.sql'))
		.sort()
		.map((name) => `-- ${name}\n${readFileSync(join(folder, name), 'utf8')}`)
		.join('\n');
}
