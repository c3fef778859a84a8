import { readFile } from 'node:fs/promises';
import { parseDocument, stringify } from 'yaml';
import type { z } from 'zod';
import { replaceFile } from '../config/index.js';
import { CausewayError, ErrorCode } from '../errors/index.js';
import { GslbConfig, type GslbConfigInput } from './gslb-config.js';
import { RegionTable } from './region-table.js';

/** The file `causeway gslb` commands use unless told otherwise. */
export const DEFAULT_GSLB_FILE = 'gslb.yaml';

/** Reads and validates a GSLB file; errors name the file, the field and the fix. */
export async function loadGslbConfig(file: string): Promise<GslbConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new CausewayError(
      ErrorCode.ConfigMissing,
      `${file}: cannot read the GSLB configuration (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`,
      {
        cause: err,
        hint: 'create it with `causeway gslb init --zone gslb.example.com --ns ns1.gslb.example.com=192.0.2.53`',
      },
    );
  }
  return parseGslbConfig(text, file);
}

/** Parses GSLB file text; pure, so it can be property-tested with hostile input. */
export function parseGslbConfig(text: string, file = DEFAULT_GSLB_FILE): GslbConfig {
  const doc = parseDocument(text, { uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError !== undefined) {
    throw new CausewayError(
      ErrorCode.ConfigInvalid,
      `${file}: not valid YAML: ${yamlError.message.split('\n')[0]}`,
      { hint: `fix the YAML syntax of ${file}` },
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new CausewayError(
      ErrorCode.ConfigInvalid,
      `${file}: not valid YAML: ${(err as Error).message}`,
      { hint: `remove YAML aliases (*name) from ${file}` },
    );
  }
  return validateGslbConfig(data, file);
}

/** Validates already-parsed data (what the CLI builds before saving). */
export function validateGslbConfig(data: unknown, file = DEFAULT_GSLB_FILE): GslbConfig {
  const result = GslbConfig.safeParse(data);
  if (!result.success) throw fieldError(file, result.error);
  // The CIDR table is checked here too, so a bad block is reported when the file is written, not served.
  new RegionTable(result.data.geo);
  return result.data;
}

/** Writes the file atomically, so a `gslb serve` watching it never reads half of it. */
export async function saveGslbConfig(
  file: string,
  config: GslbConfig | GslbConfigInput,
): Promise<void> {
  await replaceFile(file, stringify(config));
}

function fieldError(file: string, error: z.ZodError): CausewayError {
  const issue = error.issues[0];
  const unknownKey = issue?.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
  const path =
    issue === undefined ? [] : unknownKey === undefined ? issue.path : [...issue.path, unknownKey];
  const field =
    path.length === 0
      ? '(top level)'
      : path
          .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
          .join('');
  return new CausewayError(
    ErrorCode.ConfigInvalid,
    `${file}: field ${field}: ${issue?.message ?? 'invalid'}`,
    {
      hint: `correct ${field} in ${file}; \`causeway gslb set --help\` lists each field and its default`,
    },
  );
}
