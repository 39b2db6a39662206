// The load process: drives POST /api/v1/consume with autocannon and prints its figures as JSON.
// argv: url siteKey accountsFile connections seconds [feature, default bench_op]
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';

const [url, key, usersFile, connections, seconds, feature = 'bench_op'] = process.argv.slice(2);
const users = JSON.parse(readFileSync(usersFile, 'utf8'));
const result = await autocannon({
	url: `${url}/api/v1/consume`,
	method: 'POST',
	connections: Number(connections),
	duration: Number(seconds),
	headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
	requests: [
		{
			setupRequest: (req) => ({
				...req,
				headers: { ...req.headers, 'idempotency-key': randomUUID() },
				body: JSON.stringify({ user: users[Math.floor(Math.random() * users.length)], feature, units: 1 })
			})
		}
	]
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
