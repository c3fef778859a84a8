import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { pino } from 'pino';
import { CausewayError, ErrorCode } from '../errors/index.js';
import {
  createClustersetCa,
  generateKeyPair,
  issueAdminCertificate,
  issueSiteCertificate,
  type ClustersetCa,
} from '../pki/index.js';
import { ManualRuntime } from '../runtime/index.js';
import { DrillBook } from './drill-book.js';
import { decodeDrillMessage, decodeDrillPayload, type DrillStart } from './drill-message.js';
import { signDrill } from './drill-signature.js';

const T0 = Date.parse('2026-12-03T12:00:00Z');
const ID = 'a'.repeat(32);

let ca: ClustersetCa;
let other: ClustersetCa;
let dir: string;
before(async () => {
  ca = await createClustersetCa({ trustDomain: 'drills.test' });
  other = await createClustersetCa({ trustDomain: 'drills.test' });
  dir = await mkdtemp(join(tmpdir(), 'cw-drills-'));
});
after(() => rm(dir, { recursive: true, force: true }));

function partition(id = ID, endsAt = T0 + 60_000, key = ca.keyPem): DrillStart {
  return signDrill(
    { type: 'drill', id, kind: 'partition', sites: ['eu'], issuedAt: T0, endsAt, issuer: 'us' },
    key,
  );
}

function book(runtime: ManualRuntime, file: string, changes: string[] = []): DrillBook {
  return new DrillBook({
    file,
    trust: () => ({ caPem: ca.certPem, trustDomain: 'drills.test' }),
    runtime,
    logger: pino({ level: 'silent' }),
    changed: (d, change) => changes.push(`${d.id.slice(0, 4)}:${change}`),
  });
}

const refused = (why: RegExp) => (err: unknown) =>
  err instanceof CausewayError && err.code === ErrorCode.DrillRefused && why.test(err.message);

describe('DrillBook', () => {
  it('takes a signed drill in force and ends it at its deadline on its own timer', () => {
    const runtime = new ManualRuntime(T0);
    const changes: string[] = [];
    const b = book(runtime, join(dir, 'deadline.json'), changes);
    assert.equal(b.offer(partition()).kind, 'started');
    assert.equal(b.offer(partition()).kind, 'known', 'a copy of the flood is not news');
    runtime.advance(59_999);
    assert.equal(b.inForce().length, 1);
    runtime.advance(1);
    assert.deepEqual(b.inForce(), []);
    assert.deepEqual(changes, ['aaaa:started', 'aaaa:deadline']);
  });

  it('refuses a forged drill: signed by another CA, or changed after signing', () => {
    const b = book(new ManualRuntime(T0), join(dir, 'forged.json'));
    assert.throws(() => b.offer(partition(ID, T0 + 60_000, other.keyPem)), refused(/not signed/));
    const stretched = { ...partition(), endsAt: T0 + 3_600_000 };
    assert.throws(() => b.offer(stretched), refused(/not signed/));
    const moved = { ...partition(), sites: ['us'] };
    assert.throws(() => b.offer(moved), refused(/not signed/));
    assert.deepEqual(b.inForce(), []);
  });

  it('refuses an expired drill and a replay of one that ended', () => {
    const runtime = new ManualRuntime(T0 + 120_000);
    const b = book(runtime, join(dir, 'expired.json'));
    assert.throws(() => b.offer(partition()), refused(/expired/));
    const runtime2 = new ManualRuntime(T0);
    const b2 = book(runtime2, join(dir, 'replay.json'));
    b2.offer(partition());
    b2.offer(signDrill({ type: 'drill-stop', id: ID, issuedAt: T0 + 1, issuer: 'us' }, ca.keyPem));
    assert.deepEqual(b2.inForce(), []);
    assert.throws(() => b2.offer(partition()), refused(/replay/));
  });

  it('refuses a stop it cannot trust', () => {
    const b = book(new ManualRuntime(T0), join(dir, 'stop.json'));
    b.offer(partition());
    const forged = signDrill(
      { type: 'drill-stop', id: ID, issuedAt: T0, issuer: 'eu' },
      other.keyPem,
    );
    assert.throws(() => b.offer(forged), refused(/not signed/));
    assert.equal(b.inForce().length, 1);
  });

  it('keeps drills across a restart, each with its deadline, and forgets none it refused', async () => {
    const file = join(dir, 'restart.json');
    const runtime = new ManualRuntime(T0);
    const first = book(runtime, file);
    first.offer(partition());
    first.offer(partition('b'.repeat(32), T0 + 5_000));
    first.offer(
      signDrill({ type: 'drill-stop', id: 'b'.repeat(32), issuedAt: T0, issuer: 'us' }, ca.keyPem),
    );
    await first.flushed();
    first.close();
    const later = new ManualRuntime(T0 + 30_000);
    const changes: string[] = [];
    const second = book(later, file, changes);
    await second.load();
    assert.deepEqual(
      second.inForce().map((d) => d.id),
      [ID],
    );
    // The stopped drill replayed as it was signed: its deadline is past, so it is refused.
    assert.throws(() => second.offer(partition('b'.repeat(32), T0 + 5_000)), refused(/expired/));
    later.advance(30_000);
    assert.deepEqual(second.inForce(), []);
    assert.deepEqual(changes, ['aaaa:deadline']);
    const saved = JSON.parse(await readFile(file, 'utf8')) as { active: unknown[] };
    await second.flushed();
    assert.ok(Array.isArray(saved.active));
  });

  it('a drill whose deadline passed while the router was down ends at load', async () => {
    const file = join(dir, 'late.json');
    await writeFile(file, JSON.stringify({ active: [partition()], ended: [] }));
    const b = book(new ManualRuntime(T0 + 61_000), file);
    await b.load();
    assert.deepEqual(b.inForce(), []);
  });
});

describe('drill messages', () => {
  it('refuse hostile payloads with a typed error, never anything else', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }).map((s) => Buffer.from(s)),
          fc.jsonValue().map((v) => Buffer.from(JSON.stringify({ type: 'drill', v }))),
          fc
            .record({
              type: fc.constantFrom('drill', 'drill-stop', 'site'),
              id: fc.oneof(fc.stringMatching(/^[0-9a-f]{32}$/), fc.string()),
              kind: fc.string(),
              sites: fc.array(fc.string(), { maxLength: 3 }),
              issuedAt: fc.oneof(fc.integer(), fc.double()),
              endsAt: fc.integer(),
              issuer: fc.string(),
              signature: fc.string(),
            })
            .map((r) => Buffer.from(JSON.stringify(r))),
        ),
        (payload) => {
          try {
            const m = decodeDrillPayload(payload);
            assert.ok(m.type === 'drill' || m.type === 'drill-stop');
          } catch (err) {
            assert.ok(err instanceof CausewayError && err.code === ErrorCode.DrillRefused);
          }
        },
      ),
    );
  });

  it('a decoded drill is what was signed', () => {
    const d = partition();
    assert.deepEqual(decodeDrillMessage(JSON.parse(JSON.stringify(d))), d);
  });
});

describe('drills signed with an admin key', () => {
  /** A key pair with a certificate `issue` makes for its public key. */
  async function keyWith(
    issue: (publicKeyPem: string) => Promise<string>,
  ): Promise<{ keyPem: string; adminCertificate: string }> {
    const keys = await generateKeyPair();
    return { keyPem: keys.privateKeyPem, adminCertificate: await issue(keys.publicKeyPem) };
  }
  const admin =
    (of: ClustersetCa, trustDomain = 'drills.test') =>
    (publicKeyPem: string) =>
      issueAdminCertificate({
        caCertPem: of.certPem,
        caKeyPem: of.keyPem,
        trustDomain,
        name: 'ops',
        publicKeyPem,
      });
  // Certificates are current by the wall clock, so these books run on it too.
  const now = Date.now();
  const drill = (key: { keyPem: string; adminCertificate: string }): DrillStart =>
    signDrill(
      {
        type: 'drill',
        id: 'c'.repeat(32),
        kind: 'site-loss',
        sites: ['eu'],
        issuedAt: now,
        endsAt: now + 60_000,
        issuer: 'ap',
      },
      key,
    );

  it('takes a drill signed by an admin key the clusterset CA issued, and its stop', async () => {
    const key = await keyWith(admin(ca));
    const b = book(new ManualRuntime(now), join(dir, 'admin.json'));
    assert.equal(b.offer(drill(key)).kind, 'started');
    const stop = signDrill(
      { type: 'drill-stop', id: 'c'.repeat(32), issuedAt: now + 1, issuer: 'ap' },
      key,
    );
    assert.equal(
      decodeDrillMessage(JSON.parse(JSON.stringify(stop))).certificate,
      key.adminCertificate,
    );
    b.offer(stop);
    assert.deepEqual(b.inForce(), []);
  });

  it('refuses admin keys of another CA or trust domain, site keys, and a certificate swapped in', async () => {
    const b = book(new ManualRuntime(now), join(dir, 'admin-refused.json'));
    const foreign = await keyWith(admin(other));
    assert.throws(() => b.offer(drill(foreign)), refused(/not issued by the clusterset CA/));
    const otherDomain = await keyWith(admin(ca, 'elsewhere.test'));
    assert.throws(() => b.offer(drill(otherDomain)), refused(/names no admin of trust domain/));
    const site = await keyWith((publicKeyPem) =>
      issueSiteCertificate({
        caCertPem: ca.certPem,
        caKeyPem: ca.keyPem,
        trustDomain: 'drills.test',
        siteId: 'ap',
        publicKeyPem,
      }),
    );
    assert.throws(() => b.offer(drill(site)), refused(/names no admin/));
    const genuine = await keyWith(admin(ca));
    const swapped = { ...drill(foreign), certificate: genuine.adminCertificate };
    assert.throws(() => b.offer(swapped), refused(/does not match its admin certificate/));
    assert.deepEqual(b.inForce(), []);
  });
});
