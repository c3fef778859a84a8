import { rename, writeFile } from 'node:fs/promises';

/**
 * Replaces `file` with `text` atomically: the text goes to a temp file beside it (same directory,
 * so the rename is atomic; the pid keeps concurrent writers apart) and is renamed over the target.
 * Readers see the old file or the new one, never half of one.
 */
export async function replaceFile(file: string, text: string, mode?: number): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text, mode === undefined ? undefined : { mode });
  await rename(tmp, file);
}
