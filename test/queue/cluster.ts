/**
 * An n8n queue-mode cluster on this machine, for `npm run test:queue`: Redis and PostgreSQL from
 * the distribution's packages, n8n's main instance and its workers, each a plain process on a
 * loopback port that this module starts, owns and stops.
 *
 * Every process is started in its own process group and recorded as "<pgid> <name> <start time>"
 * in <runDir>/pids before anything else happens, with TENSORSLAB_QUEUE_RUN=<runId> in its
 * environment. stopAll() stops them here; scripts/queue/services.sh `cleanup` reads the same file
 * when this process itself was killed (the shell's EXIT trap), and kills a recorded group only while
 * its leader is still the recorded process (same PID and start time) or one of its processes still
 * carries the run's marker, so a reused process ID is never touched.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import * as n8n from '../../scripts/lib/n8n-runtime';
import type { Runtime } from '../../scripts/lib/n8n-runtime';

/** One started process (the leader of its own process group). */
export interface Proc {
	name: string;
	pid: number;
	child: ChildProcess;
	logFile: string;
	/** Everything it printed so far (stdout and stderr, in one file). */
	logs(): string;
	/** Resolves when the leader exits. */
	exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	isRunning(): boolean;
}

export interface N8nProc extends Proc {
	role: 'main' | 'worker';
	userFolder: string;
	/** main: the editor/REST/webhook URL; worker: its health-check URL. */
	url: string;
	port: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until `check` returns a value (not undefined), at most timeoutMs; throws `what` otherwise. */
export async function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined> | T | undefined, everyMs = 250): Promise<T> {
	const started = Date.now();
	for (;;) {
		const value = await check();
		if (value !== undefined) return value;
		if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
		await sleep(everyMs);
	}
}

/** Where PostgreSQL's server programs are (postgres, initdb), or undefined. */
export function postgresBinDir(): string | undefined {
	const fromEnv = process.env.TENSORSLAB_PG_BINDIR;
	if (fromEnv) return fromEnv;
	const onPath = (cmd: string) =>
		(process.env.PATH ?? '').split(path.delimiter).find((dir) => dir && fs.existsSync(path.join(dir, cmd)));
	const dir = onPath('postgres');
	if (dir && fs.existsSync(path.join(dir, 'initdb'))) return dir;
	// Debian keeps the server programs out of PATH, in the postgresql-<major> package: ask dpkg.
	try {
		const packages = execFileSync('dpkg-query', ['-W', '-f', '${Package} ${Status}\n', 'postgresql-[0-9]*'], { encoding: 'utf8' })
			.split('\n')
			.filter((line) => /^postgresql-\d+ .*installed$/.test(line))
			.map((line) => line.split(' ')[0])
			.sort((a, b) => Number(b.split('-')[1]) - Number(a.split('-')[1]));
		for (const pkg of packages) {
			const files = execFileSync('dpkg-query', ['-L', pkg], { encoding: 'utf8' }).split('\n');
			const server = files.find((f) => f.endsWith('/bin/postgres'));
			if (server && fs.existsSync(path.join(path.dirname(server), 'initdb'))) return path.dirname(server);
		}
	} catch {
		// no dpkg, or nothing installed
	}
	return undefined;
}

export class Cluster {
	readonly runId = `tlq-${process.pid}-${randomBytes(4).toString('hex')}`;
	readonly encryptionKey = randomBytes(24).toString('hex');
	readonly procs: Proc[] = [];
	readonly pidFile: string;
	/** Throwaway data (PostgreSQL's cluster, Redis's folder): removed by stopAll(). */
	readonly scratch: string;
	redisPort = 0;
	pgPort = 0;
	private pgData = '';

	constructor(
		readonly rt: Runtime,
		readonly runDir: string,
	) {
		fs.mkdirSync(runDir, { recursive: true });
		this.pidFile = path.join(runDir, 'pids');
		fs.writeFileSync(path.join(runDir, 'run-id'), `${this.runId}\n`);
		this.scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-queue-'));
		fs.chmodSync(this.scratch, 0o755);
		// For scripts/queue/services.sh cleanup, should this process die before stopAll().
		fs.writeFileSync(path.join(runDir, 'scratch'), `${this.scratch}\n`);
	}

	/**
	 * Starts a command as the leader of a new process group, its output appended to
	 * <runDir>/<name>.log, and records the group before returning.
	 */
	spawnProc(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): Proc {
		const logFile = path.join(this.runDir, `${name}.log`);
		const fd = fs.openSync(logFile, 'a');
		const child = spawn(cmd, args, {
			env: { ...env, TENSORSLAB_QUEUE_RUN: this.runId },
			cwd: cwd ?? this.scratch,
			detached: true,
			stdio: ['ignore', fd, fd],
		});
		fs.closeSync(fd);
		if (child.pid === undefined) throw new Error(`could not start ${name} (${cmd})`);
		fs.appendFileSync(this.pidFile, `${child.pid} ${name} ${startTime(child.pid)}\n`);
		let running = true;
		const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
			child.on('exit', (code, signal) => {
				running = false;
				resolve({ code, signal });
			}),
		);
		child.on('error', () => {
			running = false;
		});
		const proc: Proc = {
			name,
			pid: child.pid,
			child,
			logFile,
			logs: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : ''),
			exited,
			isRunning: () => running,
		};
		this.procs.push(proc);
		return proc;
	}

	/** Signals a process's whole group (the leader and anything it started). */
	static signalGroup(proc: Proc, signal: NodeJS.Signals): void {
		try {
			process.kill(-proc.pid, signal);
		} catch {
			// already gone
		}
	}

	/** Stops a process group: `signal`, then SIGKILL after graceMs. */
	async stop(proc: Proc, signal: NodeJS.Signals = 'SIGTERM', graceMs = 20_000): Promise<void> {
		if (proc.isRunning()) {
			Cluster.signalGroup(proc, signal);
			const timer = setTimeout(() => Cluster.signalGroup(proc, 'SIGKILL'), graceMs);
			await proc.exited;
			clearTimeout(timer);
		}
		// Whatever the leader left behind in its group (n8n's task runner, a postgres backend).
		Cluster.signalGroup(proc, 'SIGKILL');
	}

	/** Stops everything, newest first, then removes the scratch data. Never throws. */
	async stopAll(): Promise<void> {
		for (const proc of [...this.procs].reverse()) {
			try {
				// PostgreSQL: SIGINT is its "fast" shutdown (SIGTERM would wait for clients).
				await this.stop(proc, proc.name === 'postgres' ? 'SIGINT' : 'SIGTERM');
			} catch {
				// keep going
			}
		}
		fs.rmSync(this.scratch, { recursive: true, force: true });
	}

	// --- Redis ---------------------------------------------------------------------------------

	async startRedis(): Promise<Proc> {
		this.redisPort = await n8n.freePort();
		const dir = path.join(this.scratch, 'redis');
		fs.mkdirSync(dir);
		const proc = this.spawnProc(
			'redis',
			'redis-server',
			['--port', String(this.redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', dir],
			process.env,
		);
		await waitFor('Redis to answer PING', 30_000, async () => {
			if (!proc.isRunning()) throw new Error(`redis-server exited:\n${proc.logs()}`);
			return (await this.redis('PING').catch(() => '')) === 'PONG' ? true : undefined;
		});
		return proc;
	}

	/** One Redis command over a plain socket (RESP); resolves the reply as text. */
	redis(...args: string[]): Promise<string> {
		return new Promise((resolve, reject) => {
			const socket = net.connect(this.redisPort, '127.0.0.1');
			let data = '';
			const timer = setTimeout(() => socket.destroy(new Error('redis: no answer within 5 s')), 5000);
			socket.on('connect', () => socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`));
			socket.on('data', (chunk) => {
				data += chunk.toString('utf8');
				const reply = parseResp(data);
				if (reply !== undefined) {
					clearTimeout(timer);
					socket.end();
					resolve(reply);
				}
			});
			socket.on('error', (error) => {
				clearTimeout(timer);
				reject(error);
			});
		});
	}

	// --- PostgreSQL ----------------------------------------------------------------------------

	async startPostgres(): Promise<Proc> {
		const bin = postgresBinDir();
		if (!bin) throw new Error('PostgreSQL server programs not found: run scripts/queue/services.sh ensure (npm run test:queue does)');
		this.pgPort = await n8n.freePort();
		this.pgData = path.join(this.scratch, 'pg');
		// PostgreSQL refuses to run as root: as root, run it as the package's `postgres` user.
		const asRoot = process.getuid?.() === 0;
		const wrap = (cmd: string, args: string[]): [string, string[]] => (asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]);
		if (asRoot) {
			fs.mkdirSync(this.pgData, { mode: 0o700 });
			execFileSync('chown', ['postgres:', this.pgData]);
		}
		const [initCmd, initArgs] = wrap(path.join(bin, 'initdb'), ['-D', this.pgData, '-U', 'n8n', '-A', 'trust', '-E', 'UTF8', '--no-instructions']);
		const init = await n8n.run(initCmd, initArgs, { env: { ...process.env, LC_ALL: 'C.UTF-8' }, cwd: this.scratch, timeoutMs: 120_000 });
		fs.writeFileSync(path.join(this.runDir, 'initdb.log'), init.stdout + init.stderr);
		if (init.code !== 0) throw new Error(`initdb failed (exit ${init.code}):\n${init.stdout}\n${init.stderr}`);
		const [cmd, args] = wrap(path.join(bin, 'postgres'), [
			'-D',
			this.pgData,
			'-p',
			String(this.pgPort),
			'-h',
			'127.0.0.1',
			'-k',
			this.pgData,
			// A throwaway database: durability off (much faster on a busy disk).
			'-c',
			'fsync=off',
			'-c',
			'synchronous_commit=off',
			'-c',
			'full_page_writes=off',
			'-c',
			'max_connections=200',
		]);
		const proc = this.spawnProc('postgres', cmd, args, { ...process.env, LC_ALL: 'C.UTF-8' });
		await waitFor('PostgreSQL to accept connections', 60_000, () => {
			if (!proc.isRunning()) throw new Error(`postgres exited:\n${proc.logs()}`);
			return /database system is ready to accept connections/.test(proc.logs()) ? true : undefined;
		});
		return proc;
	}

	// --- n8n -----------------------------------------------------------------------------------

	/** The environment every n8n process of the cluster shares (queue mode, Postgres, Redis). */
	n8nEnv(userFolder: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
		return n8n.n8nEnv(this.rt, {
			userFolder,
			extra: {
				EXECUTIONS_MODE: 'queue',
				QUEUE_BULL_REDIS_HOST: '127.0.0.1',
				QUEUE_BULL_REDIS_PORT: String(this.redisPort),
				DB_TYPE: 'postgresdb',
				DB_POSTGRESDB_HOST: '127.0.0.1',
				DB_POSTGRESDB_PORT: String(this.pgPort),
				DB_POSTGRESDB_DATABASE: 'postgres',
				DB_POSTGRESDB_USER: 'n8n',
				DB_POSTGRESDB_PASSWORD: '',
				N8N_ENCRYPTION_KEY: this.encryptionKey,
				// Binary data: deliberately NOT set, so the test runs n8n's own queue-mode default.
				...extra,
			},
		});
	}

	/** `n8n start` (the main instance); resolves once its REST API answers. */
	async startMain(userFolder: string, extra: Record<string, string> = {}, timeoutMs = 300_000): Promise<N8nProc> {
		const port = await n8n.freePort();
		const env = this.n8nEnv(userFolder, {
			N8N_PORT: String(port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: 'localhost',
			N8N_PROTOCOL: 'http',
			N8N_EDITOR_BASE_URL: `http://localhost:${port}`,
			WEBHOOK_URL: `http://127.0.0.1:${port}/`,
			N8N_RUNNERS_BROKER_PORT: String(await n8n.freePort()),
			...extra,
		});
		const proc = this.spawnProc('main', this.rt.nodeBin, [this.rt.n8nBin, 'start'], env);
		const url = `http://127.0.0.1:${port}`;
		await waitFor('the main instance REST API', timeoutMs, async () => {
			if (!proc.isRunning()) throw new Error(`n8n main exited:\n${proc.logs().slice(-6000)}`);
			try {
				const res = await fetch(`${url}/rest/settings`);
				const body = res.ok ? ((await res.json().catch(() => undefined)) as { data?: unknown } | undefined) : undefined;
				return body?.data ? true : undefined;
			} catch {
				return undefined;
			}
		}, 500);
		return { ...proc, role: 'main', userFolder, url, port };
	}

	/** `n8n worker --concurrency=<n>`; resolves once its readiness check (DB + Redis) passes. */
	async startWorker(name: string, userFolder: string, concurrency: number, extra: Record<string, string> = {}, timeoutMs = 300_000): Promise<N8nProc> {
		const port = await n8n.freePort();
		const env = this.n8nEnv(userFolder, {
			QUEUE_HEALTH_CHECK_ACTIVE: 'true',
			QUEUE_HEALTH_CHECK_PORT: String(port),
			N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
			N8N_RUNNERS_BROKER_PORT: String(await n8n.freePort()),
			TENSORSLAB_QUEUE_WORKER: name,
			...extra,
		});
		const proc = this.spawnProc(name, this.rt.nodeBin, [this.rt.n8nBin, 'worker', `--concurrency=${concurrency}`], env);
		const url = `http://127.0.0.1:${port}`;
		await waitFor(`${name} to be ready`, timeoutMs, async () => {
			if (!proc.isRunning()) throw new Error(`${name} exited:\n${proc.logs().slice(-6000)}`);
			try {
				const res = await fetch(`${url}/healthz/readiness`);
				return res.ok ? true : undefined;
			} catch {
				return undefined;
			}
		}, 500);
		return { ...proc, role: 'worker', userFolder, url, port };
	}
}

/**
 * The process's start time in clock ticks since boot (Linux: field 22 of /proc/<pid>/stat), which
 * with the PID identifies a process for good; "-" where unknown. Recorded for the cleanup script,
 * which needs no environment marker for it (redis-server overwrites its environment block with its
 * process title).
 */
function startTime(pid: number): string {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '-';
	} catch {
		return '-';
	}
}

/** A complete RESP reply in `data` as text (simple string, integer, bulk string, error), or undefined. */
function parseResp(data: string): string | undefined {
	const end = data.indexOf('\r\n');
	if (end === -1) return undefined;
	const type = data[0];
	const head = data.slice(1, end);
	if (type === '+' || type === ':') return head;
	if (type === '-') return `ERR ${head}`;
	if (type === '$') {
		const len = Number(head);
		if (len === -1) return '';
		const body = data.slice(end + 2);
		return Buffer.byteLength(body) >= len + 2 ? body.slice(0, len) : undefined;
	}
	if (type === '*') return data; // arrays: the caller does not need them parsed
	return data;
}
