#!/usr/bin/env bash
# Installs what canary-split needs on a cluster to run with the real Flagger (seed 004): the Gateway API CRDs, Traefik
# as the Gateway API implementation with Gateway traefik/faultline (kind/flagger/traefik.yaml), and Flagger with the
# gatewayapi provider reading the lab's Prometheus (kind/flagger/flagger.values.yaml). Waits until both run, and
# fails with their last events and logs when they do not.
set -euo pipefail
# shellcheck source=scripts/cluster/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

FLAGGER_NAMESPACE="${FLAGGER_NAMESPACE:-flagger-system}"
KIT_COMPONENTS="${REPO_ROOT}/kind/offline/components.tsv"

usage() {
  cat <<USAGE
Usage: $(basename "$0") [--name CLUSTER] [--gateway-api-crds DIR] [--flagger-chart DIR]

  --name CLUSTER           the kind cluster (default: \$CLUSTER_NAME or ${CLUSTER_NAME}; \$KUBE_CONTEXT for another one)
  --gateway-api-crds DIR   the Gateway API's standard CRDs (default: config/crd/standard of the sigs.k8s.io/gateway-api
                           module at the version kind/offline/components.tsv pins, through the Go module proxy)
  --flagger-chart DIR      Flagger's chart (default: charts/flagger of the github.com/fluxcd/flagger module at the
                           pinned version, through the Go module proxy); the offline kit's is its out/flagger/chart
  -h, --help               this help

Images: docker.io/library/traefik and ghcr.io/fluxcd/flagger at the pinned versions (kind load them first where no
registry can be reached; the offline kit builds both). Flagger runs in namespace ${FLAGGER_NAMESPACE}, Traefik in traefik;
the lab's Prometheus is expected in namespace ${FAULTLINE_NAMESPACE}. Needs kubectl and helm (and go for the defaults).
USAGE
}

crds=""
chart=""
while (($#)); do
  case "$1" in
    --name) CLUSTER_NAME="${2:?--name needs a cluster name}"; shift 2 ;;
    --gateway-api-crds) crds="${2:?--gateway-api-crds needs a folder}"; shift 2 ;;
    --flagger-chart) chart="${2:?--flagger-chart needs a folder}"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
require_tools kubectl helm
HELM="$(helm_bin)"

# module_dir COMPONENT: the source folder of a component's pinned module (the source column of components.tsv).
module_dir() {
  local source
  source="$(awk -v n="$1" '$1 == n { print $2 }' "${KIT_COMPONENTS}")"
  source="${source#*:}"
  source="${source%%/config/*}"
  require_tools go
  go mod download -json "${source}" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p'
}
[[ -n "${crds}" ]] || crds="$(module_dir gateway-api)/config/crd/standard"
[[ -n "${chart}" ]] || chart="$(module_dir flagger)/charts/flagger"
[[ -d "${crds}" ]] || die "no Gateway API CRDs in ${crds}"
[[ -f "${chart}/Chart.yaml" ]] || die "no Helm chart in ${chart}"

# diagnose NAMESPACE: the last events and logs of what did not get ready there.
diagnose() {
  warn "not ready in namespace $1; its pods, last events and logs:"
  kc -n "$1" get pods -o wide || true
  kc -n "$1" get events --sort-by=.lastTimestamp | tail -n 20 || true
  kc -n "$1" logs --all-containers --tail=30 --prefix -l "$2" || true
  exit 1
}

log "Gateway API CRDs (${crds})"
kc apply --server-side --force-conflicts -f "${crds}" >/dev/null
kc wait --for=condition=Established crd/gateways.gateway.networking.k8s.io crd/httproutes.gateway.networking.k8s.io --timeout=60s

log "Traefik as the Gateway API implementation (kind/flagger/traefik.yaml)"
kc apply -f "${REPO_ROOT}/kind/flagger/traefik.yaml"
kc -n traefik rollout status deployment/traefik --timeout=3m || diagnose traefik app.kubernetes.io/name=traefik
retry_for 60 kc -n traefik wait --for=condition=Programmed gateway/faultline --timeout=5s ||
  diagnose traefik app.kubernetes.io/name=traefik

log "Flagger ($(awk '$1 == "flagger" { print $2 }' "${KIT_COMPONENTS}" | sed 's/.*@//'), provider gatewayapi:v1, metrics from prometheus.${FAULTLINE_NAMESPACE})"
"${HELM}" upgrade --install flagger "${chart}" --kube-context "$(kube_context)" --namespace "${FLAGGER_NAMESPACE}" \
  --create-namespace --values "${REPO_ROOT}/kind/flagger/flagger.values.yaml" \
  --set "metricsServer=http://prometheus.${FAULTLINE_NAMESPACE}:9090" --wait --timeout 5m ||
  diagnose "${FLAGGER_NAMESPACE}" app.kubernetes.io/name=flagger
kc -n traefik get gateway faultline
kc -n "${FLAGGER_NAMESPACE}" get deployment flagger
