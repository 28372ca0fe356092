#!/usr/bin/env bash
# Runs the chart's `helm test` pods (store-front serves the page and products; orders are accepted, one
# holding product 11, which goes through CoreDNS, the lab DNS and external-server) and prints their logs.
set -euo pipefail
# shellcheck source=scripts/cluster/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<USAGE
Usage: $(basename "$0") [--name CLUSTER]

Runs helm test ${FAULTLINE_RELEASE} in namespace ${FAULTLINE_NAMESPACE} on kind cluster ${CLUSTER_NAME}.
USAGE
}
while (($#)); do
  case "$1" in
    --name) CLUSTER_NAME="${2:?--name needs a cluster name}"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
require_tools kubectl helm
HELM="$(helm_bin)"

log "helm test ${FAULTLINE_RELEASE}"
"${HELM}" test "${FAULTLINE_RELEASE}" --kube-context "$(kube_context)" --namespace "${FAULTLINE_NAMESPACE}" \
  --logs --timeout 5m
