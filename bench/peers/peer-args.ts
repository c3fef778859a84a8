/** Positional argument `index` of this peer script, failing loudly when it is missing. */
export function peerArg(index: number, name: string): string {
  const value = process.argv[2 + index];
  if (value === undefined || value === '') {
    process.stderr.write(`missing argument ${index}: ${name}\n`);
    process.exit(2);
  }
  return value;
}

/** Positional numeric argument, with a default when absent. */
export function peerNumber(index: number, fallback: number): number {
  const value = process.argv[2 + index];
  return value === undefined || value === '' ? fallback : Number(value);
}

/** Splits `host:port` (the last colon separates, so bare IPv6 is not supported). */
export function parseHostPort(text: string): { host: string; port: number } {
  const colon = text.lastIndexOf(':');
  return { host: text.slice(0, colon), port: Number(text.slice(colon + 1)) };
}
