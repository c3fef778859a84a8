#!/usr/bin/env bash
# Builds the Kubernetes binaries the tests start (kube-apiserver, kube-proxy) from the Go module under
# test/tools/kube into a cache shared by every run and every checkout on this machine:
#   ${CAUSEWAY_TOOLS_CACHE:-$HOME/.cache/causeway-tools}/kubernetes-<version>/
# A binary already in the cache is kept, so only the first run on a machine pays for the build
# (about 11 minutes on 2 cores with an empty Go module cache). Prints where the binaries are.
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
# One lock per binary, both taken before either build starts: a test waiting for kube-apiserver
# goes on as soon as it is built, one waiting for kube-proxy waits for that build too.
exec 9>"${kube_dir}/.build.lock"
flock 9
exec 8>"${kube_dir}/.build-proxy.lock"
flock 8

minor="${kube_version#v1.}"
minor="${minor%%.*}"
# Without these the server reports a development version at /version; clients print it.
kube_ldflags="-s -w
  -X k8s.io/component-base/version.gitVersion=${kube_version}
  -X k8s.io/component-base/version.gitMajor=1
  -X k8s.io/component-base/version.gitMinor=${minor}
  -X k8s.io/component-base/version.gitTreeState=clean"
build_tool "${here}/kube" k8s.io/kubernetes/cmd/kube-apiserver "${kube_dir}/kube-apiserver" "${kube_ldflags//$'\n'/ }"
exec 9>&-
build_tool "${here}/kube" k8s.io/kubernetes/cmd/kube-proxy "${kube_dir}/kube-proxy" "${kube_ldflags//$'\n'/ }"

if [[ "${print_dir_only}" == 1 ]]; then
  printf '%s\n' "${kube_dir}"
else
  printf 'kube-apiserver: %s\n' "${kube_dir}/kube-apiserver"
  printf 'kube-proxy: %s\n' "${kube_dir}/kube-proxy"
  printf 'binaries in: %s\n' "${kube_dir}"
fi
