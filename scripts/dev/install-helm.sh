#!/usr/bin/env bash
# Installs helm, which renders and lints the chart in `npm test` and installs it on a cluster, at the version the
# project pins: the offline kit's (the `helm` row of kind/offline/components.tsv, the one place it is written),
# built with `go install` from the Go module proxy into the project's tool cache (no binary download). Nothing is
# built when that version is already there.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
COMPONENTS="${REPO_ROOT}/kind/offline/components.tsv"
# "helm  go:helm.sh/helm/v3/cmd/helm@v3.21.4  go-install ..." -> helm.sh/helm/v3/cmd/helm@v3.21.4
HELM_SOURCE="$(awk '$1 == "helm" { sub(/^go:/, "", $2); print $2 }' "${COMPONENTS}")"
[[ "${HELM_SOURCE}" == *@v* ]] || { echo "error: no helm row (go:MODULE@VERSION) in ${COMPONENTS}" >&2; exit 1; }
HELM_VERSION="${HELM_SOURCE##*@}"
# shellcheck source=scripts/dev/install-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/install-lib.sh"

usage() {
  cat <<USAGE
Usage: $(basename "$0") [--print-path]

  --print-path  print where helm is (or would be) installed, and do nothing else
  -h, --help    this help

Builds helm ${HELM_VERSION} with: GOBIN=${TOOLS_BIN} go install ${HELM_SOURCE}
(a few minutes on 2 cores, once; the version is the offline kit's, from kind/offline/components.tsv).
FAULTLINE_TOOLS_BIN changes the folder; the chart tests and scripts/cluster look there first, then on PATH.
USAGE
}

helm="${TOOLS_BIN}/helm"
read_install_options "${helm}" "$@"

# `helm version --template '{{.Version}}'` prints "v3.21.4".
if [[ -x "${helm}" ]] && [[ "$("${helm}" version --template '{{.Version}}' 2>/dev/null)" == "${HELM_VERSION}" ]]; then
  echo "helm ${HELM_VERSION} is installed: ${helm}"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "error: Go is missing: install it (Debian: apt-get install golang-go), then rerun $0" >&2
  exit 1
fi

# helm's Makefile stamps a release build with ldflags that `go install` does not pass: its version (else
# "v3.21") and the Kubernetes version `helm template` and `helm lint` assume offline (else v1.20.0, which the
# chart's kubeVersion ">=1.25.0-0" refuses): 1.<minor of k8s.io/client-go in helm's go.mod>, as `make build` sets.
module="${HELM_SOURCE%%/cmd/*}"
go_mod="$(go mod download -json "${module}@${HELM_VERSION}" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')"
client_go="$(awk '$1 == "k8s.io/client-go" { print $2 }' "${go_mod}")"
[[ "${client_go}" =~ ^v0\.([0-9]+)\. ]] || { echo "error: no k8s.io/client-go v0.N.x in ${go_mod}" >&2; exit 1; }
k8s_minor="${BASH_REMATCH[1]}"
ldflags="-s -w -X ${module}/internal/version.version=${HELM_VERSION} -X ${module}/internal/version.gitTreeState=clean"
for pkg in pkg/lint/rules pkg/chartutil; do
  ldflags+=" -X ${module}/${pkg}.k8sVersionMajor=1 -X ${module}/${pkg}.k8sVersionMinor=${k8s_minor}"
done

echo "building helm ${HELM_VERSION} with go install (a few minutes on 2 cores)"
mkdir -p "${TOOLS_BIN}"
GOBIN="${TOOLS_BIN}" CGO_ENABLED=0 go install -trimpath -ldflags "${ldflags}" "${HELM_SOURCE}"
echo "helm ${HELM_VERSION} is installed: ${helm} ($("${helm}" version --short))"
