import { rm } from 'node:fs/promises';
import { readStateFile, replaceFile } from '../config/index.js';
import { CausewayError, ErrorCode } from '../errors/index.js';
import type { PartitionReport } from '../api/index.js';

/**
 * Partition detection. Membership is remembered on disk, not derived from live adverts: a site
 * cut off with the minority must keep counting the sites it lost, or after the stale-state bound
 * it would believe itself whole — the exact split-brain this view exists to prevent.
 */
export class PartitionView {
  private members = new Set<string>();
  private last: PartitionReport | undefined;
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly self: string,
    private readonly file: string,
  ) {}

  /** Absent: only this site. Unreadable or corrupt: refuse, since forgetting members could fake a majority. */
  async load(): Promise<void> {
    const read = await readStateFile(this.file, decodeMembers);
    switch (read.kind) {
      case 'absent':
        this.members = new Set([this.self]);
        return;
      case 'ok':
        this.members = new Set([this.self, ...read.value]);
        return;
      case 'unreadable':
      case 'corrupt':
        throw new CausewayError(
          ErrorCode.ConfigInvalid,
          `${this.file}: the clusterset membership is ${read.kind} (${String(read.error)})`,
          {
            cause: read.error,
            hint: 'restore it from a backup; deleting it makes the site relearn members from adverts, and until all are seen again it may misjudge a partition',
          },
        );
    }
  }

  /** Every remembered member other than this site. */
  peers(): string[] {
    return [...this.members].filter((m) => m !== this.self).sort();
  }

  /** Adds newly seen sites to the membership; persists only when it grew, one write at a time. */
  observe(sites: Iterable<string>): Promise<void> {
    const before = this.members.size;
    for (const site of sites) this.members.add(site);
    if (this.members.size === before) return this.saving;
    this.saving = this.saving
      .catch(() => undefined)
      .then(async () => {
        await replaceFile(this.file, this.membersFileText());
      });
    return this.saving;
  }

  private membersFileText(): string {
    return JSON.stringify({ members: [...this.members].sort() }, null, 1);
  }

  /** Removes a site for good (decommissioned), so it no longer counts against the quorum. */
  async forget(site: string): Promise<boolean> {
    if (site === this.self || !this.members.delete(site)) return false;
    // Behind any write in flight: two writers would share one temporary file.
    this.saving = this.saving
      .catch(() => undefined)
      .then(() => replaceFile(this.file, this.membersFileText()));
    await this.saving;
    return true;
  }

  /** The current view; `changed` tells whether reachability or the majority verdict moved. */
  evaluate(isReachable: (site: string) => boolean): { report: PartitionReport; changed: boolean } {
    const members = [...this.members].sort();
    const reachable = members.filter((m) => m === this.self || isReachable(m));
    const quorum = Math.floor(members.length / 2) + 1;
    const majority = reachable.length >= quorum;
    const same =
      this.last !== undefined &&
      this.last.majority === majority &&
      this.last.reachable.join() === reachable.join() &&
      this.last.members.join() === members.join();
    if (same && this.last !== undefined) return { report: this.last, changed: false };
    this.last = {
      members,
      reachable,
      unreachable: members.filter((m) => !reachable.includes(m)),
      majority,
      quorum,
      since: new Date().toISOString(),
    };
    return { report: this.last, changed: true };
  }
}

/** Safe-mode file for applications: present (with the report) while this site is in the minority. */
export async function writeSafeModeFile(file: string, report: PartitionReport): Promise<void> {
  if (report.majority) {
    await rm(file, { force: true });
    return;
  }
  await replaceFile(file, `${JSON.stringify({ safeMode: true, ...report }, null, 1)}\n`);
}

/** `{ "members": [...] }`; entries that are not strings are ignored, as they always were. */
function decodeMembers(raw: unknown): string[] {
  if (typeof raw !== 'object' || raw === null) throw new TypeError('not a JSON object');
  const members = (raw as { members?: unknown }).members;
  if (!Array.isArray(members)) throw new TypeError('"members" is not a list');
  return members.filter((m): m is string => typeof m === 'string');
}
