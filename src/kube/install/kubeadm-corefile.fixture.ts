/** kubeadm's default Corefile, as a new cluster has it in ConfigMap kube-system/coredns (tests start from it). */
export const KUBEADM_COREFILE = `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30
    loop
    reload
    loadbalance
}
`;

/**
 * The same without its `kubernetes` block, for a CoreDNS run outside a pod: that plugin needs a
 * pod's service account to reach the API server, and nothing else in the file depends on it.
 */
export const KUBEADM_COREFILE_OUTSIDE_POD = KUBEADM_COREFILE.replace(
  / {4}kubernetes [^\n]*\{\n(?: {7}[^\n]*\n)* {4}\}\n/,
  '',
);
