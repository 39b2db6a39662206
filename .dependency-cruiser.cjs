// Quota's layer rules (docs/ARCHITECTURE.md, "Layers"), checked by `npm test` and by
// tests/unit/dependency-rules.test.ts, which also shows each rule failing on a violation.
// Run by hand: npx depcruise src --config .dependency-cruiser.cjs

/** The edge: everything that speaks HTTP or SvelteKit. */
const edge = '^src/lib/server/(rest|trpc|http|live)/|^src/lib/server/forms\\.ts$';
/** What only the edge and the routes may import. */
const transport = `${edge}|^src/routes/|^src/hooks\\.server\\.ts$`;
const sveltekit = '(^|/)node_modules/@sveltejs/kit/|^@sveltejs/kit|^\\$app/';

/** @type {import('dependency-cruiser').IForbiddenRuleType[]} */
const forbidden = [
	{
		name: 'domain-imports-no-sveltekit',
		comment: 'A domain (every folder and file of src/lib/server but the edge) knows no SvelteKit: map requests at the edge.',
		severity: 'error',
		from: { path: '^src/lib/server/', pathNot: edge },
		to: { path: sveltekit }
	},
	{
		name: 'domain-imports-no-transport',
		comment: 'A domain knows no transport (REST, tRPC, http handles, SSE, forms, routes): the edge calls the domain, never the other way.',
		severity: 'error',
		from: { path: '^src/lib/server/', pathNot: edge },
		to: { path: transport }
	},
	{
		name: 'ledger-imports-no-other-domain',
		comment: 'The ledger imports no other domain folder (users, the store, alerts, admin, reports, mail, …): they call it. Shared files (db/, errors.ts, …) it may.',
		severity: 'error',
		from: { path: '^src/lib/server/ledger/' },
		to: { path: '^src/lib/server/[^/]+/', pathNot: '^src/lib/server/(ledger|db)/' }
	},
	{
		name: 'browser-takes-only-types',
		comment: 'Browser code imports only types from the server.',
		severity: 'error',
		from: { path: '^src/lib/(client|components)/' },
		to: { path: '^src/lib/server/', dependencyTypesNot: ['type-only'] }
	}
];

module.exports = {
	forbidden,
	options: {
		doNotFollow: { path: 'node_modules' },
		// Type-only imports are seen (and allowed where the rules say so): TypeScript drops them from the build.
		tsPreCompilationDeps: true,
		tsConfig: { fileName: 'tsconfig.deps.json' },
		enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], mainFields: ['module', 'main', 'types'] }
	}
};
