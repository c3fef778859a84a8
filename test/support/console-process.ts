import { spawn, type ChildProcess } from 'node:child_process';
import { CLI_ENTRY, stopChild } from '../../src/demo/index.js';

/** A `causeway console --output json` child process and the URL it printed. */
export interface ConsoleProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly port: number;
  /** The token the URL carries. */
  readonly token: string;
  stop(): Promise<void>;
}

/** Starts the console of the router in `dir`, resolving once it has printed where it listens. */
export function startConsoleProcess(
  dir: string,
  extraArgs: string[] = [],
): Promise<ConsoleProcess> {
  const child = spawn(
    process.execPath,
    [CLI_ENTRY, 'console', '--dir', dir, '--output', 'json', ...extraArgs],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`causeway console printed no URL within 30 s: ${stderr}`));
    }, 30_000);
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      // The JSON is printed whole, once: it parses as soon as its last line is in.
      let printed: { url: string; port: number };
      try {
        printed = JSON.parse(stdout);
      } catch {
        return;
      }
      clearTimeout(timer);
      const token = new URL(printed.url).searchParams.get('token') ?? '';
      resolve({ child, url: printed.url, port: printed.port, token, stop: () => stopChild(child) });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`causeway console exited ${code}: ${stderr}`));
    });
  });
}
