// A private PostgreSQL 15 cluster that a test or bench can stop and start again on the same port
// (scripts/pg-throwaway.sh does the same for a whole shell session, but cannot be stopped mid-run).
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../e2e/server';

const PGBIN = process.env.PGBIN ?? '/usr/lib/postgresql/15/bin';

export interface PgCluster {
	url: string;
	/** `pg_ctl stop -m immediate`: every backend killed at once, as in a crash. */
	crash(): void;
	/** Starts the server again on the same port; returns once it accepts connections. */
	start(): void;
	/**
	 * SIGSTOP to the server and every backend: it answers nothing while its connections stay open, as a
	 * server that hangs (or a network that drops packets) does; `thaw` sends SIGCONT.
	 */
	freeze(): void;
	thaw(): void;
	/** Stops the server (if running) and deletes its files. */
	destroy(): void;
}

export const hasPostgres = existsSync(join(PGBIN, 'initdb'));

const asRoot = process.getuid?.() === 0;

/** initdb refuses to run as root: as root, the server runs as the unprivileged user scripts/pg-throwaway.sh creates. */
function serverUid(): number {
	spawnSync('sh', ['-c', 'id quota-pg >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin quota-pg']);
	return Number(execFileSync('id', ['-u', 'quota-pg']).toString());
}

function asServerUser(cmd: string, args: string[]): [string, string[]] {
	return asRoot ? ['runuser', ['-u', 'quota-pg', '--', cmd, ...args]] : [cmd, args];
}

function run(cmd: string, args: string[]) {
	const [c, a] = asServerUser(cmd, args);
	execFileSync(c, a, { stdio: ['ignore', 'ignore', 'pipe'] });
}

export async function startPgCluster(): Promise<PgCluster> {
	const dir = mkdtempSync(join(tmpdir(), 'quota-pgc-'));
	if (asRoot) chownSync(dir, serverUid(), 0);
	const port = await freePort();
	run(join(PGBIN, 'initdb'), ['-D', dir, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
	const options = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir} -c max_connections=200 -c fsync=off`;
	const pgCtl = (...args: string[]) => run(join(PGBIN, 'pg_ctl'), ['-D', dir, ...args]);
	let running = false;
	/** The postmaster (postmaster.pid's first line) and its children (their PPid in /proc). */
	const signalAll = (signal: NodeJS.Signals) => {
		const postmaster = Number(readFileSync(join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
		const children = readdirSync('/proc')
			.filter((d) => /^\d+$/.test(d))
			.filter((d) => {
				try {
					return Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${d}/status`, 'utf8'))?.[1]) === postmaster;
				} catch {
					return false; // ended meanwhile
				}
			})
			.map(Number);
		for (const pid of [postmaster, ...children]) process.kill(pid, signal);
	};
	const cluster: PgCluster = {
		url: `postgres://postgres@127.0.0.1:${port}/postgres`,
		crash() {
			pgCtl('stop', '-m', 'immediate', '-w');
			running = false;
		},
		start() {
			pgCtl('start', '-w', '-t', '60', '-l', join(dir, 'server.log'), '-o', options);
			running = true;
		},
		freeze() {
			signalAll('SIGSTOP');
		},
		thaw() {
			signalAll('SIGCONT');
		},
		destroy() {
			if (running) pgCtl('stop', '-m', 'fast', '-w');
			running = false;
			rmSync(dir, { recursive: true, force: true });
		}
	};
	cluster.start();
	return cluster;
}
