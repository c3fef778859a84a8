// The netshoot stand-in behaves as the real image where the MCS conformance suite depends on it:
// `sh -c "... nc -v -w 2 -4 NAME PORT"` must run OpenBSD netcat, found on PATH as Alpine's shell
// finds it. Busybox's ash, when built as a standalone shell (Debian's busybox-static is), runs its
// own applet of a name before any program on PATH once /proc is mounted, as it is in every Pod; so
// the image is unpacked and its shell run in a mount and PID namespace with /proc mounted.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { repositoryRoot } from '../support/kube-tools.js';

const run = promisify(execFile);
const podPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Runs `script` with the image's /bin/sh as a container would: own PID namespace, /proc mounted. */
async function inImage(rootfs: string, script: string): Promise<string> {
  const { stdout } = await run(
    'unshare',
    [
      '--mount',
      '--pid',
      '--fork',
      'sh',
      '-c',
      'mount -t proc proc "$1/proc" && exec chroot "$1" /usr/bin/env -i PATH="$2" /bin/sh -c "$3"',
      'in-image',
      rootfs,
      podPath,
      script,
    ],
    { timeout: 30_000 },
  ).catch((err: { stdout?: string; stderr?: string }) => ({
    stdout: `${err.stdout ?? ''}${err.stderr ?? ''}`,
  }));
  return stdout;
}

describe('lab images: the netshoot stand-in', { skip: process.getuid?.() !== 0 }, () => {
  let work = '';
  let rootfs = '';

  before(async () => {
    const script = join(repositoryRoot(), 'test/tools/build-lab-images.sh');
    await run('bash', [script, 'netshoot'], { timeout: 600_000, maxBuffer: 16 << 20 });
    const { stdout } = await run('bash', [script, '--print-dir', 'netshoot'], { timeout: 60_000 });
    const images = stdout.trim().split('\n').at(-1) ?? '';
    work = await mkdtemp(join(tmpdir(), 'causeway-netshoot-'));
    const layout = join(work, 'layout');
    await run('mkdir', ['-p', layout]);
    await run('tar', ['-xf', join(images, 'netshoot-v0.15.tar'), '-C', layout]);
    const ref = (await readFile(join(images, 'netshoot-v0.15.ref'), 'utf8')).trim();
    await run('umoci', [
      'unpack',
      '--image',
      `${layout}:${ref.split(':').at(-1)}`,
      join(work, 'b'),
    ]);
    rootfs = join(work, 'b', 'rootfs');
  });

  after(async () => {
    if (work !== '') await rm(work, { recursive: true, force: true });
  });

  it('runs OpenBSD netcat for `nc` in `sh -c`, as the suite calls it', async () => {
    const out = await inImage(rootfs, 'nc -h 2>&1 | head -n 1');
    assert.match(out, /OpenBSD netcat/, `sh -c "nc -h" printed:\n${out}`);
  });

  it("accepts the suite's nc options and reports a refused connection in its own words", async () => {
    const out = await inImage(rootfs, 'echo hi | nc -v -w 1 -4 127.0.0.1 9 2>&1; echo "exit $?"');
    assert.match(out, /connect to 127\.0\.0\.1 port 9 \(tcp\) failed: Connection refused/, out);
    assert.match(out, /exit 1/, out);
  });

  it('still carries the busybox tools the manifests call (nslookup, grep, awk)', async () => {
    const out = await inImage(
      rootfs,
      'echo a b | awk "{print \\$2}" | grep -c b; command -v nslookup',
    );
    assert.match(out, /^1\n.*nslookup\n$/s, out);
  });
});
