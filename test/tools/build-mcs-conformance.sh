#!/usr/bin/env bash
# Builds the upstream MCS API conformance suite (sigs.k8s.io/mcs-api/conformance, Go source kept
# unchanged in ../shared/conformance/mcs-api relative to the checkout) with `go test -c`, into a
# cache shared by every run and checkout on this machine:
#   ${CAUSEWAY_TOOLS_CACHE:-$HOME/.cache/causeway-tools}/mcs-conformance-<hash of the sources>/mcs-conformance.test
# The hash covers every file of the suite, so a changed source builds afresh and an unchanged one
# is never rebuilt. Prints the binary's path.
#
# Usage: bash test/tools/build-mcs-conformance.sh [--source DIR]
#   --source DIR   the suite's source (default: $CAUSEWAY_MCS_CONFORMANCE_SRC, else the nearest
#                  shared/conformance/mcs-api beside the checkout or a folder above it)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
checkout="$(cd "${here}/../.." && pwd)"
cache_root="${CAUSEWAY_TOOLS_CACHE:-$HOME/.cache/causeway-tools}"

die() {
  printf 'build-mcs-conformance: %s\n' "$1" >&2
  printf 'hint: %s\n' "$2" >&2
  exit "${3:-1}"
}

# ../shared/conformance/mcs-api beside the checkout (CI), else beside a folder above it (a worktree
# kept in a subfolder of the same place).
default_source() {
  local dir="${checkout}"
  while [[ "${dir}" != / ]]; do
    dir="$(dirname "${dir}")"
    if [[ -f "${dir}/shared/conformance/mcs-api/conformance_suite.go" ]]; then
      printf '%s\n' "${dir}/shared/conformance/mcs-api"
      return
    fi
  done
  printf '%s\n' "${checkout}/../shared/conformance/mcs-api"
}
source_dir="${CAUSEWAY_MCS_CONFORMANCE_SRC:-$(default_source)}"

while [[ $# -gt 0 ]]; do
  case "$1" in
    --source) source_dir="${2:?--source needs a directory}"; shift 2 ;;
    -h | --help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument $1" "see --help" 2 ;;
  esac
done

[[ -f "${source_dir}/conformance_suite.go" ]] || die "${source_dir} does not hold the MCS conformance suite" "pass --source DIR or set CAUSEWAY_MCS_CONFORMANCE_SRC to the folder with conformance_suite.go" 2
command -v go >/dev/null || die "go is not installed" "install Go 1.22 or newer (the Go module proxy serves the suite's modules)" 1

# Hash of every file's name and content, in a stable order: the cache key.
hash="$(cd "${source_dir}" && find . -type f ! -name '*.test' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"
out_dir="${cache_root}/mcs-conformance-${hash}"
binary="${out_dir}/mcs-conformance.test"
if [[ -x "${binary}" ]]; then
  printf '%s\n' "${binary}"
  exit 0
fi

mkdir -p "${out_dir}"
# CI builds it in the background while a test may ask for it too: one builds, the other waits for
# the lock and then finds the binary.
exec 9>"${out_dir}/.build.lock"
flock 9
if [[ -x "${binary}" ]]; then
  printf '%s\n' "${binary}"
  exit 0
fi
work="$(mktemp -d "${out_dir}/build.XXXXXX")"
trap 'rm -rf "${work}"' EXIT
# Built from a copy: the shared source stays read-only, and `go` writes nothing beside it.
cp -r "${source_dir}/." "${work}/"
started=${SECONDS}
printf 'building the MCS conformance suite from %s (first build on this machine downloads its modules)\n' "${source_dir}" >&2
(cd "${work}" && go test -c -o "${work}/mcs-conformance.test" .) >&2
# Renamed into place only when complete, so an interrupted build never leaves a half-written binary.
mv "${work}/mcs-conformance.test" "${binary}"
printf 'built in %ss: %s\n' "$((SECONDS - started))" "${binary}" >&2
printf '%s\n' "${binary}"
