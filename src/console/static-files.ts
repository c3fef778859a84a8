import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CausewayError, ErrorCode } from '../errors/index.js';

/** The bundled front end (`npm run build` writes it beside the compiled code: dist/console/). */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../console/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

export interface StaticFile {
  type: string;
  body: Buffer;
}

/**
 * The front end's files, read once into memory at start (a few hundred kB): a request can only
 * name one of them, so no path from the network ever reaches the file system.
 */
export async function loadStaticFiles(root: string): Promise<Map<string, StaticFile>> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch (err) {
    throw new CausewayError(
      ErrorCode.ConfigInvalid,
      `console: no front end at ${root} (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      {
        cause: err,
        hint: 'build it with `npm run build` (it bundles console/ into dist/console/)',
      },
    );
  }
  const files = new Map<string, StaticFile>();
  for (const name of names) {
    const type = TYPES[extname(name)];
    if (type !== undefined) files.set(`/${name}`, { type, body: await readFile(join(root, name)) });
  }
  if (!files.has('/index.html'))
    throw new CausewayError(ErrorCode.ConfigInvalid, `console: ${root} has no index.html`, {
      hint: 'rebuild the front end with `npm run build`',
    });
  return files;
}
