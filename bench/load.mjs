// The load process: drives one REST route with autocannon and prints its figures as JSON.
// argv: origins (comma-separated: connections are spread over them) siteKey usersFile connections seconds
//       [feature, default bench_op] [route: consume (default) | check | balance | key]
//       [order: random (default) | each: every user once, in the file's order, whatever `seconds` says]
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';

const [origins, key, usersFile, connections, seconds, feature = 'bench_op', route = 'consume', order = 'random'] = process.argv.slice(2);
const users = JSON.parse(readFileSync(usersFile, 'utf8'));
let next = 0;
const anyUser = order === 'each' ? () => users[next++ % users.length] : () => users[Math.floor(Math.random() * users.length)];

/** Per route: method, path and what each request carries. */
const routes = {
	consume: { method: 'POST', path: '/api/v1/consume', next: (req) => ({ ...req, headers: { ...req.headers, 'idempotency-key': randomUUID() }, body: JSON.stringify({ user: anyUser(), feature, units: 1 }) }) },
	check: { method: 'POST', path: '/api/v1/check', next: (req) => ({ ...req, body: JSON.stringify({ user: anyUser(), feature, units: 1 }) }) },
	balance: { method: 'GET', path: '/api/v1/balance', next: (req) => ({ ...req, path: `/api/v1/balance?user=${anyUser()}` }) },
	key: { method: 'GET', path: '/api/v1/key', next: (req) => req }
};
const r = routes[route];
if (!r) throw new Error(`unknown route ${route}`);
const result = await autocannon({
	url: origins.split(',').map((o) => `${o}${r.path}`),
	method: r.method,
	connections: Number(connections),
	...(order === 'each' ? { amount: users.length } : { duration: Number(seconds) }),
	headers: { authorization: `Bearer ${key}`, ...(r.method === 'POST' ? { 'content-type': 'application/json' } : {}) },
	requests: [{ setupRequest: r.next }]
});
console.log(
	JSON.stringify({
		rps: result.requests.average,
		total: result.requests.total,
		p50: result.latency.p50,
		p99: result.latency.p99,
		non2xx: result.non2xx,
		errors: result.errors + result.timeouts
	})
);
