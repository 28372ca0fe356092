#!/usr/bin/env bash
# Creates the kind cluster (once: an existing cluster of that name is kept), installs Cilium as its CNI (every
# layout: with kube-proxy, or in place of it for cilium-kube-proxy-*), points CoreDNS's forward of myexternalserver.com at the lab's dns-server address, and optionally
# installs ingress-nginx (canary-split, stale-dns-server).
set -euo pipefail
# shellcheck source=scripts/cluster/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# This script only ever works on the kind cluster it creates.
unset KUBE_CONTEXT

usage() {
  cat <<USAGE
Usage: $(basename "$0") [--config NAME] [--name CLUSTER] [--image NODE_IMAGE] [--cilium-chart DIR
                          [--cilium-crds DIR] [--cilium-values FILE]...] [--ingress]

  --config NAME         kind layout from kind/: cluster (default: 1 control plane, 2 workers), multi-node (seed 001:
                        3 control planes, 3 workers), ha-broker (1 control plane, 3 workers: three brokers),
                        cilium-kube-proxy-free or cilium-kube-proxy-partial (seed 003: no kube-proxy, or kube-proxy
                        for ClusterIP only). Each gets Cilium as its CNI, with the values of kind/cilium/
                        (kube-proxy.values.yaml for cluster, multi-node and ha-broker)
  --name CLUSTER        cluster name (default: \$CLUSTER_NAME or ${CLUSTER_NAME})
  --image IMAGE         kind node image (default: kind's own; kind/offline/kit.sh builds one with no registry)
  --cilium-chart DIR    Cilium's chart from this folder (default: chart ${CILIUM_VERSION} from helm.cilium.io);
                        the offline kit's is its out/cilium/chart
  --cilium-crds DIR     apply Cilium's CRDs from this folder first (for a chart installed without its operator)
  --cilium-values FILE  more Cilium values, after the layout's (repeatable)
  --ingress             also install ingress-nginx ${INGRESS_NGINX_VERSION}
  -h, --help            this help

Needs docker, kind, kubectl and helm. Running it again on an existing cluster only re-applies what is missing.
USAGE
}

config=cluster
ingress=false
node_image=()
cilium_chart=""
cilium_crds=""
cilium_values=()
while (($#)); do
  case "$1" in
    --config) config="${2:?--config needs a name}"; shift 2 ;;
    --name) CLUSTER_NAME="${2:?--name needs a cluster name}"; shift 2 ;;
    --image) node_image=(--image "${2:?--image needs a node image}"); shift 2 ;;
    --cilium-chart) cilium_chart="${2:?--cilium-chart needs a folder}"; shift 2 ;;
    --cilium-crds) cilium_crds="${2:?--cilium-crds needs a folder}"; shift 2 ;;
    --cilium-values) cilium_values+=(--values "${2:?--cilium-values needs a file}"); shift 2 ;;
    --ingress) ingress=true; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done

config_file="${REPO_ROOT}/kind/${config}.yaml"
[[ -f "${config_file}" ]] || die "no kind config ${config_file} (choose: cluster, multi-node, ha-broker, cilium-kube-proxy-free, cilium-kube-proxy-partial)"
require_tools docker kind kubectl helm
docker info >/dev/null 2>&1 || die "docker is installed but its engine does not answer (is the daemon running, may this user use it?)"
HELM="$(helm_bin)"

if cluster_exists "${CLUSTER_NAME}"; then
  log "kind cluster ${CLUSTER_NAME} exists; keeping it"
else
  log "creating kind cluster ${CLUSTER_NAME} from kind/${config}.yaml"
  kind create cluster --name "${CLUSTER_NAME}" --config "${config_file}" "${node_image[@]}" --wait 0s
fi

cilium_layout=kube-proxy
if [[ "${config}" == cilium-* ]]; then cilium_layout="${config#cilium-}"; fi
log "installing Cilium as the CNI (kind/cilium/${cilium_layout}.values.yaml)"
cilium_args=(--values "${REPO_ROOT}/kind/cilium/${cilium_layout}.values.yaml" "${cilium_values[@]}")
if [[ "${config}" == cilium-kube-proxy-free ]]; then
  # Without kube-proxy the API server's Service address is not routed yet: Cilium talks to the node.
  cilium_args+=(--set "k8sServiceHost=${CLUSTER_NAME}-control-plane")
fi
if [[ -n "${cilium_crds}" ]]; then
  kc apply --server-side --force-conflicts -f "${cilium_crds}/v2/" -f "${cilium_crds}/v2alpha1/" >/dev/null
fi
if [[ -n "${cilium_chart}" ]]; then
  chart=("${cilium_chart}")
else
  "${HELM}" repo add cilium https://helm.cilium.io/ --force-update >/dev/null
  chart=(cilium/cilium --version "${CILIUM_VERSION}")
fi
if ! "${HELM}" upgrade --install cilium "${chart[@]}" --kube-context "$(kube_context)" --namespace kube-system \
  "${cilium_args[@]}" --wait --timeout 5m; then
  warn "Cilium's agents did not get Ready; their last events and logs:"
  kc -n kube-system get pods -l k8s-app=cilium -o wide || true
  kc -n kube-system get events --sort-by=.lastTimestamp | tail -n 20 || true
  kc -n kube-system logs -l k8s-app=cilium --all-containers --tail=20 --prefix || true
  die "Cilium did not come up on ${CLUSTER_NAME}"
fi
kc -n kube-system exec ds/cilium -c cilium-agent -- cilium-dbg status --brief

log "waiting for the nodes and CoreDNS"
kc wait --for=condition=Ready nodes --all --timeout=5m
kc -n kube-system rollout status deployment/coredns --timeout=5m

# Before anything resolves through CoreDNS for long: the forward needs one CoreDNS restart, and a restart
# later is exactly what stale-dns-server is about.
"${REPO_ROOT}/scripts/cluster/coredns-forward.sh" --name "${CLUSTER_NAME}" --ip "${DNS_SERVER_IP}"

if [[ "${ingress}" == true ]]; then
  log "installing ingress-nginx ${INGRESS_NGINX_VERSION}"
  "${HELM}" repo add ingress-nginx https://kubernetes.github.io/ingress-nginx --force-update >/dev/null
  "${HELM}" upgrade --install ingress-nginx ingress-nginx/ingress-nginx --version "${INGRESS_NGINX_VERSION}" \
    --kube-context "$(kube_context)" --namespace ingress-nginx --create-namespace \
    --set controller.service.type=NodePort \
    --set controller.ingressClassResource.default=true \
    --set controller.admissionWebhooks.enabled=false \
    --wait --timeout 10m
fi

log "cluster ${CLUSTER_NAME} is ready (kubectl context kind-${CLUSTER_NAME})"
