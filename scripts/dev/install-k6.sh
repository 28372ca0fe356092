#!/usr/bin/env bash
# Installs k6, the load-test runner of `npm run test:load`, at the version the project pins: built with
# `go install` from the Go module proxy into the project's tool cache (no binary download). Nothing is built
# when that version is already there.
set -euo pipefail

K6_MODULE=go.k6.io/k6
K6_VERSION=v1.8.1
# shellcheck source=scripts/dev/install-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/install-lib.sh"

usage() {
  cat <<USAGE
Usage: $(basename "$0") [--print-path]

  --print-path  print where k6 is (or would be) installed, and do nothing else
  -h, --help    this help

Builds k6 ${K6_VERSION} with: GOBIN=${TOOLS_BIN} go install ${K6_MODULE}@${K6_VERSION}
(about 70 s on 2 cores, once). FAULTLINE_TOOLS_BIN changes the folder; npm run test:load looks there first,
then on PATH.
USAGE
}

k6="${TOOLS_BIN}/k6"
read_install_options "${k6}" "$@"

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
mkdir -p "${TOOLS_BIN}"
GOBIN="${TOOLS_BIN}" go install "${K6_MODULE}@${K6_VERSION}"
echo "k6 ${K6_VERSION} is installed: ${k6} ($("${k6}" version))"
