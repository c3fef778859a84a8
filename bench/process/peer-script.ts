import { fileURLToPath } from 'node:url';

/** Absolute path of a compiled peer script, e.g. `peerScript('echo-server')`. */
export function peerScript(name: string): string {
  return fileURLToPath(new URL(`../peers/${name}.js`, import.meta.url));
}
