#!/usr/bin/env bash
# Builds the third-party binaries the Kubernetes install tests run, from the Go modules beside
# this script, into the machine-wide tool cache (the same one as build-kube-tools.sh):
#   ${CAUSEWAY_TOOLS_CACHE:-$HOME/.cache/causeway-tools}/helm-<version>/helm       (helm lint, helm template)
#   ${CAUSEWAY_TOOLS_CACHE:-$HOME/.cache/causeway-tools}/coredns-<version>/coredns (Corefile wiring)
# A cached binary is kept; the first build on a machine takes several minutes.
#
# Usage: bash test/tools/build-install-tools.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache_root="${CAUSEWAY_TOOLS_CACHE:-$HOME/.cache/causeway-tools}"

die() {
  printf 'build-install-tools: %s\n' "$*" >&2
  exit 1
}

# The version go.mod pins (an indirect requirement of the `tool` directive) names the cache folder.
pinned() {
  awk -v m="$1" '$1 == m && $2 ~ /^v/ { print $2 }' "$2" | head -n 1
}

# go build into a temporary name and rename, so an interrupted build leaves no half binary; a
# lock lets several checkouts share the cache (one builds, the others wait and find it).
build() {
  local module_dir="$1" package="$2" output="$3" ldflags="$4"
  mkdir -p "$(dirname "${output}")"
  exec 9>"${output}.lock"
  flock 9
  if [[ -x "${output}" ]]; then
    printf 'cached: %s\n' "${output}"
    return
  fi
  printf 'building %s -> %s\n' "${package}" "${output}"
  local started=${SECONDS}
  (cd "${module_dir}" && GOFLAGS=-mod=readonly go build -trimpath -ldflags="${ldflags}" -o "${output}.partial" "${package}") >&2
  mv "${output}.partial" "${output}"
  printf 'built %s in %d s\n' "${output}" "$((SECONDS - started))"
}

command -v go >/dev/null 2>&1 || die "go is not on PATH; helm and CoreDNS are built from source with Go >= 1.24"
command -v flock >/dev/null 2>&1 || die "flock is not on PATH (util-linux)"

helm_version="$(pinned helm.sh/helm/v3 "${here}/helm/go.mod")"
client_minor="$(pinned k8s.io/client-go "${here}/helm/go.mod")"
client_minor="${client_minor#v0.}"
client_minor="${client_minor%%.*}"
[[ -n "${helm_version}" && -n "${client_minor}" ]] || die "helm/go.mod pins no helm.sh/helm/v3 or k8s.io/client-go version"
# As helm's own Makefile does: the version it reports, and the Kubernetes version `helm template`
# and `helm lint` assume when no cluster is asked (else v1.20, which fails kubeVersion checks).
helm_ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=${helm_version}"
for pkg in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
  helm_ldflags+=" -X ${pkg}.k8sVersionMajor=1 -X ${pkg}.k8sVersionMinor=${client_minor}"
done
build "${here}/helm" helm.sh/helm/v3/cmd/helm "${cache_root}/helm-${helm_version}/helm" "${helm_ldflags}"

coredns_version="$(pinned github.com/coredns/coredns "${here}/coredns/go.mod")"
[[ -n "${coredns_version}" ]] || die "coredns/go.mod pins no github.com/coredns/coredns version"
build "${here}/coredns" github.com/coredns/coredns "${cache_root}/coredns-${coredns_version}/coredns" "-s -w"
