import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { CLI_ENTRY } from '../../src/demo/index.js';
import { netnsSkip } from '../lab/netns-skip.js';

const run = promisify(execFile);
const README = fileURLToPath(new URL('../../../README.md', import.meta.url));

/** The first ```sh block of the README's "Using it by hand" section, exactly as users copy it. */
export function walkthroughOf(readme: string): string {
  const section = readme.indexOf('\n## Using it by hand');
  assert.ok(section >= 0, 'README has no "Using it by hand" section');
  const open = readme.indexOf('```sh\n', section);
  const close = readme.indexOf('\n```', open + 6);
  assert.ok(open > section && close > open, 'the section has no ```sh block');
  return readme.slice(open + 6, close + 1);
}

/**
 * Runs the walkthrough in a network namespace of its own: its fixed ports (7443, 7444, 9000,
 * 18080) are then free whatever else runs on this machine, and its loopback is private.
 */
describe('the README walkthrough runs as written on one machine', { skip: netnsSkip }, () => {
  const ns = `cw-readme-${process.pid}`;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'causeway-readme-'));
    await run('ip', ['netns', 'add', ns]);
    await run('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);
  });

  after(async () => {
    // Whatever the walkthrough left running (the backend, a router after a failure) is ours.
    const { stdout } = await run('ip', ['netns', 'pids', ns]).catch(() => ({ stdout: '' }));
    for (const pid of stdout.split('\n').filter((p) => p !== ''))
      process.kill(Number(pid), 'SIGKILL');
    await run('ip', ['netns', 'delete', ns]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it('every command succeeds in order, and curl gets the backend through the link', async () => {
    const block = walkthroughOf(await readFile(README, 'utf8'));
    const script = [
      `set -euo pipefail`,
      `causeway() { ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI_ENTRY)} "$@"; }`,
      `cd ${JSON.stringify(dir)}`,
      'set -x',
      block,
    ].join('\n');
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (resolve) => {
        const child = spawn('ip', ['netns', 'exec', ns, 'bash', '-c', script], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code, stdout, stderr });
        });
      },
    );
    assert.equal(result.code, 0, `the walkthrough stopped:\n${result.stderr.slice(-3000)}`);
    assert.match(result.stdout, /Directory listing for \//, "curl did not get the backend's page");
    assert.match(result.stdout, /^eu-west\s+up\s+outbound/m, 'status does not show the link up');
    const json = result.stdout.slice(result.stdout.indexOf('{\n'));
    const status = JSON.parse(json.slice(0, json.indexOf('\n}\n') + 2)) as {
      site: { id: string };
      links: Array<{ peer: string; state: string }>;
    };
    assert.equal(status.site.id, 'us-east');
    assert.equal(status.links.find((l) => l.peer === 'eu-west')?.state, 'up');
    assert.match(
      result.stdout,
      /drained in \d+ ms; the router has stopped\n[^]*drained in \d+ ms; the router has stopped/,
    );
  });
});
