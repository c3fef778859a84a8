/** DNS response codes this server emits (RFC 1035 §4.1.1, RFC 6891 §9 for BADVERS). */
export const Rcode = {
  NoError: 0,
  FormErr: 1,
  ServFail: 2,
  NxDomain: 3,
  NotImp: 4,
  Refused: 5,
  /** Extended rcode: only expressible through the OPT record (upper 8 bits in OPT, lower 4 in the header). */
  BadVers: 16,
} as const;
export type Rcode = (typeof Rcode)[keyof typeof Rcode];

/** The conventional mnemonic for an rcode, as dig prints it; used as the stats key. */
export function rcodeName(rcode: Rcode): RcodeName {
  return RCODE_NAMES[rcode];
}

const RCODE_NAMES = {
  0: 'NOERROR',
  1: 'FORMERR',
  2: 'SERVFAIL',
  3: 'NXDOMAIN',
  4: 'NOTIMP',
  5: 'REFUSED',
  16: 'BADVERS',
} as const satisfies Record<Rcode, string>;
export type RcodeName = (typeof RCODE_NAMES)[Rcode];
