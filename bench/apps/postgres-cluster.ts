import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

import { runCommand } from '../dns/run-command.js';
import { freePort } from '../process/free-port.js';

const START_TIMEOUT_MS = 60_000;
const DEBIAN_PG_ROOT = '/usr/lib/postgresql';

/** A throwaway PostgreSQL cluster on a loopback port, trusted logins as user `postgres`. */
export interface PostgresCluster {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
  /** Directory holding initdb, pg_ctl and pgbench of the same major version. */
  readonly binDir: string;
  stop(): Promise<void>;
}

/**
 * Creates a cluster in a temp dir with `initdb` and starts it with `pg_ctl`. PostgreSQL refuses to
 * run as root, so as root both run as the `postgres` account (Debian's package creates it) through
 * `runuser`. Durability is off (fsync, synchronous_commit, full_page_writes): the bench measures the
 * network path between client and server, not this machine's disk.
 */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  const binDir = postgresBinDir();
  const root = await mkdtemp(join(tmpdir(), 'causeway-bench-pg-'));
  const asOwner = await ownerPrefix(root);
  const dataDir = join(root, 'data');
  const port = await freePort();
  const stop = async (): Promise<void> => {
    if (existsSync(join(dataDir, 'postmaster.pid'))) {
      await runCommand(
        [...asOwner, join(binDir, 'pg_ctl'), '-D', dataDir, '-m', 'fast', '-w', 'stop'],
        30_000,
      ).catch(() => undefined);
    }
    await rm(root, { recursive: true, force: true });
  };
  try {
    await mustRun(
      [
        ...asOwner,
        join(binDir, 'initdb'),
        '-D',
        dataDir,
        '--auth=trust',
        '-U',
        'postgres',
        '--no-sync',
        '-E',
        'UTF8',
      ],
      'initdb',
    );
    const settings = [
      `-p ${port}`,
      '-c listen_addresses=127.0.0.1',
      `-c unix_socket_directories=${root}`,
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
    ].join(' ');
    const started = await runCommand(
      [
        ...asOwner,
        join(binDir, 'pg_ctl'),
        '-D',
        dataDir,
        '-o',
        settings,
        '-l',
        join(root, 'server.log'),
        '-w',
        '-t',
        '50',
        'start',
      ],
      START_TIMEOUT_MS,
    );
    if (started.code !== 0) {
      const log = await readFile(join(root, 'server.log'), 'utf8').catch(() => '');
      throw new Error(
        `pg_ctl start failed (${started.code}): ${started.stdout}${started.stderr}\n${log.slice(-2_000)}`,
      );
    }
    return { host: '127.0.0.1', port, user: 'postgres', database: 'postgres', binDir, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The server binaries: `CAUSEWAY_PG_BIN`, else Debian's newest /usr/lib/postgresql/<major>/bin. */
export function postgresBinDir(): string {
  const fromEnv = process.env['CAUSEWAY_PG_BIN'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const majors = existsSync(DEBIAN_PG_ROOT)
    ? readdirSync(DEBIAN_PG_ROOT)
        .filter((d) => /^\d+$/.test(d))
        .map(Number)
        .sort((a, b) => b - a)
    : [];
  const found = majors
    .map((m) => join(DEBIAN_PG_ROOT, String(m), 'bin'))
    .find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pgbench')));
  if (found === undefined) {
    throw new Error(
      `no PostgreSQL server with pgbench under ${DEBIAN_PG_ROOT}/<major>/bin\nhint: apt-get install -y postgresql postgresql-contrib, or set CAUSEWAY_PG_BIN to the directory holding initdb and pgbench`,
    );
  }
  return found;
}

/** As root: hands `dir` to `postgres` and returns the runuser prefix; otherwise runs as ourselves. */
async function ownerPrefix(dir: string): Promise<string[]> {
  if (userInfo().uid !== 0) return [];
  const id = await runCommand(['id', '-u', 'postgres'], 5_000);
  const gid = await runCommand(['id', '-g', 'postgres'], 5_000);
  if (id.code !== 0 || gid.code !== 0) {
    throw new Error(
      'running as root and there is no `postgres` account to run the server as\nhint: apt-get install -y postgresql (it creates the account), or run the bench as a non-root user',
    );
  }
  await chown(dir, Number(id.stdout.trim()), Number(gid.stdout.trim()));
  return ['runuser', '-u', 'postgres', '--'];
}

async function mustRun(argv: readonly string[], what: string): Promise<void> {
  const out = await runCommand(argv, START_TIMEOUT_MS);
  if (out.code !== 0)
    throw new Error(`${what} failed (${out.code}): ${(out.stdout + out.stderr).slice(-2_000)}`);
}
