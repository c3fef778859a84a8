import { existsSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { CausewayError, ErrorCode } from '../../errors/index.js';

export interface KubeConfigOptions {
  /** A kubeconfig file; without it: in-cluster config inside a pod, else $KUBECONFIG or ~/.kube/config. */
  kubeconfig?: string;
  context?: string;
}

/** Loads the credentials the controller talks to the API server with; errors name the flag to fix. */
export function loadKubeConfig(options: KubeConfigOptions): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (options.kubeconfig !== undefined) {
      if (!existsSync(options.kubeconfig)) throw new Error(`${options.kubeconfig} does not exist`);
      kc.loadFromFile(options.kubeconfig);
    } else if (process.env['KUBERNETES_SERVICE_HOST'] !== undefined) {
      kc.loadFromCluster();
    } else {
      kc.loadFromDefault();
    }
  } catch (err) {
    throw new CausewayError(
      ErrorCode.KubeConfigInvalid,
      `--kubeconfig: cannot load ${options.kubeconfig ?? 'the default kubeconfig'}: ${(err as Error).message}`,
      {
        cause: err,
        hint: 'pass --kubeconfig <file> (or run inside a pod for in-cluster credentials)',
      },
    );
  }
  if (options.context !== undefined) {
    if (kc.getContextObject(options.context) === null) {
      throw new CausewayError(
        ErrorCode.KubeConfigInvalid,
        `--context: no context "${options.context}" in the kubeconfig`,
        {
          hint: `known contexts: ${
            kc
              .getContexts()
              .map((c) => c.name)
              .join(', ') || 'none'
          }`,
        },
      );
    }
    kc.setCurrentContext(options.context);
  }
  if (kc.getCurrentCluster() === null) {
    throw new CausewayError(
      ErrorCode.KubeConfigInvalid,
      '--kubeconfig: the current context names no cluster',
      { hint: 'pass --context <name> or fix current-context in the kubeconfig' },
    );
  }
  return kc;
}
