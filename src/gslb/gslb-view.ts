import type { Choice, GslbClient } from './choose-targets.js';
import type { GslbRecord, NameServer } from './gslb-config.js';

/** What the GSLB answer code reads; built by `GslbState` from config and the clusterset's health. */
export interface GslbView {
  /** The zone we are authoritative for (lowercase, no trailing dot). */
  zone: string;
  nameServers: readonly NameServer[];
  /** The record of exactly this name (lowercase), if any. */
  record(name: string): GslbRecord | undefined;
  /** True when some record or name server lies below `name` (an empty non-terminal, RFC 8020). */
  hasNamesBelow(name: string): boolean;
  choose(record: GslbRecord, client: GslbClient): Choice;
  /**
   * False while this server's sites are on the minority side of a partition, or before any router
   * answered: then nothing it knows is worth an authoritative answer.
   */
  serving(): boolean;
  /** SOA serial: changes when the configuration does (RFC 1982 arithmetic, 32 bits). */
  serial(): number;
}
