import { open } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { CausewayError, ErrorCode } from '../../errors/index.js';

/** A file's first line and whether it is gzip (S3 delivers flow logs as `.log.gz`). */
export interface FirstLine {
  line: string;
  gzip: boolean;
}

/** Enough for any flow-log header (42 fields of at most 26 characters). */
const HEAD_BYTES = 64 * 1024;

/** Reads the header line of a plain or gzip file without reading the file. */
export async function readFirstLine(file: string): Promise<FirstLine> {
  const handle = await open(file, 'r').catch((err: unknown) => {
    throw new CausewayError(ErrorCode.InputInvalid, `${file}: cannot be read`, {
      cause: err,
      hint: 'give the path of a flow-log file (plain or .gz), e.g. ./logs/*.log.gz',
    });
  });
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buf, 0, HEAD_BYTES, 0);
    const head = buf.subarray(0, bytesRead);
    const gzip = head[0] === 0x1f && head[1] === 0x8b;
    const text = gzip ? inflatedHead(head, file) : head.toString('utf8');
    const cut = text.indexOf('\n');
    return { line: cut < 0 ? text : text.slice(0, cut), gzip };
  } finally {
    await handle.close();
  }
}

/** The start of a gzip stream: a cut-off stream inflates to what it holds, which is all we need. */
function inflatedHead(head: Buffer, file: string): string {
  try {
    return gunzipSync(head, {
      finishFlush: 2 /* Z_SYNC_FLUSH: keep what a truncated stream gave */,
    })
      .subarray(0, HEAD_BYTES)
      .toString('utf8');
  } catch (err) {
    throw new CausewayError(ErrorCode.InputInvalid, `${file}: gzip data is corrupt`, {
      cause: err,
      hint: 'download the file again; S3 delivers each flow-log object as one gzip stream',
    });
  }
}
