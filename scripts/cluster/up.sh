#!/usr/bin/env bash
# The whole path, as CI runs it: create the cluster -> build and `kind load` every image ->
# helm upgrade --install --wait -> helm test. Safe to run again.
set -euo pipefail
# shellcheck source=scripts/cluster/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<USAGE
Usage: $(basename "$0") [--config NAME] [--ingress] [--skip-build]

  --config NAME   kind layout (see create-cluster.sh --help; default cluster)
  --ingress       install ingress-nginx too
  --skip-build    reuse images already loaded
  -h, --help      this help
USAGE
}
create_args=()
build=true
while (($#)); do
  case "$1" in
    --config) create_args+=(--config "${2:?--config needs a name}"); shift 2 ;;
    --ingress) create_args+=(--ingress); shift ;;
    --skip-build) build=false; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
require_tools docker kind kubectl helm

here="${REPO_ROOT}/scripts/cluster"
"${here}/create-cluster.sh" "${create_args[@]}"
if [[ "${build}" == true ]]; then
  "${here}/build-images.sh"
fi
"${here}/install.sh"
"${here}/helm-test.sh"
