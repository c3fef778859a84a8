#!/usr/bin/env bash
# Runs the MCS API checks (conformance/) and prints which cases pass, fail or are skipped.
#
#   bash test/tools/run-mcs-conformance.sh                                  # own clusters (root)
#   bash test/tools/run-mcs-conformance.sh --kubeconfig K --contexts a,b    # existing clusters
#   ... [--focus RE] [--skip RE] [--report FILE.json]
#
# Without --contexts it starts two clusters (etcd + kube-apiserver from build-kube-tools.sh), a
# Causeway site and `causeway kube controller` for each, a client Pod per cluster (a network
# namespace with a real kube-proxy and CoreDNS) and backend Pods, and removes them afterwards.
# With --contexts the MCS CRDs and a controller must already run in those clusters, and the cases
# that need running Pods (traffic, DNS from a Pod) are skipped. Exit 0 when no case failed, 1
# otherwise, 2 bad input.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."

case "${1:-}" in
  -h | --help)
    sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
esac

if [[ " $* " != *" --contexts "* ]]; then
  if [[ "$(id -u)" -ne 0 ]]; then
    echo "run-mcs-conformance: starting its own clusters needs root (network namespaces); or pass --kubeconfig and --contexts" >&2
    exit 2
  fi
  bash test/tools/build-kube-tools.sh >&2
  bash test/tools/build-install-tools.sh >&2
fi
npm run build --silent
exec node dist/conformance/mcs-conformance.js "$@"
