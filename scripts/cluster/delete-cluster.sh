#!/usr/bin/env bash
# Deletes the kind cluster (nothing to do when it does not exist).
set -euo pipefail
# shellcheck source=scripts/cluster/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  echo "Usage: $(basename "$0") [--name CLUSTER]   (default ${CLUSTER_NAME})"
}
while (($#)); do
  case "$1" in
    --name) CLUSTER_NAME="${2:?--name needs a cluster name}"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
require_tools kind

if cluster_exists "${CLUSTER_NAME}"; then
  log "deleting kind cluster ${CLUSTER_NAME}"
  kind delete cluster --name "${CLUSTER_NAME}"
else
  log "no kind cluster ${CLUSTER_NAME}; nothing to delete"
fi
