/**
 * What a failure drill does to this site's links: the peers whose traffic is dropped as in a
 * partition, and the delay drawn for each chunk arriving from a peer on a slowed link.
 */
export interface LinkImpairment {
  cuts(peer: string): boolean;
  inboundDelay(peer: string): (() => number) | undefined;
}

/** No drill in force. */
export const NO_IMPAIRMENT: LinkImpairment = { cuts: () => false, inboundDelay: () => undefined };
