import type { FlowCloseEvent, SitePlace } from '../observability/index.js';
import { crossingOf, transferCost, type PriceTable } from './price-table.js';
import type { LocalityOutcome, Transfer } from './transfer-ledger.js';

/** A flow's bytes as transfers (each direction from its sender), and what round-robin would have done. */
export interface FlowTransfers {
  transfers: Transfer[];
  locality: LocalityOutcome;
}

/**
 * Turns a finished flow into transfers, or null when this event is not the one to count: only
 * the ingress site sees both ends (the client is here, the destination is chosen here), so
 * egress and transit events are left to it and a flow is counted once in the clusterset. A side
 * whose zone is unknown (a site no advert placed yet) is not guessed at.
 * `candidates` are the places of the service's exporting sites when the flow ended: the spread
 * round-robin would have used.
 */
export function flowTransfers(
  event: Pick<
    FlowCloseEvent,
    'side' | 'opened' | 'source' | 'destination' | 'service' | 'namespace'
  > &
    Pick<FlowCloseEvent, 'bytesToBackend' | 'bytesToClient'>,
  table: PriceTable,
  candidates: readonly SitePlace[],
): FlowTransfers | null {
  const { source, destination } = event;
  if (event.side !== 'ingress' || !event.opened) return null;
  if (!placed(source) || !placed(destination)) return null;
  const both = (to: SitePlace): number =>
    transferCost(table, source, to, event.bytesToBackend) +
    transferCost(table, to, source, event.bytesToClient);
  const base = { service: event.service, namespace: event.namespace };
  const transfers: Transfer[] = [
    {
      ...base,
      from: source,
      to: destination,
      bytes: event.bytesToBackend,
      dollars: transferCost(table, source, destination, event.bytesToBackend),
    },
    {
      ...base,
      from: destination,
      to: source,
      bytes: event.bytesToClient,
      dollars: transferCost(table, destination, source, event.bytesToClient),
    },
  ].filter((t) => t.bytes > 0);
  const spread = candidates.filter(placed);
  if (spread.length === 0)
    return { transfers, locality: { keptInZoneBytes: 0, roundRobinDollars: both(destination) } };
  const total = event.bytesToBackend + event.bytesToClient;
  const crossing = spread.filter((c) => crossingOf(source, c) !== 'none').length / spread.length;
  const stayed = crossingOf(source, destination) === 'none';
  return {
    transfers,
    locality: {
      keptInZoneBytes: stayed ? total * crossing : 0,
      roundRobinDollars: spread.reduce((sum, c) => sum + both(c), 0) / spread.length,
    },
  };
}

function placed(place: SitePlace | null): place is SitePlace {
  return place !== null && place.zone !== '' && place.region !== '';
}
