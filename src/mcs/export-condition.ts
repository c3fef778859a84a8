/** A ServiceExport status condition (metav1.Condition without the timestamps, which belong to the controller). */
export interface Condition {
  type: 'Valid' | 'Ready' | 'Conflict';
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

/** The three conditions every ServiceExport carries. */
export interface ExportConditions {
  valid: Condition;
  ready: Condition;
  conflict: Condition;
}

/** The reasons mcs-api asks controllers to prefer (`serviceexport.go`); conflict reasons are joined with commas. */
export const ConditionReason = {
  Valid: 'Valid',
  NoService: 'NoService',
  InvalidServiceType: 'InvalidServiceType',
  Exported: 'Exported',
  Pending: 'Pending',
  Failed: 'Failed',
  NoConflicts: 'NoConflicts',
  PortConflict: 'PortConflict',
  TypeConflict: 'TypeConflict',
  SessionAffinityConflict: 'SessionAffinityConflict',
  SessionAffinityConfigConflict: 'SessionAffinityConfigConflict',
  AnnotationsConflict: 'AnnotationsConflict',
  LabelsConflict: 'LabelsConflict',
  InternalTrafficPolicyConflict: 'InternalTrafficPolicyConflict',
  TrafficDistributionConflict: 'TrafficDistributionConflict',
  IPFamilyConflict: 'IPFamilyConflict',
} as const;
export type ConditionReason = (typeof ConditionReason)[keyof typeof ConditionReason];

/** A conflict reason (the `Conflict=True` subset of ConditionReason). */
export type ConflictReason = Exclude<
  ConditionReason,
  'Valid' | 'NoService' | 'InvalidServiceType' | 'Exported' | 'Pending' | 'Failed' | 'NoConflicts'
>;

/** One detected conflict: which property, and the sentence explaining who won. */
export interface Conflict {
  reason: ConflictReason;
  message: string;
}

export const validCondition: Condition = {
  type: 'Valid',
  status: 'True',
  reason: ConditionReason.Valid,
  message: 'Service export is valid.',
};

export const exportedCondition: Condition = {
  type: 'Ready',
  status: 'True',
  reason: ConditionReason.Exported,
  message: 'Service is exported to the clusterset.',
};

/** `Conflict=True` with every reason joined by commas (mcs-api convention), or `Conflict=False/NoConflicts`. */
export function conflictCondition(conflicts: readonly Conflict[]): Condition {
  if (conflicts.length === 0)
    return {
      type: 'Conflict',
      status: 'False',
      reason: ConditionReason.NoConflicts,
      message: 'No conflicts.',
    };
  return {
    type: 'Conflict',
    status: 'True',
    reason: conflicts.map((c) => c.reason).join(','),
    message: conflicts.map((c) => c.message).join(' '),
  };
}
