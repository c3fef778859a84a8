/**
 * What a failure drill does to this site's links: the peers whose traffic is dropped as in a
 * partition, and the delay drawn for each chunk arriving from a peer on a slowed link.
 */
export interface LinkImpairment {
  readonly cut: ReadonlySet<string>;
  inboundDelay(peer: string): (() => number) | undefined;
}

/** No drill in force. */
export const NO_IMPAIRMENT: LinkImpairment = { cut: new Set(), inboundDelay: () => undefined };
