/**
 * Wraps argv so the command runs with a raised open-file limit. Node has no setrlimit, so a
 * shell raises it and then execs the command, which keeps the pid the caller sees. When the
 * hard limit is below 65536 and we cannot raise it (containers), we settle for the hard limit.
 */
export function raiseFdLimit(argv: readonly string[]): string[] {
  const script = 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"';
  return ['bash', '-c', script, 'bash', ...argv];
}
