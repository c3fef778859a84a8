import { readFile } from 'node:fs/promises';

/**
 * What reading a state file found. Three failures that callers used to fold into one: a file that
 * is not there (first start), one that is there but cannot be read (permissions, I/O: never
 * "absent", or a site would silently start afresh over its own state), and one that reads but does
 * not parse (a torn or hand-edited file).
 *
 * One policy per file, decided where the file is read:
 * | file                | absent            | unreadable          | corrupt                                   |
 * |---------------------|-------------------|---------------------|-------------------------------------------|
 * | `members.json`      | only this site    | refuse to start     | refuse to start (CW_CONFIG_INVALID, hint) |
 * | `managed.json`      | empty state       | refuse (load fails) | refuse (CW_CONFIG_INVALID, hint)          |
 * | `vips.json`         | none assigned     | warn, reassign      | warn, reassign                            |
 * | `import-ports.json` | none assigned     | warn, reassign      | warn, reassign                            |
 * | `runtime.json`      | router not running| router not running  | router not running                        |
 * | `removed-peers.json`| refuse nobody     | refuse nobody       | refuse nobody (`link remove` rewrites it)  |
 * | `ca.key`            | not the CA site   | refuse to start     | (PEM, checked where it is used)           |
 * | `drills.json`       | no drill in force | warn, none restored | warn, none restored (ending a drill early is the safe side) |
 * Membership refuses rather than forgets because a site that forgot the members it lost would
 * count itself a majority: the split brain the partition view exists to prevent.
 */
export type StateRead<T> =
  | { kind: 'absent' }
  | { kind: 'unreadable'; error: NodeJS.ErrnoException }
  | { kind: 'corrupt'; error: unknown; text: string }
  | { kind: 'ok'; value: T; text: string };

/** Reads a text state file without parsing it (PEM keys, plain text). */
export async function readStateText(file: string): Promise<StateRead<string>> {
  try {
    const text = await readFile(file, 'utf8');
    return { kind: 'ok', value: text, text };
  } catch (err) {
    const error = err as NodeJS.ErrnoException;
    return error.code === 'ENOENT' ? { kind: 'absent' } : { kind: 'unreadable', error };
  }
}

/** Reads a JSON state file and hands the parsed value to `decode`; a throw from either is "corrupt". */
export async function readStateFile<T>(
  file: string,
  decode: (raw: unknown) => T,
): Promise<StateRead<T>> {
  const read = await readStateText(file);
  if (read.kind !== 'ok') return read;
  try {
    return { kind: 'ok', value: decode(JSON.parse(read.text)), text: read.text };
  } catch (error) {
    return { kind: 'corrupt', error, text: read.text };
  }
}
