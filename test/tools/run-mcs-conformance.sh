#!/usr/bin/env bash
# Runs the MCS API checks (test/conformance/) and prints which cases pass, fail or are skipped.
#
#   bash test/tools/run-mcs-conformance.sh                                  # own clusters (root)
#   bash test/tools/run-mcs-conformance.sh --kubeconfig K --contexts a,b    # existing clusters
#   ... [--focus RE] [--skip RE] [--report FILE.json]
#
# Without --contexts it starts two clusters (etcd + kube-apiserver from build-kube-tools.sh), a
# Causeway site and `causeway kube controller` for each, and removes them afterwards. With
# --contexts the MCS CRDs and a controller must already run in those clusters. Cases that need
# running Pods (traffic, clusterset.local DNS, EndpointSlices of real Pods) are reported as
# skipped: these clusters have no kubelets. Exit 0 when no case failed, 1 otherwise, 2 bad input.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."

case "${1:-}" in
  -h | --help)
    sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
esac

if [[ " $* " != *" --contexts "* ]]; then
  if [[ "$(id -u)" -ne 0 ]]; then
    echo "run-mcs-conformance: starting its own clusters needs root (network namespaces); or pass --kubeconfig and --contexts" >&2
    exit 2
  fi
  bash test/tools/build-kube-tools.sh >&2
fi
npm run build --silent
exec node dist/test/conformance/mcs-conformance.js "$@"
