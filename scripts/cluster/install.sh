#!/usr/bin/env bash
# Installs (or upgrades) the lab with Helm and waits until every workload is ready; then makes sure CoreDNS
# forwards myexternalserver.com to the release's dns-server. Scenario values files layer on top. The namespace enforces
# the Pod Security Standard given (restricted by default: every pod of the chart meets it).
set -euo pipefail
# shellcheck source=scripts/cluster/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<USAGE
Usage: $(basename "$0") [--scenario ID] [--name CLUSTER] [--pod-security LEVEL] [-f VALUES]... [--set KEY=VALUE]...

  --scenario ID   also apply helm/faultline/scenarios/ID.yaml (its break); run again without it to fix
  -f VALUES       extra values file (after kind/values.yaml)
  --set KEY=VAL   extra value
  --name CLUSTER  kind cluster (default ${CLUSTER_NAME})
  --pod-security LEVEL
                  Pod Security Standard the namespace enforces: restricted (default), baseline or privileged
  -h, --help      this help

Release ${FAULTLINE_RELEASE} in namespace ${FAULTLINE_NAMESPACE} (\$FAULTLINE_RELEASE, \$FAULTLINE_NAMESPACE), images
${IMAGE_REPOSITORY}/<app>:${IMAGE_TAG}, helm --wait --timeout ${HELM_TIMEOUT}.
USAGE
}

extra=()
pod_security=restricted
while (($#)); do
  case "$1" in
    --scenario)
      file="${REPO_ROOT}/helm/faultline/scenarios/${2:?--scenario needs an id}.yaml"
      [[ -f "${file}" ]] || die "no scenario values file ${file}"
      extra+=(--values "${file}")
      shift 2
      ;;
    -f | --values) extra+=(--values "${2:?$1 needs a file}"); shift 2 ;;
    --set) extra+=(--set "${2:?--set needs KEY=VALUE}"); shift 2 ;;
    --name) CLUSTER_NAME="${2:?--name needs a cluster name}"; shift 2 ;;
    --pod-security)
      case "${2:-}" in
        restricted | baseline | privileged) pod_security="$2" ;;
        *) usage >&2; die "--pod-security takes restricted, baseline or privileged (got: ${2:-nothing})" ;;
      esac
      shift 2
      ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
require_tools kubectl helm
HELM="$(helm_bin)"

log "namespace ${FAULTLINE_NAMESPACE}: Pod Security ${pod_security} enforced"
kc create namespace "${FAULTLINE_NAMESPACE}" --dry-run=client -o yaml | kc apply -f - >/dev/null
kc label --overwrite namespace "${FAULTLINE_NAMESPACE}" \
  "pod-security.kubernetes.io/enforce=${pod_security}" pod-security.kubernetes.io/enforce-version=latest >/dev/null

log "helm upgrade --install ${FAULTLINE_RELEASE} (namespace ${FAULTLINE_NAMESPACE})"
"${HELM}" upgrade --install "${FAULTLINE_RELEASE}" "${REPO_ROOT}/helm/faultline" \
  --kube-context "$(kube_context)" --namespace "${FAULTLINE_NAMESPACE}" --create-namespace \
  --values "${REPO_ROOT}/kind/values.yaml" \
  --set "image.repository=${IMAGE_REPOSITORY}" --set "image.tag=${IMAGE_TAG}" \
  "${extra[@]}" \
  --wait --timeout "${HELM_TIMEOUT}"

"${REPO_ROOT}/scripts/cluster/coredns-forward.sh" --name "${CLUSTER_NAME}"
kc -n "${FAULTLINE_NAMESPACE}" get pods -o wide
