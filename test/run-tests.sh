#!/usr/bin/env bash
# Runs the whole suite from dist/ (built by `npm test`) in two lanes side by side, because most of
# its time is spent waiting (on kubelets, timeouts, builds in the background), not computing:
#   lane "nodes": the real-node clusters (dist/test/kube-nodes: kube install and helm on real
#                 kubelets, the upstream MCS conformance suite, the Cilium exercise), one at a time,
#                 since they share the machine's container runtime paths;
#   lane "main":  everything else (unit, property, integration and network-namespace tests), one
#                 file at a time.
# Each lane writes its own TAP log; both are printed whole when both are done, then one line with
# the totals. Exit 0 only when both lanes passed.
#
# Usage: bash test/run-tests.sh [--lane main|nodes]
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

lane_only=""
case "${1:-}" in
  --lane) lane_only="${2:-}" ;;
  -h | --help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
  "") ;;
  *) echo "run-tests: unknown argument $1 (try --help)" >&2; exit 2 ;;
esac

main_dirs=(dist/src dist/bench/apps)
for dir in dist/test/*/; do
  [[ "${dir}" == dist/test/kube-nodes/ ]] || main_dirs+=("${dir%/}")
done
nodes_dirs=(dist/test/kube-nodes)

logs="$(mktemp -d -t causeway-tests.XXXXXX)"
run_lane() {
  local name="$1"
  shift
  node --test --test-concurrency=1 "$@" >"${logs}/${name}.tap" 2>&1
  echo $? >"${logs}/${name}.rc"
}

started=${SECONDS}
pids=()
if [[ -z "${lane_only}" || "${lane_only}" == nodes ]]; then run_lane nodes "${nodes_dirs[@]}" & pids+=($!); fi
if [[ -z "${lane_only}" || "${lane_only}" == main ]]; then run_lane main "${main_dirs[@]}" & pids+=($!); fi
# Progress while both run: one line per finished test file of either lane.
tail -q -n +1 -F "${logs}"/main.tap "${logs}"/nodes.tap 2>/dev/null | grep --line-buffered -E '^(ok|not ok) [0-9]+ ' &
progress=$!
wait "${pids[@]}"
kill "${progress}" 2>/dev/null
wait "${progress}" 2>/dev/null

# The runner's own closing count of a lane ("# pass N"); 0 when the lane ended without one.
count() {
  local n
  n="$(awk -v k="$1" '$1 == "#" && $2 == k { v = $3 } END { print v }' "$2")"
  printf '%s' "${n:-0}"
}

status=0 passed=0 failed=0 skipped=0
for name in nodes main; do
  [[ -f "${logs}/${name}.rc" ]] || continue
  printf '\n==== lane %s ====\n' "${name}"
  cat "${logs}/${name}.tap"
  rc="$(cat "${logs}/${name}.rc")"
  (( rc == 0 )) || status=1
  passed=$((passed + $(count pass "${logs}/${name}.tap")))
  failed=$((failed + $(count fail "${logs}/${name}.tap")))
  skipped=$((skipped + $(count skipped "${logs}/${name}.tap")))
done
rm -rf "${logs}"
printf '\nboth lanes took %d s\n' "$((SECONDS - started))"
printf 'suite: %d passed, %d failed, %d skipped\n' "${passed}" "${failed}" "${skipped}"
exit "${status}"
