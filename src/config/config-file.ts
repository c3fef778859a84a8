import { readFile } from 'node:fs/promises';
import { replaceFile } from '../site-files/index.js';
import { parseDocument, stringify } from 'yaml';
import type { z } from 'zod';
import { CausewayError, ErrorCode } from '../errors/index.js';
import { SiteConfig, type SiteConfigInput } from './site-config.js';

/** Reads and validates a site config; errors name the file, the field and the fix. */
export async function loadSiteConfig(file: string): Promise<SiteConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new CausewayError(ErrorCode.ConfigMissing, `${file}: cannot read the site config`, {
      cause: err,
      hint: 'create the site first with `causeway site init --id <site-id> --dir <dir>`',
    });
  }
  return parseSiteConfig(text, file);
}

/** Parses config text; pure, so it can be property-tested with hostile input. */
export function parseSiteConfig(text: string, file = 'site.yaml'): SiteConfig {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError !== undefined) {
    throw new CausewayError(
      ErrorCode.ConfigInvalid,
      `${file}: not valid YAML: ${yamlError.message.split('\n')[0]}`,
      {
        hint: `fix the YAML syntax at line ${yamlError.linePos?.[0]?.line ?? '?'} of ${file}`,
      },
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // Unresolvable aliases and alias bombs surface only when the document is materialized.
    throw new CausewayError(
      ErrorCode.ConfigInvalid,
      `${file}: not valid YAML: ${(err as Error).message}`,
      { hint: `remove YAML aliases (*name) from ${file}` },
    );
  }
  const result = SiteConfig.safeParse(data);
  if (!result.success) throw configError(file, result.error);
  return result.data;
}

function configError(file: string, error: z.ZodError): CausewayError {
  const issue = error.issues[0];
  // An unknown key has the path of its parent object; name the key itself, since it is the typo.
  const unknownKey = issue?.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
  const path =
    issue === undefined ? [] : unknownKey === undefined ? issue.path : [...issue.path, unknownKey];
  const field = path.length === 0 ? '(top level)' : formatPath(path);
  const what = issue?.message ?? 'invalid';
  return new CausewayError(ErrorCode.ConfigInvalid, `${file}: field ${field}: ${what}`, {
    hint: `edit ${file} and correct ${field}; \`causeway site init --help\` shows the defaults`,
  });
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
}

/** Writes the config atomically (temp file + rename), so a crash never leaves half a file. */
export async function saveSiteConfig(
  file: string,
  config: SiteConfig | SiteConfigInput,
): Promise<void> {
  const header =
    '# Causeway site configuration. Edit freely; `causeway site run` validates it on start and reload.\n';
  await replaceFile(file, header + stringify(config), 0o644);
}
