import { CausewayError, ErrorCode } from '../errors/index.js';
import type { GslbConfig, GslbRecord, GslbRecordInput } from './gslb-config.js';
import { validateGslbConfig } from './gslb-config-file.js';

/** `api` in zone `gslb.example.com` is `api.gslb.example.com`; a name already in the zone stays. */
export function qualifyName(name: string, zone: string): string {
  const lower = name.replace(/\.$/, '').toLowerCase();
  return lower === zone || lower.endsWith(`.${zone}`) ? lower : `${lower}.${zone}`;
}

/** The config with `changes` applied to the record `name` (created when new); validated as a whole. */
export function upsertRecord(
  config: GslbConfig,
  name: string,
  changes: Partial<GslbRecordInput>,
  file: string,
): { config: GslbConfig; record: GslbRecord; created: boolean } {
  const qualified = qualifyName(name, config.zone);
  const current = config.records.find((r) => r.name === qualified);
  if (current === undefined && (changes.service === undefined || changes.targets === undefined)) {
    throw new CausewayError(
      ErrorCode.InputInvalid,
      `${qualified} is a new record: --service and at least one --target are needed`,
      {
        hint: `causeway gslb set ${name} --service shop/web --target eu-west=192.0.2.10 --target us-east=198.51.100.10`,
      },
    );
  }
  const merged = { ...(current ?? {}), ...changes, name: qualified };
  const records =
    current === undefined
      ? [...config.records, merged]
      : config.records.map((r) => (r === current ? merged : r));
  const next = validateGslbConfig({ ...config, records }, file);
  return {
    config: next,
    record: next.records.find((r) => r.name === qualified)!,
    created: current === undefined,
  };
}

/** The config without the record `name`; removing a record that is not there is an error a script can see. */
export function removeRecord(config: GslbConfig, name: string): GslbConfig {
  const qualified = qualifyName(name, config.zone);
  if (!config.records.some((r) => r.name === qualified)) {
    throw new CausewayError(ErrorCode.InputInvalid, `no GSLB record ${qualified}`, {
      hint: '`causeway gslb list` shows the records',
    });
  }
  return { ...config, records: config.records.filter((r) => r.name !== qualified) };
}
