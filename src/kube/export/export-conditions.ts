import type { Condition as McsCondition } from '../../mcs/index.js';
import type { ServiceView } from '../../api/index.js';
import type { Condition } from '../client/kube-objects.js';

/**
 * The three ServiceExport conditions: Valid from the Service itself; Ready and Conflict from the
 * clusterset as the router merged it (the conflicts `mcs/detect-conflicts` computes, raised on
 * every exporting cluster). Until the router has merged this site's export, Ready is Pending.
 */
export function exportConditions(
  valid: McsCondition,
  view: ServiceView | undefined,
  site: string,
): McsCondition[] {
  if (valid.status !== 'True') {
    return [
      valid,
      {
        type: 'Ready',
        status: 'False',
        reason: 'Pending',
        message: 'Not exported: the ServiceExport is not valid.',
      },
      { type: 'Conflict', status: 'False', reason: 'NoConflicts', message: 'No conflicts.' },
    ];
  }
  const merged = view?.sites.includes(site) === true ? view.conditions[site] : undefined;
  if (merged === undefined) {
    return [
      valid,
      {
        type: 'Ready',
        status: 'Unknown',
        reason: 'Pending',
        message: 'Waiting for the router to advertise the export.',
      },
      {
        type: 'Conflict',
        status: 'Unknown',
        reason: 'Pending',
        message: 'Conflicts are known once the export is merged.',
      },
    ];
  }
  return [valid, merged.ready, merged.conflict];
}

/**
 * Stamps conditions for the API: a condition whose status did not change keeps its
 * lastTransitionTime (metav1.Condition semantics), a changed one gets `now`.
 */
export function stampConditions(
  previous: readonly Condition[] | undefined,
  next: ReadonlyArray<Pick<Condition, 'type' | 'status' | 'reason' | 'message'>>,
  now: string,
  generation: number | undefined,
): Condition[] {
  return next.map((c) => {
    const before = previous?.find((p) => p.type === c.type);
    const lastTransitionTime =
      before !== undefined && before.status === c.status ? before.lastTransitionTime : now;
    return {
      type: c.type,
      status: c.status,
      reason: c.reason,
      message: c.message,
      lastTransitionTime,
      ...(generation === undefined ? {} : { observedGeneration: generation }),
    };
  });
}

/** True when the API already shows these conditions (timestamps aside). */
export function sameConditions(
  current: readonly Condition[] | undefined,
  next: readonly Condition[],
): boolean {
  if (current === undefined || current.length !== next.length) return false;
  return next.every((c) => {
    const had = current.find((p) => p.type === c.type);
    return (
      had !== undefined &&
      had.status === c.status &&
      had.reason === c.reason &&
      had.message === c.message &&
      had.observedGeneration === c.observedGeneration
    );
  });
}
