import { CausewayError, ErrorCode } from '../../errors/index.js';

/**
 * Every field a VPC Flow Logs record may carry (versions 2 to 8), as the header of a delivered
 * file names them. https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html
 */
export const FLOW_LOG_FIELDS = [
  'version',
  'account-id',
  'interface-id',
  'srcaddr',
  'dstaddr',
  'srcport',
  'dstport',
  'protocol',
  'packets',
  'bytes',
  'start',
  'end',
  'action',
  'log-status',
  'vpc-id',
  'subnet-id',
  'instance-id',
  'tcp-flags',
  'type',
  'pkt-srcaddr',
  'pkt-dstaddr',
  'region',
  'az-id',
  'sublocation-type',
  'sublocation-id',
  'pkt-src-aws-service',
  'pkt-dst-aws-service',
  'flow-direction',
  'traffic-path',
  'ecs-cluster-arn',
  'ecs-cluster-name',
  'ecs-container-instance-arn',
  'ecs-container-instance-id',
  'ecs-container-id',
  'ecs-second-container-id',
  'ecs-service-name',
  'ecs-task-definition-arn',
  'ecs-task-arn',
  'ecs-task-id',
  'reject-reason',
  'resource-id',
  'encryption-status',
] as const;
export type FlowLogField = (typeof FLOW_LOG_FIELDS)[number];

/** The default format (version 2), what a flow log without a custom format delivers. */
export const DEFAULT_FLOW_LOG_FORMAT: readonly FlowLogField[] = FLOW_LOG_FIELDS.slice(0, 14);

/** The fields of one file, in order, and which of the optional ones it has. */
export interface FlowLogFormat {
  fields: FlowLogField[];
  has: (field: FlowLogField) => boolean;
}

const known = new Set<string>(FLOW_LOG_FIELDS);
const isField = (name: string): name is FlowLogField => known.has(name);

/**
 * The format a file's first line declares (`version account-id …`, fields separated by one
 * space, as S3 delivery writes them). Refuses names outside the record format and formats
 * without `bytes` or addresses of both ends, naming what is wrong.
 */
export function parseFlowLogHeader(line: string, file: string): FlowLogFormat {
  const names = line.trim() === '' ? [] : line.trim().split(/\s+/);
  const wrong = names.find((n) => !isField(n));
  if (names.length === 0 || wrong !== undefined)
    throw new CausewayError(
      ErrorCode.InputInvalid,
      `${file}: first line is not a flow-log header (${wrong === undefined ? 'empty' : `unknown field ${JSON.stringify(wrong.slice(0, 64))}`})`,
      {
        hint: `a delivered flow-log file starts with its field names, e.g. "${DEFAULT_FLOW_LOG_FORMAT.join(' ')}"`,
      },
    );
  const fields = names.filter(isField);
  const dupe = fields.find((f, i) => fields.indexOf(f) !== i);
  if (dupe !== undefined)
    throw new CausewayError(ErrorCode.InputInvalid, `${file}: header names ${dupe} twice`, {
      hint: 'each field appears once in a flow-log format',
    });
  const has = (f: FlowLogField): boolean => fields.includes(f);
  const missing = [
    has('bytes') ? undefined : 'bytes',
    has('srcaddr') || has('pkt-srcaddr') ? undefined : 'srcaddr or pkt-srcaddr',
    has('dstaddr') || has('pkt-dstaddr') ? undefined : 'dstaddr or pkt-dstaddr',
  ].filter((m) => m !== undefined);
  if (missing.length > 0)
    throw new CausewayError(
      ErrorCode.InputInvalid,
      `${file}: the flow-log format has no ${missing.join(', ')}`,
      {
        hint: "cross-AZ analysis needs bytes and both ends' addresses; add them to the flow log's format",
      },
    );
  return { fields, has };
}
