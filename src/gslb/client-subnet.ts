import { formatIp, parseIp } from '../mcs/index.js';

/** EDNS option code of Client Subnet (RFC 7871 §6). */
export const ECS_OPTION_CODE = 8;

/** A client subnet a resolver sent (RFC 7871 §6), with the address bits past the prefix zero. */
export interface ClientSubnet {
  family: 'IPv4' | 'IPv6';
  sourcePrefix: number;
  /** The address, zero-padded to full length. */
  address: string;
}

export type ClientSubnetParse = { ok: true; subnet: ClientSubnet } | { ok: false; reason: string };

const FAMILIES = { 1: { family: 'IPv4', bits: 32 }, 2: { family: 'IPv6', bits: 128 } } as const;

/**
 * Decodes the option data of one ECS option. Every check is one RFC 7871 asks of a server, whose
 * answer to a failed check is FORMERR (§7.1.1): a known family, a source prefix within the family,
 * exactly ceil(prefix/8) address octets, no address bit set past the prefix, and (§6) a query scope of 0.
 */
export function parseClientSubnet(data: Uint8Array): ClientSubnetParse {
  if (data.length < 4)
    return {
      ok: false,
      reason: `ECS option of ${data.length} bytes is shorter than its 4-byte header`,
    };
  const familyCode = (data[0]! << 8) | data[1]!;
  const sourcePrefix = data[2]!;
  const scopePrefix = data[3]!;
  const known = familyCode === 1 || familyCode === 2 ? FAMILIES[familyCode] : undefined;
  if (known === undefined)
    return { ok: false, reason: `ECS family ${familyCode} is neither 1 (IPv4) nor 2 (IPv6)` };
  if (sourcePrefix > known.bits)
    return {
      ok: false,
      reason: `ECS source prefix /${sourcePrefix} is longer than an ${known.family} address`,
    };
  if (scopePrefix !== 0)
    return { ok: false, reason: `ECS scope prefix must be 0 in a query, got ${scopePrefix}` };
  const octets = Math.ceil(sourcePrefix / 8);
  const addressBytes = data.subarray(4);
  if (addressBytes.length !== octets)
    return {
      ok: false,
      reason: `ECS /${sourcePrefix} needs ${octets} address bytes, got ${addressBytes.length}`,
    };
  const spare = octets * 8 - sourcePrefix;
  if (octets > 0 && (addressBytes[octets - 1]! & ((1 << spare) - 1)) !== 0)
    return { ok: false, reason: `ECS address has bits set past /${sourcePrefix}` };
  let value = 0n;
  for (let i = 0; i < known.bits / 8; i++) value = (value << 8n) | BigInt(addressBytes[i] ?? 0);
  return {
    ok: true,
    subnet: {
      family: known.family,
      sourcePrefix,
      address: formatIp({ family: known.family, value }),
    },
  };
}

/** The ECS option of a response: the query's subnet with the scope our answer depends on (§7.2.1). */
export function encodeClientSubnet(subnet: ClientSubnet, scopePrefix: number): Buffer {
  const octets = Math.ceil(subnet.sourcePrefix / 8);
  const full = addressBytes(subnet);
  const data = Buffer.alloc(4 + octets);
  data.writeUInt16BE(subnet.family === 'IPv4' ? 1 : 2, 0);
  data[2] = subnet.sourcePrefix;
  data[3] = scopePrefix;
  full.copy(data, 4, 0, octets);
  return data;
}

function addressBytes(subnet: ClientSubnet): Buffer {
  const { family, value } = parseIp(subnet.address);
  const length = family === 'IPv4' ? 4 : 16;
  const bytes = Buffer.alloc(length);
  for (let i = 0, v = value; i < length; i++, v >>= 8n) bytes[length - 1 - i] = Number(v & 0xffn);
  return bytes;
}
