import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseCheckReport, type CheckReport } from './check-report.js';

/** How often each peer's results are fetched; a peer silent for STALE_MS loses its votes. */
const POLL_MS = 500;
const STALE_MS = 3_000;
const MAX_BODY = 4 * 1024 * 1024;

/**
 * Fetches every other checker's `/v1/checks`, so each server counts the same votes. A peer that
 * stops answering (its region is down) has its votes dropped after STALE_MS: the share is then
 * counted among the checkers that can still see.
 */
export class CheckExchange {
  private readonly abort = new AbortController();
  private loops: Promise<void>[] = [];

  constructor(
    private readonly peers: readonly string[],
    private readonly onReport: (peer: string, report: CheckReport | undefined) => void,
  ) {}

  start(): void {
    this.loops = this.peers.map((peer) => this.follow(peer));
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.loops);
  }

  private async follow(peer: string): Promise<void> {
    const { signal } = this.abort;
    let lastGood = Number.NEGATIVE_INFINITY;
    let reported = false;
    while (!signal.aborted) {
      const report = await fetchReport(peer, signal);
      if (report !== undefined) {
        lastGood = Date.now();
        reported = true;
        this.onReport(peer, report);
      } else if (reported && Date.now() - lastGood > STALE_MS) {
        reported = false;
        this.onReport(peer, undefined);
      }
      await sleep(POLL_MS, undefined, { signal }).catch(() => undefined);
    }
  }
}

function fetchReport(peer: string, signal: AbortSignal): Promise<CheckReport | undefined> {
  return new Promise((resolve) => {
    const req = request(
      `http://${peer}/v1/checks`,
      { agent: false, signal, timeout: 1_000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
          if (body.length > MAX_BODY) req.destroy();
        });
        res.on('end', () => resolve(res.statusCode === 200 ? parseCheckReport(body) : undefined));
        res.on('error', () => resolve(undefined));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}
