import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { CausewayError, ErrorCode } from '../errors/index.js';
import { writeSecretFile } from '../pki/index.js';

const storedTokenSchema = z.strictObject({
  id: z.string().regex(/^[0-9a-f]{32}$/),
  secretSha256: z.string().regex(/^[0-9a-f]{64}$/),
  usesLeft: z.number().int().min(0),
  expiresAt: z.number().int(),
  createdAt: z.number().int(),
});
const storeFileSchema = z.strictObject({
  version: z.literal(1),
  tokens: z.array(storedTokenSchema),
});

/** What the issuer remembers about a token: never the secret, only its hash. Times in epoch ms. */
export type StoredToken = z.infer<typeof storedTokenSchema>;

/** Reads the store; a missing file is an empty store, a damaged one is CW_CONFIG_INVALID. */
export async function readTokenStoreFile(path: string): Promise<StoredToken[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new CausewayError(ErrorCode.ConfigInvalid, `token store ${path} is not valid JSON`, {
      cause,
    });
  }
  const parsed = storeFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new CausewayError(
      ErrorCode.ConfigInvalid,
      `token store ${path} has an unexpected shape`,
      { cause: parsed.error },
    );
  }
  return parsed.data.tokens;
}

/** Replaces the store atomically with owner-only permissions. */
export async function writeTokenStoreFile(path: string, tokens: StoredToken[]): Promise<void> {
  await writeSecretFile(path, `${JSON.stringify({ version: 1, tokens }, null, 2)}\n`);
}
