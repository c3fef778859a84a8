#!/usr/bin/env bash
# Builds the container images the real-node lab loads into each node's containerd, without any
# image registry, into the machine-wide tool cache:
#   ${CAUSEWAY_TOOLS_CACHE:-$HOME/.cache/causeway-tools}/images/<file>.tar   (OCI archive)
#   ${CAUSEWAY_TOOLS_CACHE:-$HOME/.cache/causeway-tools}/images/<file>.ref   (the name it is imported as)
# Images:
#   pause        registry.k8s.io/pause:3.10          a static Go binary that waits for a signal
#   busybox      docker.io/library/busybox:latest    busybox-static
#   socat        docker.io/alpine/socat:1.7.4.4      busybox + Debian's socat (entrypoint socat)
#   netshoot     docker.io/nicolaka/netshoot:v0.15   busybox (nslookup, grep, awk) + dash as sh, OpenBSD nc, dig, curl, socat
#   nginx        docker.io/library/nginx:stable      busybox + Debian's nginx, serving /usr/share/nginx/html on :80
#   curl         docker.io/curlimages/curl:latest    busybox + Debian's curl (upstream's entrypoint.sh)
#   coredns      registry.k8s.io/coredns/coredns:v<version>  the CoreDNS build-install-tools.sh makes
#   causeway     docker.io/library/causeway:0.1.0    deploy/image/Dockerfile built by `buildah bud
#                --pull-never` on a local node:20-bookworm-slim (mmdebstrap'd Debian + this machine's
#                Node 20); rebuilt whenever its source changes (the hash names the file).
# Each image has its own lock beside it; a cached image is kept. Needs root, umoci, buildah,
# mmdebstrap, busybox-static, socat, curl, dnsutils, go.
#
# Usage: bash test/tools/build-lab-images.sh [--print-dir] [image...]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "${here}/../.." && pwd)"
cache_root="${CAUSEWAY_TOOLS_CACHE:-$HOME/.cache/causeway-tools}"
images_dir="${cache_root}/images"
readonly all_images=(pause busybox socat netshoot nginx curl coredns causeway)

die() {
  printf 'build-lab-images: %s\n' "$*" >&2
  exit 1
}

say() {
  if [[ "${print_dir_only}" != 1 ]]; then printf '%s\n' "$*"; fi
}

# Downloads from Debian's mirrors fail now and then on a fresh machine (a mirror mid-sync, a
# dropped connection); a command that fetches is tried three times, 15 s and 45 s apart, before
# the build gives up. The command must be safe to run again (each attempt starts clean).
with_retries() {
  local attempt
  for attempt in 1 2 3; do
    if "$@"; then return 0; fi
    (( attempt < 3 )) || break
    printf 'build-lab-images: attempt %d of %s failed; trying again in %d s\n' "${attempt}" "$1" $((attempt * attempt * 15)) >&2
    sleep $((attempt * attempt * 15))
  done
  return 1
}

# A root file system with busybox-static as /bin/sh and every applet, the users the images expect,
# and the files glibc programs read.
busybox_rootfs() {
  local root="$1"
  mkdir -p "${root}"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,root,var/run,run,proc,sys,dev}
  chmod 1777 "${root}/tmp"
  cp /bin/busybox "${root}/bin/busybox"
  local applet
  for applet in $(/bin/busybox --list); do
    [[ -e "${root}/bin/${applet}" ]] || ln -s busybox "${root}/bin/${applet}"
  done
  ln -sf ../../bin/env "${root}/usr/bin/env"
  cat >"${root}/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nginx:x:101:101:nginx:/nonexistent:/bin/false
curl_user:x:100:101:curl:/home/curl_user:/bin/sh
nonroot:x:65532:65532:nonroot:/home/nonroot:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
  cat >"${root}/etc/group" <<'EOF'
root:x:0:
nginx:x:101:
nonroot:x:65532:
nogroup:x:65534:
EOF
  printf 'hosts: files dns\n' >"${root}/etc/nsswitch.conf"
  if [[ -d /etc/ssl/certs ]]; then mkdir -p "${root}/etc/ssl" && cp -rL /etc/ssl/certs "${root}/etc/ssl/certs"; fi
}

# Copies a dynamically linked program and every library ldd names (the loader too) into the root.
add_program() {
  local root="$1" program="$2" target="${3:-$2}" lib
  mkdir -p "${root}$(dirname "${target}")"
  cp -L "${program}" "${root}${target}"
  for lib in $(ldd "${program}" | awk '/=> \// { print $3 } /^[ \t]*\// { print $1 }'); do
    mkdir -p "${root}$(dirname "${lib}")"
    cp -L "${lib}" "${root}${lib}"
  done
}

# An OCI archive of `root` via umoci: one layout per image whose ref.name is the final tag, so
# `ctr images import --base-name <repository>` names it exactly as Pods ask for it.
oci_archive() {
  local root="$1" ref="$2" output="$3"
  shift 3
  local work tag="${ref##*:}"
  work="$(mktemp -d)"
  umoci init --layout "${work}/layout"
  umoci new --image "${work}/layout:${tag}"
  umoci unpack --image "${work}/layout:${tag}" "${work}/bundle" >/dev/null
  cp -a "${root}/." "${work}/bundle/rootfs/"
  umoci repack --image "${work}/layout:${tag}" "${work}/bundle"
  umoci config --image "${work}/layout:${tag}" --os linux --architecture amd64 "$@"
  umoci gc --layout "${work}/layout"
  tar -C "${work}/layout" -cf "${output}.partial" .
  rm -rf "${work}"
}

build_pause() {
  local root="$1" src
  src="$(mktemp -d)"
  # What registry.k8s.io/pause does: hold the Pod's namespaces, exit on SIGINT/SIGTERM, reap children.
  cat >"${src}/main.go" <<'EOF'
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for sig := range signals {
		if sig != syscall.SIGCHLD {
			os.Exit(0)
		}
		for {
			pid, err := syscall.Wait4(-1, nil, syscall.WNOHANG, nil)
			if pid <= 0 || err != nil {
				break
			}
		}
	}
}
EOF
  printf 'module pause\n\ngo 1.24\n' >"${src}/go.mod"
  mkdir -p "${root}"
  (cd "${src}" && CGO_ENABLED=0 GOFLAGS= go build -trimpath -ldflags='-s -w' -o "${root}/pause" .)
  rm -rf "${src}"
  oci_archive "${root}" "$2" "$3" --config.entrypoint /pause --config.user 65535:65535
}

build_busybox() {
  busybox_rootfs "$1"
  oci_archive "$1" "$2" "$3" --config.cmd sh
}

build_socat() {
  busybox_rootfs "$1"
  add_program "$1" /usr/bin/socat
  oci_archive "$1" "$2" "$3" --config.entrypoint socat
}

build_netshoot() {
  busybox_rootfs "$1"
  local program debs
  for program in /usr/bin/dig /usr/bin/curl /usr/bin/socat; do add_program "$1" "${program}"; done
  # netshoot's nc is OpenBSD netcat: the MCS conformance suite calls `nc -v -w 2 -4 NAME PORT`,
  # options busybox's nc refuses with its usage text.
  debs="$(mktemp -d)"
  (cd "${debs}" && with_retries apt-get download -q netcat-openbsd >/dev/null)
  dpkg-deb -x "${debs}"/netcat-openbsd_*.deb "${debs}/x"
  add_program "$1" "${debs}/x/bin/nc.openbsd" /usr/bin/nc
  ln -sf ../usr/bin/nc "$1/bin/nc"
  rm -rf "${debs}"
  # Debian's busybox-static is a standalone shell: with /proc mounted (in every Pod) its ash runs
  # its own nc applet before /usr/bin/nc, so `sh -c "nc -v ..."` got busybox's usage text. Alpine's
  # busybox, the real image's /bin/sh, looks programs up on PATH; dash does too.
  add_program "$1" /bin/dash
  ln -sf dash "$1/bin/sh"
  oci_archive "$1" "$2" "$3" --config.cmd sh
}

build_curl() {
  busybox_rootfs "$1"
  add_program "$1" /usr/bin/curl
  # As upstream's entrypoint: arguments that start with a command run it (`-- sh -c ...`), others go to curl.
  printf '%s\n' '#!/bin/sh' 'set -e' 'if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ]; then' '  set -- curl "$@"' 'fi' 'exec "$@"' >"$1/entrypoint.sh"
  chmod 0755 "$1/entrypoint.sh"
  oci_archive "$1" "$2" "$3" --config.entrypoint /entrypoint.sh --config.cmd curl --config.user 100:101
}

build_nginx() {
  local root="$1" debs
  busybox_rootfs "${root}"
  debs="$(mktemp -d)"
  (cd "${debs}" && with_retries apt-get download -q nginx nginx-common >/dev/null)
  for deb in "${debs}"/*.deb; do dpkg-deb -x "${deb}" "${debs}/x"; done
  add_program "${root}" "${debs}/x/usr/sbin/nginx" /usr/sbin/nginx
  mkdir -p "${root}/etc/nginx" "${root}/usr/share/nginx/html" "${root}/var/log/nginx" "${root}/var/cache/nginx" "${root}/var/lib/nginx"
  cp "${debs}/x/etc/nginx/mime.types" "${root}/etc/nginx/"
  rm -rf "${debs}"
  # The upstream image's layout: the default site serves /usr/share/nginx/html on port 80.
  cat >"${root}/etc/nginx/nginx.conf" <<'EOF'
user nginx;
worker_processes 1;
error_log /dev/stderr notice;
pid /run/nginx.pid;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  access_log /dev/stdout;
  server {
    listen 80;
    location / { root /usr/share/nginx/html; index index.html; }
  }
}
EOF
  printf '<h1>Welcome to nginx!</h1>\n' >"${root}/usr/share/nginx/html/index.html"
  oci_archive "${root}" "$2" "$3" --config.cmd nginx --config.cmd -g --config.cmd 'daemon off;' --config.exposedports 80/tcp
}

build_coredns() {
  local root="$1" binary
  binary="$(coredns_binary)"
  [[ -x "${binary}" ]] || die "CoreDNS is not built at ${binary}; run bash test/tools/build-install-tools.sh first"
  busybox_rootfs "${root}"
  # The Go build links against glibc (cgo resolver): its libraries and loader come along.
  add_program "${root}" "${binary}" /coredns
  oci_archive "${root}" "$2" "$3" --config.entrypoint /coredns
}

coredns_version() {
  awk '$1 == "github.com/coredns/coredns" && $2 ~ /^v/ { print $2 }' "${here}/coredns/go.mod" | head -n 1
}

coredns_binary() {
  local version
  version="$(coredns_version)"
  printf '%s/coredns-%s/coredns' "${cache_root}" "${version}"
}

# What ends up in the Causeway image (the compiled src/, the production dependencies, deploy/),
# hashed from its sources: the image is rebuilt when any of them changes. test/ and bench/ are
# only compiled beside it and thrown away, so they do not count.
causeway_source_hash() {
  (
    cd "${repo}"
    find package.json package-lock.json tsconfig.json src deploy -type f -not -name '*.log' -print0 | sort -z | xargs -0 sha256sum
  ) | sha256sum | cut -c1-16
}

buildah_() {
  buildah --root "${images_dir}/buildah/storage" --runroot /run/causeway-buildah --storage-driver overlay "$@"
}

# node:20-bookworm-slim, made here: a minimal Debian bookworm (mmdebstrap) with this machine's
# Node 20 and npm, committed to a private buildah store under the Dockerfile's FROM name, so
# `buildah bud --pull-never` finds it and nothing is pulled.
ensure_node_base() {
  local base=docker.io/library/node:20-bookworm-slim
  if buildah_ inspect --type image "${base}" >/dev/null 2>&1; then return; fi
  command -v mmdebstrap >/dev/null 2>&1 || die "mmdebstrap is not installed (apt-get install mmdebstrap)"
  local work node_major
  node_major="$(node -p 'process.versions.node.split(".")[0]')"
  [[ "${node_major}" == 20 ]] || die "the base image carries this machine's Node, which is $(node --version), not 20"
  work="$(mktemp -d)"
  say "making ${base} from Debian bookworm (mmdebstrap) and $(command -v node) $(node --version)"
  # mmdebstrap wants an empty or missing target: each attempt gets a fresh one.
  bootstrap() {
    rm -rf "${work}/root"
    mmdebstrap --quiet --variant=minbase --include=ca-certificates bookworm "${work}/root" >&2
  }
  with_retries bootstrap || die "mmdebstrap could not fetch Debian bookworm three times; check the network and run again"
  cp "$(readlink -f "$(command -v node)")" "${work}/root/usr/local/bin/node"
  mkdir -p "${work}/root/usr/local/lib/node_modules"
  cp -a /usr/lib/node_modules/npm "${work}/root/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "${work}/root/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "${work}/root/usr/local/bin/npx"
  rm -rf "${work}/root/var/cache/apt/archives/"*.deb "${work}/root/var/lib/apt/lists/"*
  local ctr
  ctr="$(buildah_ from scratch)"
  buildah_ copy "${ctr}" "${work}/root" / >/dev/null
  buildah_ config --env NODE_VERSION="$(node -p 'process.versions.node')" --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --cmd node "${ctr}"
  buildah_ commit --quiet "${ctr}" "${base}" >/dev/null
  buildah_ rm "${ctr}" >/dev/null
  rm -rf "${work}"
}

build_causeway() {
  local ref="$2" output="$3"
  command -v buildah >/dev/null 2>&1 || die "buildah is not installed (apt-get install buildah)"
  ensure_node_base
  # npm in the build stage reaches the registry the way this machine does: its CA bundle (a
  # TLS-inspecting proxy may sign for it) and its npm cache are mounted for the RUN steps only,
  # so neither ends up in a layer.
  local npmrc
  npmrc="$(mktemp)"
  printf 'cafile=/etc/ssl/certs/ca-certificates.crt\nfund=false\naudit=false\nupdate-notifier=false\n' >"${npmrc}"
  mkdir -p "${HOME}/.npm"
  (
    cd "${repo}"
    # chroot isolation: no nested container runtime is needed to RUN the build steps.
    buildah_ bud --quiet --pull-never --isolation chroot --network host --layers \
      --volume /etc/ssl/certs/ca-certificates.crt:/etc/ssl/certs/ca-certificates.crt:ro \
      --volume "${npmrc}:/root/.npmrc:ro" --volume "${HOME}/.npm:/root/.npm" \
      --ignorefile deploy/image/Dockerfile.dockerignore -f deploy/image/Dockerfile -t "${ref}" . >&2
  )
  rm -f "${npmrc}"
  rm -f "${output}.partial"
  buildah_ push --quiet "${ref}" "oci-archive:${output}.partial:${ref##*:}" >&2
  # The build's intermediate images would pile up (about 400 MB per source change); the npm cache
  # mounted into RUN keeps the next build's npm ci short without them.
  buildah_ rmi --prune >/dev/null 2>&1 || true
}

# Builds one image unless it is cached; the archive appears under its final name only when whole.
build_image() {
  local image="$1" ref file
  case "${image}" in
    pause) ref=registry.k8s.io/pause:3.10; file=pause-3.10 ;;
    busybox) ref=docker.io/library/busybox:latest; file=busybox ;;
    socat) ref=docker.io/alpine/socat:1.7.4.4; file=socat-1.7.4.4 ;;
    netshoot) ref=docker.io/nicolaka/netshoot:v0.15; file=netshoot-v0.15 ;;
    nginx) ref=docker.io/library/nginx:stable; file=nginx-stable ;;
    curl) ref=docker.io/curlimages/curl:latest; file=curl ;;
    coredns) ref="registry.k8s.io/coredns/coredns:$(coredns_version)"; file="coredns-$(coredns_version)" ;;
    causeway) ref=docker.io/library/causeway:0.1.0; file="causeway-$(causeway_source_hash)" ;;
    *) die "unknown image ${image} (images: ${all_images[*]})" ;;
  esac
  local output="${images_dir}/${file}.tar"
  exec 7>"${images_dir}/${image}.lock"
  flock 7
  # A stand-in is rebuilt when its recipe (the functions that make it) changes; the Causeway
  # image's name already carries its source hash.
  local recipe
  recipe="$(declare -f "build_${image}" busybox_rootfs add_program oci_archive | sha256sum | cut -c1-16)"
  if [[ -s "${output}" && ( "${image}" == causeway || "$(cat "${output%.tar}.recipe" 2>/dev/null)" == "${recipe}" ) ]]; then
    say "cached: ${output}"
  else
    say "building ${ref} -> ${output}"
    local started=${SECONDS} root
    root="$(mktemp -d)/root"
    "build_${image}" "${root}" "${ref}" "${output}"
    rm -rf "$(dirname "${root}")"
    mv "${output}.partial" "${output}"
    printf '%s\n' "${ref}" >"${images_dir}/${file}.ref"
    printf '%s\n' "${recipe}" >"${images_dir}/${file}.recipe"
    say "built ${ref} in $((SECONDS - started)) s, $(du -h "${output}" | cut -f1)"
  fi
  # Several checkouts (other sources) share the cache: each lab is told which archive is its own,
  # the one just used is marked fresh, and only archives beyond the four most recently used go.
  if [[ "${image}" == causeway ]]; then
    touch "${output}"
    local stale
    for stale in $(ls -t "${images_dir}"/causeway-*.tar 2>/dev/null | tail -n +5); do rm -f "${stale}" "${stale%.tar}.ref"; done
    printf 'causeway-archive: %s\n' "${output}"
  fi
  exec 7>&-
}

print_dir_only=0
selected=()
for arg in "$@"; do
  case "${arg}" in
    --print-dir) print_dir_only=1 ;;
    -h | --help)
      sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    -*) die "unknown option ${arg} (try --help)" ;;
    *) selected+=("${arg}") ;;
  esac
done
[[ ${#selected[@]} -gt 0 ]] || selected=("${all_images[@]}")
[[ "$(id -u)" -eq 0 ]] || die "must run as root (umoci unpacks as root; buildah uses a private store)"
for tool in umoci go flock; do command -v "${tool}" >/dev/null 2>&1 || die "${tool} is not on PATH"; done
mkdir -p "${images_dir}"

# Held for the whole run: the lab waits on it before it imports the images.
exec 6>"${images_dir}/.building.lock"
flock 6
for image in "${selected[@]}"; do build_image "${image}"; done
exec 6>&-

if [[ "${print_dir_only}" == 1 ]]; then printf '%s\n' "${images_dir}"; else printf 'images in: %s\n' "${images_dir}"; fi
