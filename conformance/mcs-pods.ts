import type { V1Service } from '@kubernetes/client-node';

/**
 * Running Pods, for the cases that send traffic: backends behind a Service, and a client Pod in
 * each cluster that resolves clusterset names and connects. Only a self-hosted run has them (lab
 * network namespaces with a real kube-proxy); against other clusters those cases are skipped.
 */
export interface McsPods {
  /**
   * Starts `count` backend Pods of `service` in cluster `index`, each answering `pod ip <address>`
   * on every TCP target port, and writes their EndpointSlice as the EndpointSlice controller does.
   * Returns their addresses.
   */
  deployBackends(
    index: number,
    namespace: string,
    service: V1Service,
    count?: number,
  ): Promise<string[]>;
  /**
   * From the client Pod of cluster `index`: resolves `name` through the cluster DNS, connects to `port`, sends `hi` and returns the answer; '' when the name does
   * not resolve or nothing answers.
   */
  request(index: number, name: string, port: number): Promise<string>;
  /** A DNS query from the client Pod of cluster `index` through its cluster DNS: the answers as `dig +short` prints them. */
  lookup(index: number, name: string, type: 'A' | 'SRV'): Promise<string[]>;
  /** Stops the backends started in `namespace`. */
  removeBackends(namespace: string): Promise<void>;
  close(): Promise<void>;
}
