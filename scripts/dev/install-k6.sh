#!/usr/bin/env bash
# Installs k6, the load-test runner of `npm run test:load`, at the version the project pins: built with
# `go install` from the Go module proxy into the project's tool cache (no binary download). Nothing is built
# when that version is already there.
set -euo pipefail

K6_MODULE=go.k6.io/k6
K6_VERSION=v1.8.1
bin_dir="${FAULTLINE_TOOLS_BIN:-${XDG_CACHE_HOME:-${HOME}/.cache}/faultline/bin}"

usage() {
  cat <<USAGE
Usage: $(basename "$0") [--print-path]

  --print-path  print where k6 is (or would be) installed, and do nothing else
  -h, --help    this help

Builds k6 ${K6_VERSION} with: GOBIN=${bin_dir} go install ${K6_MODULE}@${K6_VERSION}
(about 70 s on 2 cores, once). FAULTLINE_TOOLS_BIN changes the folder; npm run test:load looks there first,
then on PATH.
USAGE
}

print_path=false
while (($#)); do
  case "$1" in
    --print-path) print_path=true; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; echo "error: unknown argument: $1" >&2; exit 2 ;;
  esac
done

k6="${bin_dir}/k6"
if [[ "${print_path}" == true ]]; then
  echo "${k6}"
  exit 0
fi

# `k6 version` prints "k6 v1.8.1 (...)".
if [[ -x "${k6}" ]] && [[ "$("${k6}" version 2>/dev/null)" == "k6 ${K6_VERSION} "* ]]; then
  echo "k6 ${K6_VERSION} is installed: ${k6}"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "error: Go is missing: install it (Debian: apt-get install golang-go), then rerun $0" >&2
  exit 1
fi

echo "building k6 ${K6_VERSION} with go install (about 70 s on 2 cores)"
mkdir -p "${bin_dir}"
GOBIN="${bin_dir}" go install "${K6_MODULE}@${K6_VERSION}"
echo "k6 ${K6_VERSION} is installed: ${k6} ($("${k6}" version))"
