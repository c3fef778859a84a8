import { createHmac, timingSafeEqual } from 'node:crypto';
import { isIPv4 } from 'node:net';
import { parseIp } from '../mcs/index.js';
import type { DelegationRecord } from './delegation-records.js';
import { TSIG_ALGORITHMS, type TsigKey } from './tsig-key.js';

const OPCODE_UPDATE = 5;
const TYPE = { A: 1, NS: 2, SOA: 6, AAAA: 28, TSIG: 250 } as const;
const CLASS_IN = 1;
const CLASS_ANY = 255;
/** RFC 8945 §5.2.3: 300 s of clock skew is the recommended fudge. */
const FUDGE_SECONDS = 300;

/** An UPDATE ready to send: its bytes and the MAC the response must be signed over. */
export interface SignedUpdate {
  bytes: Buffer;
  id: number;
  mac: Buffer;
}

/**
 * RFC 2136 UPDATE replacing, in `parentZone`, the RRsets of every owner/type in `records` with
 * exactly `records`: each RRset is deleted (class ANY, §2.5.2) and then added (§2.5.1), in one
 * message, so the server applies both or neither (§3.4). Signed with TSIG (RFC 8945 §4.2).
 */
export function signedUpdate(
  parentZone: string,
  records: readonly DelegationRecord[],
  key: TsigKey,
  id: number,
  nowSeconds: number,
): SignedUpdate {
  const rrsets = [...new Map(records.map((r) => [`${r.name}|${r.type}`, r])).values()];
  const updates = [
    ...rrsets.map((r) => deleteRrset(r.name, TYPE[r.type])),
    ...records.map(addRecord),
  ];
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(OPCODE_UPDATE << 11, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(updates.length, 8);
  const message = Buffer.concat([
    header,
    wireName(parentZone),
    u16(TYPE.SOA),
    u16(CLASS_IN),
    ...updates,
  ]);
  const timeSigned = Math.floor(nowSeconds);
  const mac = tsigMac(key, [message], timeSigned, 0);
  const withCount = Buffer.from(message);
  withCount.writeUInt16BE(1, 10);
  return { bytes: Buffer.concat([withCount, tsigRecord(key, timeSigned, mac, id)]), id, mac };
}

/** What the parent answered: the rcode, the TSIG error it reported, and whether its signature checked out. */
export type UpdateResponse =
  | {
      kind: 'answer';
      id: number;
      rcode: number;
      tsigError: number | undefined;
      signed: 'valid' | 'invalid' | 'absent';
    }
  | { kind: 'malformed'; reason: string };

/**
 * Reads the parent's response. Bytes from the network: every read is bounds-checked and a bad
 * message is `malformed`, never an exception. A signed response is verified over the request's
 * MAC (RFC 8945 §5.3); an unsigned one is reported as such (servers do not sign BADKEY/BADSIG).
 */
export function readUpdateResponse(
  bytes: Buffer,
  request: SignedUpdate,
  key: TsigKey,
): UpdateResponse {
  try {
    return readResponse(bytes, request, key);
  } catch (err) {
    return {
      kind: 'malformed',
      reason: err instanceof RangeError || err instanceof WireError ? err.message : String(err),
    };
  }
}

class WireError extends Error {}

function readResponse(bytes: Buffer, request: SignedUpdate, key: TsigKey): UpdateResponse {
  if (bytes.length < 12)
    throw new WireError(`response of ${bytes.length} bytes is shorter than a header`);
  const id = bytes.readUInt16BE(0);
  const flags = bytes.readUInt16BE(2);
  if ((flags & 0x8000) === 0) throw new WireError('not a response');
  const counts = [4, 6, 8].map((o) => bytes.readUInt16BE(o));
  const arcount = bytes.readUInt16BE(10);
  let offset = 12;
  for (let i = 0; i < counts[0]!; i++) offset = skipName(bytes, offset) + 4;
  for (let i = 0; i < counts[1]! + counts[2]!; i++) offset = skipRecord(bytes, offset);
  for (let i = 0; i < arcount; i++) {
    const start = offset;
    const afterName = skipName(bytes, offset);
    const type = bytes.readUInt16BE(afterName);
    offset = skipRecord(bytes, offset);
    // RFC 8945 §5.1: the TSIG record is the last one of the message.
    if (type === TYPE.TSIG && i === arcount - 1)
      return {
        kind: 'answer',
        id,
        rcode: flags & 0xf,
        ...checkTsig(bytes, start, afterName, request, key),
      };
  }
  if (offset !== bytes.length)
    throw new WireError(`${bytes.length - offset} bytes after the last record`);
  return { kind: 'answer', id, rcode: flags & 0xf, tsigError: undefined, signed: 'absent' };
}

function checkTsig(
  bytes: Buffer,
  start: number,
  afterName: number,
  request: SignedUpdate,
  key: TsigKey,
): { tsigError: number; signed: 'valid' | 'invalid' | 'absent' } {
  let o = afterName + 10;
  const algorithmEnd = skipName(bytes, o);
  o = algorithmEnd;
  const timeSigned = bytes.readUIntBE(o, 6);
  const macSize = bytes.readUInt16BE(o + 8);
  const mac = bytes.subarray(o + 10, o + 10 + macSize);
  if (mac.length !== macSize) throw new WireError('TSIG MAC runs past the message');
  o += 10 + macSize;
  const error = bytes.readUInt16BE(o + 2);
  const otherLength = bytes.readUInt16BE(o + 4);
  if (macSize === 0) return { tsigError: error, signed: 'absent' };
  const unsigned = Buffer.from(bytes.subarray(0, start));
  unsigned.writeUInt16BE(bytes.readUInt16BE(10) - 1, 10);
  // The digest covers the message as first built: original id, TSIG not counted (RFC 8945 §4.3.2).
  unsigned.writeUInt16BE(bytes.readUInt16BE(o), 0);
  const other = bytes.subarray(o + 6, o + 6 + otherLength);
  const expected = tsigMac(
    key,
    [u16(request.mac.length), request.mac, unsigned],
    timeSigned,
    error,
    other,
  );
  const valid = expected.length === mac.length && timingSafeEqual(expected, mac);
  return { tsigError: error, signed: valid ? 'valid' : 'invalid' };
}

/** HMAC over `parts` and the TSIG variables (RFC 8945 §4.3.3); names in canonical (lowercase) form. */
function tsigMac(
  key: TsigKey,
  parts: readonly Buffer[],
  timeSigned: number,
  error: number,
  other: Buffer = Buffer.alloc(0),
): Buffer {
  const hmac = createHmac(TSIG_ALGORITHMS[key.algorithm], key.secret);
  for (const part of parts) hmac.update(part);
  hmac.update(wireName(key.name.toLowerCase()));
  hmac.update(Buffer.concat([u16(CLASS_ANY), u32(0)]));
  hmac.update(wireName(key.algorithm));
  hmac.update(
    Buffer.concat([u48(timeSigned), u16(FUDGE_SECONDS), u16(error), u16(other.length), other]),
  );
  return hmac.digest();
}

function tsigRecord(key: TsigKey, timeSigned: number, mac: Buffer, id: number): Buffer {
  const rdata = Buffer.concat([
    wireName(key.algorithm),
    u48(timeSigned),
    u16(FUDGE_SECONDS),
    u16(mac.length),
    mac,
    u16(id),
    u16(0),
    u16(0),
  ]);
  return Buffer.concat([
    wireName(key.name),
    u16(TYPE.TSIG),
    u16(CLASS_ANY),
    u32(0),
    u16(rdata.length),
    rdata,
  ]);
}

function deleteRrset(name: string, type: number): Buffer {
  return Buffer.concat([wireName(name), u16(type), u16(CLASS_ANY), u32(0), u16(0)]);
}

function addRecord(record: DelegationRecord): Buffer {
  const rdata = record.type === 'NS' ? wireName(record.data) : addressBytes(record.data);
  return Buffer.concat([
    wireName(record.name),
    u16(TYPE[record.type]),
    u16(CLASS_IN),
    u32(record.ttl),
    u16(rdata.length),
    rdata,
  ]);
}

function addressBytes(address: string): Buffer {
  const { value } = parseIp(address);
  const length = isIPv4(address) ? 4 : 16;
  const out = Buffer.alloc(length);
  for (let i = 0, v = value; i < length; i++, v >>= 8n) out[length - 1 - i] = Number(v & 0xffn);
  return out;
}

/** A name in uncompressed wire form (RFC 1035 §3.1); callers pass validated names. */
export function wireName(name: string): Buffer {
  const labels = name
    .replace(/\.$/, '')
    .split('.')
    .filter((l) => l !== '');
  return Buffer.concat([
    ...labels.map((l) => Buffer.concat([Buffer.from([Buffer.byteLength(l)]), Buffer.from(l)])),
    Buffer.from([0]),
  ]);
}

/** Skips a possibly compressed name; a pointer ends it (RFC 1035 §4.1.4). */
function skipName(bytes: Buffer, offset: number): number {
  for (let o = offset, labels = 0; labels < 128; labels++) {
    const length = bytes.readUInt8(o);
    if (length === 0) return o + 1;
    if ((length & 0xc0) === 0xc0)
      return o + 2 <= bytes.length ? o + 2 : fail('name pointer runs past the message');
    if ((length & 0xc0) !== 0) throw new WireError('reserved label type');
    o += 1 + length;
    if (o > bytes.length) throw new WireError('label runs past the message');
  }
  throw new WireError('name of more than 127 labels');
}

function skipRecord(bytes: Buffer, offset: number): number {
  const afterName = skipName(bytes, offset);
  const end = afterName + 10 + bytes.readUInt16BE(afterName + 8);
  if (end > bytes.length) throw new WireError('record data runs past the message');
  return end;
}

function fail(reason: string): never {
  throw new WireError(reason);
}

const u16 = (n: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
};
const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const u48 = (n: number): Buffer => {
  const b = Buffer.alloc(6);
  b.writeUIntBE(n, 0, 6);
  return b;
};
