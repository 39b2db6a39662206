import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { files, generated } from '../../sdk/scripts/generate';

// The SDK's types are generated from the OpenAPI document the app serves; a change to the REST
// schemas without `npm run sdk:generate` leaves the SDK describing an API that no longer exists.

describe('SDK generated files', () => {
	it('sdk/openapi.json and sdk/src/openapi.ts are what the app’s schemas generate now', async () => {
		const now = await generated();
		const hint = 'stale: run `npm run sdk:generate` and commit the result';
		expect(readFileSync(files.json, 'utf8') === now.json, `sdk/openapi.json is ${hint}`).toBe(true);
		expect(readFileSync(files.types, 'utf8') === now.types, `sdk/src/openapi.ts is ${hint}`).toBe(true);
		// The generated types name every REST path the document has.
		for (const path of Object.keys(JSON.parse(now.json).paths)) expect(now.types).toContain(`"${path}": {`);
	});
});
