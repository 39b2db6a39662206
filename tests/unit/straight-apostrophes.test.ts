import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// The pages write straight apostrophes ("the team's"); so does every message the server, the API's
// descriptions and the pages' scripts send. Comments may keep their typography; the separators a
// parser accepts ("1’000") are not words.
const roots = ['src/lib', 'src/routes', 'drizzle'];
function walk(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
		e.isDirectory() ? walk(join(dir, e.name)) : /\.(ts|svelte|sql)$/.test(e.name) && !e.name.endsWith('.test.ts') ? [join(dir, e.name)] : []
	);
}
const files = roots.flatMap(walk);

describe('user-facing words use straight apostrophes', () => {
	it('no string, markup or SQL text outside comments has a curly one (’)', () => {
		const found = files.flatMap((f) =>
			readFileSync(f, 'utf8')
				.split('\n')
				.map((line, i) => ({ at: `${f}:${i + 1}`, line: line.trim() }))
				.filter(({ line }) => line.includes('’') && !/^(\/\/|\*|\/\*|<!--|--)/.test(line) && !line.includes("[\\s,.'’_]"))
				.map(({ at }) => at)
		);
		expect(files.length).toBeGreaterThan(100);
		expect(found).toEqual([]);
	});
});
