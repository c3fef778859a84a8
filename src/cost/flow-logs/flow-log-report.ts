/** Bytes between two addresses in different zones, with what they cost. */
export interface FlowLogTalker {
  src: string;
  dst: string;
  srcZone: string;
  dstZone: string;
  bytes: number;
  gb: number;
  dollars: number;
}

/** Cross-zone bytes between two zones, sender first. */
export interface FlowLogZonePair {
  srcZone: string;
  dstZone: string;
  bytes: number;
  gb: number;
  dollars: number;
}

/** What `causeway cost flowlogs` found: top cross-zone talkers and zone pairs, and what it skipped. */
export interface FlowLogReport {
  files: number;
  /** egress: with flow-direction, each byte once at its sender's interface; all: every record (both ends' logs count twice). */
  counting: 'egress' | 'all';
  prices: { name: string; perGb: number; source: string };
  records: {
    read: number;
    counted: number;
    /** action REJECT: dropped, so never billed. */
    rejected: number;
    /** NODATA / SKIPDATA records, which carry no bytes. */
    noData: number;
    /** Ingress copies of flows also logged as egress at their sender. */
    duplicates: number;
    /** Lines that are not records of the header's format (wrong field count, bytes not a number). */
    malformed: number;
  };
  bytes: { counted: number; crossZone: number; sameZone: number; unmapped: number };
  zonePairs: FlowLogZonePair[];
  talkers: FlowLogTalker[];
  notes: string[];
}
