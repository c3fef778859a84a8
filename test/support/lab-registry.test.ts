import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { LabRegistry } from './lab-registry.js';

let registry: LabRegistry;

before(async () => {
  registry = await LabRegistry.start([], '127.0.0.1');
});

after(async () => {
  await registry.close();
});

test('lab registry: the API version check answers as a registry does', async () => {
  const response = await fetch(`${registry.url}/v2/`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('docker-distribution-api-version'), 'registry/2.0');
});

test('lab registry: an image it does not hold is MANIFEST_UNKNOWN (what containerd reports as not found)', async () => {
  const response = await fetch(`${registry.url}/v2/library/nginx/manifests/stable?ns=docker.io`);
  assert.equal(response.status, 404);
  assert.match(await response.text(), /MANIFEST_UNKNOWN/);
});

test('lab registry: any path, method and query gets an HTTP answer, never a crash or a file outside the archives', async () => {
  const segment = fc.stringMatching(/^[A-Za-z0-9._%:-]{0,12}$/);
  await fc.assert(
    fc.asyncProperty(
      fc.array(segment, { maxLength: 6 }),
      fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE'),
      fc.string({ maxLength: 20 }),
      async (parts, method, query) => {
        const path = `/${parts.join('/')}?${encodeURIComponent(query)}`;
        const response = await fetch(`${registry.url}${path}`, { method });
        await response.arrayBuffer();
        assert.ok(
          [200, 400, 404].includes(response.status),
          `${method} ${path}: ${response.status}`,
        );
        if (response.status === 200)
          assert.ok(
            path.startsWith('/v2?') || path.startsWith('/v2/?'),
            `${method} ${path} answered 200`,
          );
      },
    ),
    { numRuns: 200 },
  );
  // Traversal attempts name blobs by digest only: a path is never opened.
  for (const path of [
    '/v2/x/blobs/..%2F..%2Fetc%2Fpasswd',
    '/v2/x/blobs/sha256:../../etc/passwd',
    '/v2/../../etc/passwd',
  ]) {
    assert.equal((await fetch(`${registry.url}${path}`)).status, 404, path);
  }
});
