import { readStateFile, replaceFile } from '../site-files/index.js';
import { z } from 'zod';
import { CausewayError, ErrorCode } from '../errors/index.js';
import { ExportConfig, PolicyConfig, ipLiteral, type SiteConfig } from './site-config.js';

/**
 * What a controller (the Kubernetes one) owns at a site, kept apart from the hand-written
 * site.yaml in `managed.json`: JSON, because a cluster's thousands of endpoint entries parse in
 * milliseconds as JSON and in seconds as YAML, and a router reloading must not stall its links.
 */
export const ManagedState = z.strictObject({
  exports: z.array(ExportConfig).default([]),
  namespaces: z.array(z.string().min(1).max(63)).default([]),
  policies: z.array(PolicyConfig).default([]),
  /** The ClusterIPs the cluster gave imported services, keyed `namespace/name` (DNS answers them). */
  clustersetIps: z.record(z.string(), z.array(ipLiteral).max(2)).default({}),
});
export type ManagedState = z.infer<typeof ManagedState>;
export type ManagedStateInput = z.input<typeof ManagedState>;

/** The managed state, or an empty one when no controller ever wrote it. */
export async function loadManagedState(file: string): Promise<ManagedState> {
  const read = await readStateFile(file, (raw) => raw);
  if (read.kind === 'absent') return ManagedState.parse({});
  if (read.kind === 'unreadable') {
    throw new CausewayError(
      ErrorCode.ConfigInvalid,
      `${file}: cannot be read (${read.error.code ?? read.error.message})`,
      { cause: read.error, hint: 'give the router user read access to it' },
    );
  }
  if (read.kind === 'corrupt') {
    throw new CausewayError(ErrorCode.ConfigInvalid, `${file}: not valid JSON`, {
      cause: read.error,
      hint: `it is written by the Kubernetes controller; delete it and let the controller write it again`,
    });
  }
  const raw = read.value;
  const result = ManagedState.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new CausewayError(
      ErrorCode.ConfigInvalid,
      `${file}: field ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'invalid'}`,
      { hint: 'delete it and let the controller write it again' },
    );
  }
  return result.data;
}

/** Writes the managed state atomically; returns the text written (callers skip identical rewrites). */
export async function saveManagedState(file: string, state: ManagedStateInput): Promise<string> {
  const text = JSON.stringify(state);
  await replaceFile(file, text, 0o644);
  return text;
}

/**
 * site.yaml with the managed state merged in: exports added, namespaces joined, and a managed
 * policy used only where site.yaml has none for that service (what a person wrote wins).
 */
export function mergeManagedState(config: SiteConfig, managed: ManagedState): SiteConfig {
  const own = new Set(config.policies.map((p) => `${p.namespace}/${p.service}`));
  return {
    ...config,
    exports: [...config.exports, ...managed.exports],
    namespaces: [...new Set([...config.namespaces, ...managed.namespaces])].sort(),
    policies: [
      ...config.policies,
      ...managed.policies.filter((p) => !own.has(`${p.namespace}/${p.service}`)),
    ],
    services: {
      ...config.services,
      clustersetIps: { ...managed.clustersetIps, ...config.services.clustersetIps },
    },
  };
}
