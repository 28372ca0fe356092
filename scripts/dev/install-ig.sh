#!/usr/bin/env bash
# Installs Inspektor Gadget's `ig` at the version the project pins, the last line of releases whose trace
# gadgets (trace dns, trace tcp, ...) are compiled into the binary, so nothing is pulled from an image
# registry. Built from the Go module proxy into the project's tool cache (no binary download). `go install
# module@version` refuses this module (its go.mod has replace directives), so the script builds from a copy
# of the module's source in the module cache, with the module's own go.sum (Go 1.23+ needs
# -checklinkname=0 for its go:linkname into encoding/json). Nothing is built when that
# version is already there; with no Go, one line and exit 0 (the DNS scenarios then say ig is missing).
set -euo pipefail

IG_MODULE=github.com/inspektor-gadget/inspektor-gadget
IG_VERSION=v0.30.0
# shellcheck source=scripts/dev/install-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/install-lib.sh"

usage() {
  cat <<USAGE
Usage: $(basename "$0") [--print-path]

  --print-path  print where ig is (or would be) installed, and do nothing else
  -h, --help    this help

Builds ig ${IG_VERSION} (${IG_MODULE}/cmd/ig) from the Go module proxy into ${TOOLS_BIN}
(several minutes on 2 cores, once). FAULTLINE_TOOLS_BIN changes the folder; the DNS scenarios look there
first, then on PATH. ig needs root (eBPF) to run.
USAGE
}

ig="${TOOLS_BIN}/ig"
read_install_options "${ig}" "$@"

# `ig version` prints "v0.30.0".
if [[ -x "${ig}" ]] && [[ "$("${ig}" version 2>/dev/null)" == *"${IG_VERSION}"* ]]; then
  echo "ig ${IG_VERSION} is installed: ${ig}"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "ig not installed: Go is missing (Debian: apt-get install golang-go); the DNS scenarios keep their stand-in evidence"
  exit 0
fi

echo "building ig ${IG_VERSION} from the Go module proxy (several minutes on 2 cores)"
src_dir="$(go mod download -json "${IG_MODULE}@${IG_VERSION}" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
if [[ -z "${src_dir}" ]]; then
  echo "error: go mod download ${IG_MODULE}@${IG_VERSION} gave no source folder" >&2
  exit 1
fi
work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
cp -r "${src_dir}/." "${work}/"
chmod -R u+w "${work}"
mkdir -p "${TOOLS_BIN}"
(
  cd "${work}"
  GOWORK=off CGO_ENABLED=0 go build -p 1 \
    -ldflags "-checklinkname=0 -X ${IG_MODULE}/internal/version.version=${IG_VERSION}" \
    -o "${ig}" ./cmd/ig
)
echo "ig ${IG_VERSION} is installed: ${ig} ($("${ig}" version 2>&1 | head -n 1))"
