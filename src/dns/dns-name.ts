// Length limits from RFC 1035 §2.3.4 as the MCS KEP restates them: a name of at most 253 characters in
// presentation form (255 octets on the wire), labels of 1 to 63 octets.
const MAX_NAME_OCTETS = 253;
const MAX_LABEL_OCTETS = 63;

/**
 * True when `name` (no trailing dot, not the root) is a well-formed domain name that dns-packet can
 * encode faithfully: dns-packet writes each label's byte length into one octet without checking it,
 * so an over-long or empty label would corrupt the message instead of failing.
 */
export function isValidName(name: string): boolean {
  if (name === '' || Buffer.byteLength(name) > MAX_NAME_OCTETS) return false;
  for (const label of name.split('.')) {
    if (label === '' || Buffer.byteLength(label) > MAX_LABEL_OCTETS) return false;
  }
  return true;
}

/** `name` without its one trailing dot, if any; dns-packet decodes names without it but callers may add it. */
export function withoutTrailingDot(name: string): string {
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

/** True when `name` is `zone` or lies below it; both lowercase, without trailing dots. */
export function isInZone(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}
