const maxSiteIdLength = 253;
// RFC 1123 label: lowercase alphanumerics and '-', not starting or ending with '-', 1–63 chars.
const labelPattern = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** True when `id` is a DNS-1123 subdomain, the form every site id must take. */
export function isValidSiteId(id: string): boolean {
  if (typeof id !== 'string' || id.length === 0 || id.length > maxSiteIdLength) return false;
  return id.split('.').every((label) => labelPattern.test(label));
}
