import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LabImage } from './lab-images.js';

interface TarEntry {
  readonly archive: string;
  readonly offset: number;
  readonly size: number;
}

interface Manifest {
  readonly digest: string;
  readonly mediaType: string;
  readonly body: Buffer;
}

/** The files of a tar archive (ustar, as umoci's tar and buildah's oci-archive write it) by name. */
async function tarEntries(archive: string): Promise<Map<string, TarEntry>> {
  const entries = new Map<string, TarEntry>();
  const file = await open(archive, 'r');
  try {
    const header = Buffer.alloc(512);
    let offset = 0;
    for (;;) {
      const { bytesRead } = await file.read(header, 0, 512, offset);
      if (bytesRead < 512 || header.every((byte) => byte === 0)) break;
      const text = (from: number, length: number): string =>
        header.toString('latin1', from, from + length).replace(/\0.*$/s, '');
      const size = Number.parseInt(text(124, 12).trim() || '0', 8);
      const prefix = text(345, 155);
      const name = (prefix === '' ? text(0, 100) : `${prefix}/${text(0, 100)}`).replace(
        /^\.\//,
        '',
      );
      const type = text(156, 1);
      if (type === '0' || type === '') entries.set(name, { archive, offset: offset + 512, size });
      offset += 512 + Math.ceil(size / 512) * 512;
    }
  } finally {
    await file.close();
  }
  return entries;
}

async function readEntry(entry: TarEntry): Promise<Buffer> {
  const file = await open(entry.archive, 'r');
  try {
    const buffer = Buffer.alloc(entry.size);
    await file.read(buffer, 0, entry.size, entry.offset);
    return buffer;
  } finally {
    await file.close();
  }
}

/**
 * A read-only OCI distribution endpoint over the lab's image archives, which each node's containerd
 * uses as the mirror of docker.io and registry.k8s.io. With it a Pod whose image has pull policy
 * `Always` (any `:latest` or untagged image: `kubectl run --image=curlimages/curl`) starts as in a
 * cluster with a registry, instead of failing with ErrImagePull. Serves only what the archives hold.
 */
export class LabRegistry {
  private constructor(
    private readonly server: Server,
    /** `registry/repository:tag` → its manifest. */
    private readonly manifests: Map<string, Manifest>,
    /** `sha256:…` → where that blob is. */
    private readonly blobs: Map<string, TarEntry>,
  ) {}

  /** `http://host:port`, the endpoint for containerd's registry mirrors. */
  get url(): string {
    const { address, port } = this.server.address() as AddressInfo;
    return `http://${address}:${port}`;
  }

  static async start(images: readonly LabImage[], host: string): Promise<LabRegistry> {
    const manifests = new Map<string, Manifest>();
    const blobs = new Map<string, TarEntry>();
    for (const image of images) {
      const entries = await tarEntries(image.path);
      for (const [name, entry] of entries)
        if (name.startsWith('blobs/sha256/'))
          blobs.set(`sha256:${name.slice('blobs/sha256/'.length)}`, entry);
      const indexEntry = entries.get('index.json');
      if (indexEntry === undefined) continue;
      const index = JSON.parse((await readEntry(indexEntry)).toString()) as {
        manifests?: { digest: string; mediaType?: string }[];
      };
      const first = index.manifests?.[0];
      const blob = first === undefined ? undefined : blobs.get(first.digest);
      if (first === undefined || blob === undefined) continue;
      const body = await readEntry(blob);
      const mediaType =
        first.mediaType ??
        (JSON.parse(body.toString()) as { mediaType?: string }).mediaType ??
        'application/vnd.oci.image.manifest.v1+json';
      manifests.set(image.ref, { digest: first.digest, mediaType, body });
    }
    const server = createServer();
    const registry = new LabRegistry(server, manifests, blobs);
    server.on('request', (req, res) => registry.answer(req.method ?? 'GET', req.url ?? '/', res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, resolve);
    });
    return registry;
  }

  private answer(method: string, rawUrl: string, res: ServerResponse): void {
    let url: URL;
    try {
      // A request target such as `//%/x` is no URL at all; it gets a 400, not a thrown error.
      url = new URL(rawUrl, 'http://registry');
    } catch {
      res.writeHead(400).end();
      return;
    }
    const head = method === 'HEAD';
    if (url.pathname === '/v2/' || url.pathname === '/v2') {
      res.writeHead(200, { 'docker-distribution-api-version': 'registry/2.0' }).end();
      return;
    }
    const match = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(url.pathname);
    if (match === null || (method !== 'GET' && !head)) {
      res.writeHead(404).end();
      return;
    }
    const [, repository = '', kind, reference = ''] = match;
    if (kind === 'manifests' && !reference.startsWith('sha256:')) {
      // containerd names the registry it mirrors in `ns`.
      const manifest = this.manifests.get(
        `${url.searchParams.get('ns') ?? 'docker.io'}/${repository}:${reference}`,
      );
      if (manifest === undefined) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            errors: [
              {
                code: 'MANIFEST_UNKNOWN',
                message: `${repository}:${reference} is not among the lab images`,
              },
            ],
          }),
        );
        return;
      }
      res.writeHead(200, {
        'content-type': manifest.mediaType,
        'content-length': manifest.body.length,
        'docker-content-digest': manifest.digest,
      });
      res.end(head ? undefined : manifest.body);
      return;
    }
    const blob = this.blobs.get(reference);
    if (blob === undefined) {
      res.writeHead(404).end();
      return;
    }
    const manifest = [...this.manifests.values()].find((m) => m.digest === reference);
    res.writeHead(200, {
      'content-type': manifest?.mediaType ?? 'application/octet-stream',
      'content-length': blob.size,
      'docker-content-digest': reference,
    });
    if (head || blob.size === 0) {
      res.end();
      return;
    }
    createReadStream(blob.archive, { start: blob.offset, end: blob.offset + blob.size - 1 }).pipe(
      res,
    );
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
