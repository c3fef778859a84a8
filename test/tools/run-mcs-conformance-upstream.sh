#!/usr/bin/env bash
# Runs the upstream MCS API conformance suite, unchanged (built and cached by
# build-mcs-conformance.sh), against two clusters where Causeway is installed as users install it
# (`causeway kube install` and `causeway kube link`, CoreDNS wired with `causeway kube dns --apply`),
# and prints its summary: every Required spec, and each Optional one with its result.
#
#   npm run conformance:mcs:upstream                        # a real-node lab of its own (root)
#   npm run conformance:mcs:upstream -- --kubeconfig FILE --contexts a,b [--focus RE] [--report FILE.json]
#
# The suite needs real nodes (it starts Pods and execs into them) with the images
# alpine/socat:1.7.4.4 and nicolaka/netshoot:v0.15. Exit 0 when every Required spec passed, 1 when
# one failed (or the suite could not start), 2 bad input.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."

usage() { sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
bad_input() {
  printf 'conformance:mcs:upstream: %s\nhint: %s\n' "$1" "$2" >&2
  exit 2
}

kubeconfig="" contexts="" focus="" report=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --kubeconfig) kubeconfig="${2:-}"; shift 2 ;;
    --contexts) contexts="${2:-}"; shift 2 ;;
    --focus) focus="${2:-}"; shift 2 ;;
    --report) report="${2:-}"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) bad_input "unknown argument $1" "see --help" ;;
  esac
done
if [[ -z "${kubeconfig}" && -z "${contexts}" ]]; then
  # No clusters given: a real-node lab clusterset of its own, Causeway installed as users do.
  [[ "$(id -u)" -eq 0 ]] || bad_input "starting lab clusters needs root (network namespaces, containerd)" "run as root, or pass --kubeconfig FILE --contexts a,b of clusters with Causeway installed"
  npm run build --silent
  exec node dist/test/tools/mcs-upstream-lab.js ${focus:+"${focus}"}
fi
[[ -n "${kubeconfig}" && -f "${kubeconfig}" ]] || bad_input "--kubeconfig: give the kubeconfig file of the clusters" "e.g. --kubeconfig ~/.kube/config --contexts east,west"
[[ "${contexts}" == *,* ]] || bad_input "--contexts: give at least two contexts, comma-separated" "e.g. --contexts east,west"

binary="$(bash test/tools/build-mcs-conformance.sh)"
work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
report="${report:-${work}/report.json}"
args=(-kubeconfig "$(realpath "${kubeconfig}")" -contexts "${contexts}" -organization Causeway -project causeway -version "$(node -p 'require("./package.json").version')"
  -ginkgo.label-filter 'Required || Optional' -ginkgo.json-report "${report}" -ginkgo.no-color -ginkgo.timeout 45m)
[[ -z "${focus}" ]] || args+=(-ginkgo.focus "${focus}")

started=${SECONDS}
# The suite writes its own report file beside its working directory; run it in the scratch folder.
(cd "${work}" && "${binary}" "${args[@]}") >"${work}/suite.log" 2>&1 || true
printf 'upstream MCS conformance suite (%s), %ss\n' "$(basename "$(dirname "${binary}")")" "$((SECONDS - started))"
if [[ ! -s "${report}" ]]; then
  tail -n 40 "${work}/suite.log" >&2
  printf 'conformance:mcs:upstream: the suite wrote no report\n' >&2
  exit 1
fi
npm run build --silent
node dist/test/tools/mcs-upstream-summary.js "${report}"
