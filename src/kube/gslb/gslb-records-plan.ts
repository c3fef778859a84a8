import type { ServiceView } from '../../api/index.js';
import { GslbRecord, type GslbRecordInput } from '../../gslb/index.js';
import type { Condition } from '../client/kube-objects.js';
import { ownerSource, type RecordCandidate, type RecordOwner } from './record-candidate.js';

/** A status condition without its timestamps (stamped when written). */
export type RecordCondition = Pick<Condition, 'type' | 'status' | 'reason' | 'message'>;

/** Condition type of a site's health on a GlobalRecord: `site.causeway.io/eu-west`. */
export const SITE_CONDITION_PREFIX = 'site.causeway.io/';

/** What the clusterset says, as the router's last snapshot has it. */
export interface ClustersetHealth {
  view(namespace: string, name: string): ServiceView | undefined;
  unreachable: ReadonlySet<string>;
}

/** One object's outcome: its records (one per name it asked for) and its conditions. */
export interface OwnerOutcome {
  owner: RecordOwner;
  candidates: RecordCandidate[];
  conditions: RecordCondition[];
}

export interface RecordsPlan {
  /** Records to write to the GSLB file, each with its `source`. */
  records: GslbRecordInput[];
  outcomes: OwnerOutcome[];
}

/**
 * Decides which candidates are served: a name `gslb set` already wrote, or that an older object
 * claims, is a NameConflict; a service the clusterset does not know is UnknownService; a record no
 * target of which has an address is NoAddress. Pure, so every replica decides the same.
 */
export function planGslbRecords(
  candidates: readonly RecordCandidate[],
  fileNames: ReadonlySet<string>,
  health: ClustersetHealth,
): RecordsPlan {
  const ordered = [...candidates].sort((a, b) => ownerOrder(a.owner, b.owner));
  const claimed = new Map<string, RecordOwner>();
  const decided = ordered.map((c) => decide(c, fileNames, claimed, health));
  const outcomes = new Map<string, OwnerOutcome>();
  for (const c of decided) {
    const key = ownerSource(c.owner);
    const outcome = outcomes.get(key) ?? { owner: c.owner, candidates: [], conditions: [] };
    outcome.candidates.push(c);
    outcomes.set(key, outcome);
  }
  for (const outcome of outcomes.values())
    outcome.conditions = conditionsOf(outcome.candidates, health);
  const records = decided.flatMap((c) =>
    c.problem === undefined && c.record !== undefined
      ? [{ ...c.record, source: ownerSource(c.owner) }]
      : [],
  );
  return { records, outcomes: [...outcomes.values()] };
}

function ownerOrder(a: RecordOwner, b: RecordOwner): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return ownerSource(a) < ownerSource(b) ? -1 : ownerSource(a) > ownerSource(b) ? 1 : 0;
}

function decide(
  c: RecordCandidate,
  fileNames: ReadonlySet<string>,
  claimed: Map<string, RecordOwner>,
  health: ClustersetHealth,
): RecordCandidate {
  if (c.problem !== undefined || c.name === undefined || c.record === undefined) return c;
  const problem = (reason: NonNullable<RecordCandidate['problem']>['reason'], message: string) => ({
    ...c,
    problem: { reason, message },
  });
  if (fileNames.has(c.name))
    return problem(
      'NameConflict',
      `${c.name} is already a record of the GSLB file (\`causeway gslb set\`); remove it there or rename this one`,
    );
  const holder = claimed.get(c.name);
  if (holder !== undefined)
    return problem(
      'NameConflict',
      `${c.name} is already served for the older ${holder.kind} ${holder.namespace}/${holder.name}`,
    );
  const [namespace = '', name = ''] = (c.service ?? '').split('/');
  if (health.view(namespace, name) === undefined)
    return problem(
      'UnknownService',
      `service ${c.service ?? ''} is not exported to the clusterset; export it (ServiceExport) or fix spec.service`,
    );
  if (c.record.targets?.length === 0)
    return problem(
      'NoAddress',
      `no target has an address: ${c.sites.map((s) => `${s.site}: ${s.missing ?? '?'}`).join('; ')}`,
    );
  const parsed = GslbRecord.safeParse(c.record);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return problem('InvalidSpec', `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  claimed.set(c.name, c.owner);
  return c;
}

/** Accepted, then one `site.causeway.io/<site>` condition per target site with its health. */
function conditionsOf(candidates: RecordCandidate[], health: ClustersetHealth): RecordCondition[] {
  const failed = candidates.find((c) => c.problem !== undefined);
  const names = candidates.flatMap((c) => (c.name === undefined ? [] : [c.name]));
  const accepted: RecordCondition =
    failed?.problem === undefined
      ? {
          type: 'Accepted',
          status: 'True',
          reason: 'Programmed',
          message: `served as ${names.join(', ')}`,
        }
      : {
          type: 'Accepted',
          status: 'False',
          reason: failed.problem.reason,
          message: failed.problem.message,
        };
  const first = candidates[0];
  const [namespace = '', name = ''] = (first?.service ?? '').split('/');
  const view = health.view(namespace, name);
  const sites = (first?.sites ?? []).map((s): RecordCondition => {
    const type = `${SITE_CONDITION_PREFIX}${s.site}`;
    if (s.address === undefined)
      return {
        type,
        status: 'False',
        reason: 'AddressUnknown',
        message: s.missing ?? 'no address',
      };
    if (health.unreachable.has(s.site))
      return {
        type,
        status: 'False',
        reason: 'Unreachable',
        message: `${s.address}: site not reachable from here`,
      };
    if (view === undefined || !view.sites.includes(s.site))
      return {
        type,
        status: 'False',
        reason: 'NotExported',
        message: `${s.address}: ${first?.service ?? ''} is not exported there`,
      };
    const ready = (view.readySites ?? view.sites).includes(s.site);
    return ready
      ? { type, status: 'True', reason: 'ReadyEndpoints', message: `${s.address}: healthy` }
      : {
          type,
          status: 'False',
          reason: 'NoReadyEndpoints',
          message: `${s.address}: no ready endpoint`,
        };
  });
  return [accepted, ...sites];
}
