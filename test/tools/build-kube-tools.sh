#!/usr/bin/env bash
# Builds the Kubernetes binaries the tests start (kube-apiserver, kube-proxy, and for the real-node
# lab kubectl, kube-scheduler, kube-controller-manager and kubelet) from the Go module under
# test/tools/kube into a cache shared by every run and every checkout on this machine:
#   ${CAUSEWAY_TOOLS_CACHE:-$HOME/.cache/causeway-tools}/kubernetes-<version>/
# A binary already in the cache is kept, so only the first run on a machine pays for the build
# (about 11 minutes on 2 cores for kube-apiserver with an empty Go module cache, about 6 more for the
# node binaries, which share most of its packages through the Go build cache). Prints where the
# binaries are.
#
# Usage: bash test/tools/build-kube-tools.sh [--print-dir]
#   --print-dir   print only the cache directory (builds first if needed), for scripts
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache_root="${CAUSEWAY_TOOLS_CACHE:-$HOME/.cache/causeway-tools}"

say() {
  if [[ "${print_dir_only}" != 1 ]]; then printf '%s\n' "$*"; fi
}

die() {
  printf 'build-kube-tools: %s\n' "$*" >&2
  exit 1
}

# The version pinned in go.mod names the cache folder, so bumping it builds afresh.
module_version() {
  local module="$1" go_mod="$2"
  awk -v m="${module}" '$1 == "require" && $2 == m { print $3 } $1 == m && $2 ~ /^v/ { print $2 }' "${go_mod}" | head -n 1
}

# Builds `package` of the module in `module_dir` to `output` unless it is already there. The build
# goes to a temporary name first, so an interrupted build never leaves a half-written binary.
build_tool() {
  local module_dir="$1" package="$2" output="$3" ldflags="$4"
  if [[ -x "${output}" ]]; then
    say "cached: ${output}"
    return
  fi
  say "building ${package} -> ${output} (first build on this machine takes minutes)"
  local started=${SECONDS}
  (
    cd "${module_dir}"
    # -mod=readonly: go.sum in the repository decides every dependency; nothing is resolved anew.
    GOFLAGS=-mod=readonly go build -trimpath -ldflags="${ldflags}" -o "${output}.partial" "${package}"
  ) >&2
  mv "${output}.partial" "${output}"
  say "built ${output} in $((SECONDS - started)) s"
}

print_dir_only=0
case "${1:-}" in
  --print-dir) print_dir_only=1 ;;
  "") ;;
  -h | --help)
    sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  *) die "unknown argument $1 (try --help)" ;;
esac

command -v go >/dev/null 2>&1 || die "go is not on PATH; the Kubernetes test binaries are built from source with Go >= 1.24"
command -v flock >/dev/null 2>&1 || die "flock is not on PATH (util-linux)"

kube_version="$(module_version k8s.io/kubernetes "${here}/kube/go.mod")"
[[ -n "${kube_version}" ]] || die "no k8s.io/kubernetes version in ${here}/kube/go.mod"
kube_dir="${cache_root}/kubernetes-${kube_version}"
mkdir -p "${kube_dir}"

# Several checkouts may build at once; one builds, the others wait and then find the binary.
# One lock per binary, all taken before any build starts and each released as soon as its binary
# is there: a test waiting for kube-apiserver goes on once it is built, one waiting for the kubelet
# waits for the builds before it too. The order puts what most tests need first.
readonly binaries=(kube-apiserver kube-proxy kubectl kube-scheduler kube-controller-manager kubelet)
lock_file() {
  case "$1" in
    kube-apiserver) printf '%s/.build.lock' "${kube_dir}" ;;
    kube-proxy) printf '%s/.build-proxy.lock' "${kube_dir}" ;;
    *) printf '%s/.build-%s.lock' "${kube_dir}" "$1" ;;
  esac
}
declare -A lock_fd=()
for binary in "${binaries[@]}"; do
  exec {fd}>"$(lock_file "${binary}")"
  flock "${fd}"
  lock_fd[${binary}]=${fd}
done

minor="${kube_version#v1.}"
minor="${minor%%.*}"
# Without these the server reports a development version at /version; clients print it. Every
# binary gets the same -trimpath and ldflags, so the Go build cache is shared between them.
kube_ldflags="-s -w
  -X k8s.io/component-base/version.gitVersion=${kube_version}
  -X k8s.io/component-base/version.gitMajor=1
  -X k8s.io/component-base/version.gitMinor=${minor}
  -X k8s.io/component-base/version.gitTreeState=clean"
for binary in "${binaries[@]}"; do
  build_tool "${here}/kube" "k8s.io/kubernetes/cmd/${binary}" "${kube_dir}/${binary}" "${kube_ldflags//$'\n'/ }"
  exec {lock_fd[${binary}]}>&-
done

if [[ "${print_dir_only}" == 1 ]]; then
  printf '%s\n' "${kube_dir}"
else
  for binary in "${binaries[@]}"; do printf '%s: %s\n' "${binary}" "${kube_dir}/${binary}"; done
  printf 'binaries in: %s\n' "${kube_dir}"
fi
