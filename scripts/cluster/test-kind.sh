#!/usr/bin/env bash
# Proves the lab on real kind clusters, end to end (npm run test:kind):
#   engine -> offline kit (node image with Cilium, stand-in images) -> lab images
#   -> layout kind/cluster.yaml (Cilium with kube-proxy): cluster -> kind load -> helm install -> helm test
#      -> Flagger and Traefik (install-flagger.sh) -> k6 smoke -> every scenario with --target kind -> cluster deleted
#   -> layout kind/cilium-kube-proxy-free.yaml (Cilium's socket LB, no kube-proxy): the same cluster steps, then
#      the scenarios that need that layout -> cluster deleted
#   -> layout kind/ha-broker.yaml (three workers, three brokers with a quorum queue: kind/ha-broker.values.yaml): the
#      same cluster steps, then node-loss again -> cluster deleted.
# The clusters, their kubeconfig, the port-forwards and the Docker engine the kit started are removed at the end,
# also on failure and Ctrl-C (unless --keep).
set -euo pipefail
# shellcheck source=scripts/cluster/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=kind/offline/lib.sh
source "${REPO_ROOT}/kind/offline/lib.sh"
# shellcheck source=kind/offline/engine.sh
source "${REPO_ROOT}/kind/offline/engine.sh"

CLUSTER_NAME="${TEST_CLUSTER_NAME:-faultline-test}"
KIT="${REPO_ROOT}/kind/offline/kit.sh"
# The scenarios whose steps need Cilium's socket LB (stale-dns-server's symptom); the rest run on kind/cluster.yaml.
KUBE_PROXY_FREE_SCENARIOS=(stale-dns-server)
# The scenario run again with three brokers: a lost node, broker included, costs no order that got a 201.
HA_BROKER_SCENARIOS=(node-loss)

usage() {
  cat <<USAGE
Usage: $(basename "$0") [--name CLUSTER] [--layout LAYOUT] [--if-kit-complete] [--keep] [SCENARIO...]

  --name CLUSTER      the clusters this run creates and deletes: CLUSTER (kind/cluster.yaml),
                      CLUSTER-kube-proxy-free and CLUSTER-ha-broker (default ${CLUSTER_NAME}; refused if one exists)
  --layout LAYOUT     cluster (Cilium with kube-proxy), cilium-kube-proxy-free (Cilium without kube-proxy),
                      ha-broker (three workers, three brokers) or all (default: one after the other)
  --if-kit-complete   run only when the offline kit's cache is complete; otherwise say so in one line, exit 0
  --keep              leave the last cluster, the kubeconfig and the engine running at the end (prints how)
  SCENARIO...         scenarios to run (default: --all on cluster; on cilium-kube-proxy-free: ${KUBE_PROXY_FREE_SCENARIOS[*]};
                      on ha-broker: ${HA_BROKER_SCENARIOS[*]})
  -h, --help          this help

Builds what the offline kit lacks first (kind/offline/README.md: times and disk). Needs root for the Docker
engine when none answers. The host reaches the cluster only on 127.0.0.1 (API server, port-forwards).
USAGE
}

if_complete=false
ALL_LAYOUTS=(cluster cilium-kube-proxy-free ha-broker)
layouts=("${ALL_LAYOUTS[@]}")
keep=false
scenarios=()
while (($#)); do
  case "$1" in
    --name) CLUSTER_NAME="${2:?--name needs a cluster name}"; shift 2 ;;
    --layout)
      case "${2:-}" in
        all) layouts=("${ALL_LAYOUTS[@]}") ;;
        cluster | cilium-kube-proxy-free | ha-broker) layouts=("$2") ;;
        *) usage >&2; die "--layout takes cluster, cilium-kube-proxy-free, ha-broker or all (got: ${2:-nothing})" ;;
      esac
      shift 2
      ;;
    --if-kit-complete) if_complete=true; shift ;;
    --keep) keep=true; shift ;;
    -h | --help) usage; exit 0 ;;
    -*) usage >&2; die "unknown argument: $1" ;;
    *) scenarios+=("$1"); shift ;;
  esac
done

if [[ "${if_complete}" == true ]] && ! gap="$("${KIT}" complete 2>/dev/null)"; then
  echo "kind suite not run: the offline kit's cache is incomplete (${gap:-no engine}); build it with: npm run kit:build"
  exit 0
fi

started=${SECONDS}
step() { log "[$(kit_duration $((SECONDS - started)))] $*"; }

work="$(mktemp -d "${TMPDIR:-/tmp}/faultline-test-kind.XXXXXX")"
export KUBECONFIG="${work}/kubeconfig"
forward_pids=()
engine_started=false
clusters_created=()

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  local pid
  for pid in "${forward_pids[@]}"; do kill "${pid}" 2>/dev/null || true; done
  if [[ "${keep}" == true ]]; then
    log "kept: KUBECONFIG=${KUBECONFIG} DOCKER_HOST=${DOCKER_HOST:-} (delete with: kind delete cluster --name ${CLUSTER_NAME})"
    exit "${status}"
  fi
  local name
  for name in "${clusters_created[@]}"; do delete_cluster "${name}"; done
  if [[ "${engine_started}" == true ]]; then kit_engine_stop; fi
  rm -rf "${work}"
  exit "${status}"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step "Docker engine"
if ! kit_engine_answers; then engine_started=true; fi
kit_engine_start
# A kit engine left running by an earlier, killed run counts as this run's to stop.
if [[ -f "${KIT_DOCKERD_PIDFILE}" ]]; then engine_started=true; fi

step "offline kit: node image and stand-in images (cached ones are reused)"
"${KIT}" build

step "lab images from the Dockerfile (NODE_IMAGE=$(kit_field image-node-runtime 5))"
"${REPO_ROOT}/scripts/cluster/build-images.sh" --no-load --node-image "$(kit_field image-node-runtime 5)" \
  --ca-certificates /etc/ssl/certs/ca-certificates.crt

# delete_cluster NAME: a cluster this run created, with the port-forwards to it.
delete_cluster() {
  local pid
  for pid in "${forward_pids[@]}"; do kill "${pid}" 2>/dev/null || true; done
  forward_pids=()
  cluster_exists "$1" || return 0
  step "deleting kind cluster $1"
  kind delete cluster --name "$1" || warn "kind delete cluster $1 failed"
}

# forward SERVICE PORT: a kubectl port-forward from a free port on 127.0.0.1 to the current cluster; sets
# forwarded_url.
forwarded_url=""
forward() {
  local log="${work}/forward-${CLUSTER_NAME}-$1.log" deadline=$((SECONDS + 30)) port=""
  # The log exists before kubectl starts writing it: the loop below may read it first.
  : >"${log}"
  # kubectl itself in the background (not the kc function, whose subshell would leave kubectl behind when killed).
  kubectl --context "$(kube_context)" -n "${FAULTLINE_NAMESPACE}" port-forward --address 127.0.0.1 "service/$1" ":$2" >>"${log}" 2>&1 &
  forward_pids+=($!)
  until [[ -n "${port}" ]]; do
    port="$(sed -n 's/^Forwarding from 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "${log}" | head -n 1)"
    [[ -n "${port}" ]] && break
    ((SECONDS < deadline)) || die "the port-forward to service/$1 did not start: $(cat "${log}")"
    sleep 0.5
  done
  forwarded_url="http://127.0.0.1:${port}"
}

# forward_broker: as forward for the broker, started again on the same local port whenever it ends: a kubectl
# port-forward ends with the pod it forwards to (broker-pod-loss deletes rabbitmq-0), and one started before the
# StatefulSet's new pod is Ready can hang, so each restart waits for a Ready rabbitmq-0 first.
forward_broker() {
  forward rabbitmq 5672
  local port="${forwarded_url##*:}" first="${forward_pids[-1]}" log="${work}/forward-${CLUSTER_NAME}-rabbitmq.log"
  (
    child="${first}"
    trap 'kill "${child}" 2>/dev/null; exit 0' TERM
    while :; do
      while kill -0 "${child}" 2>/dev/null; do sleep 1; done
      until [[ "$(kc -n "${FAULTLINE_NAMESPACE}" get pod rabbitmq-0 --ignore-not-found \
        -o jsonpath='{.metadata.deletionTimestamp}/{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" == "/True" ]]; do
        sleep 1
      done
      kubectl --context "$(kube_context)" -n "${FAULTLINE_NAMESPACE}" port-forward --address 127.0.0.1 pod/rabbitmq-0 "${port}:5672" >>"${log}" 2>&1 &
      child=$!
    done
  ) &
  forward_pids+=($!)
}

# lab_cluster LAYOUT: the cluster of kind/LAYOUT.yaml on the kit's node image with the kit's Cilium as its CNI,
# the lab's images loaded, the chart installed and `helm test` passed (CLUSTER_NAME names it).
lab_cluster() {
  local layout="$1" images=() app component nodes node bytes lab_bytes=0 values=()
  if [[ -f "${REPO_ROOT}/kind/${layout}.values.yaml" ]]; then values=(-f "${REPO_ROOT}/kind/${layout}.values.yaml"); fi
  if cluster_exists "${CLUSTER_NAME}"; then
    die "a kind cluster named ${CLUSTER_NAME} exists and is not this run's: delete it or pass --name"
  fi
  step "kind cluster ${CLUSTER_NAME} from kind/${layout}.yaml on $(kit_field node 5), Cilium $(kit_field cilium 2 | sed 's/.*@v//') as its CNI"
  clusters_created+=("${CLUSTER_NAME}")
  "${REPO_ROOT}/scripts/cluster/create-cluster.sh" --config "${layout}" --name "${CLUSTER_NAME}" --image "$(kit_field node 5)" \
    --cilium-chart "${KIT_OUT}/cilium/chart" --cilium-crds "${KIT_OUT}/cilium/crds" \
    --cilium-values "${REPO_ROOT}/kind/offline/cilium.values.yaml"
  kc get nodes -o wide

  step "kind load: the lab's images and the stand-ins"
  for app in $(faultline_apps); do images+=("${IMAGE_REPOSITORY}/${app}:${IMAGE_TAG}"); done
  for component in image-rabbitmq image-zipkin image-prometheus image-curl image-nginx; do images+=("$(kit_field "${component}" 5)"); done
  kind load docker-image --name "${CLUSTER_NAME}" "${images[@]}"

  step "helm upgrade --install --wait"
  "${REPO_ROOT}/scripts/cluster/install.sh" --name "${CLUSTER_NAME}" -f "${REPO_ROOT}/kind/offline/values.yaml" "${values[@]}"

  step "helm test"
  "${REPO_ROOT}/scripts/cluster/helm-test.sh" --name "${CLUSTER_NAME}"

  step "memory: nodes (docker stats) and the lab's containers (crictl stats)"
  mapfile -t nodes < <(kind get nodes --name "${CLUSTER_NAME}")
  docker stats --no-stream --format '{{.Name}} {{.MemUsage}}' "${nodes[@]}"
  for node in "${nodes[@]}"; do
    # jq from the node image (kind's base has it), so the host needs none.
    bytes="$(docker exec "${node}" sh -c "crictl stats --label io.kubernetes.pod.namespace=${FAULTLINE_NAMESPACE} -o json |
      jq '[.stats[] | .memory.workingSetBytes.value // 0 | tonumber] | add // 0'")"
    lab_bytes=$((lab_bytes + bytes))
  done
  echo "the lab's containers (namespace ${FAULTLINE_NAMESPACE}): $((lab_bytes / 1024 / 1024)) MiB working set"
}

# flagger_parts: what canary-split needs to run with the real Flagger on the current cluster: the kit's Traefik and
# Flagger images loaded, then scripts/cluster/install-flagger.sh with the kit's Gateway API CRDs and Flagger chart.
flagger_parts() {
  step "Flagger $(kit_field flagger 2 | sed 's/.*@//') and Traefik $(kit_field traefik 2 | sed 's/.*@//') on the Gateway API (canary-split)"
  kind load docker-image --name "${CLUSTER_NAME}" "$(kit_field image-flagger 5)" "$(kit_field image-traefik 5)"
  "${REPO_ROOT}/scripts/cluster/install-flagger.sh" --name "${CLUSTER_NAME}" \
    --gateway-api-crds "${KIT_OUT}/gateway-api/standard" --flagger-chart "${KIT_OUT}/flagger/chart"
}

# k6_smoke: e2e/k6/smoke.ts through port-forwards to the current cluster.
k6_smoke() {
  local store_url front_end_url
  step "k6 smoke through port-forwards (e2e/k6/smoke.ts)"
  bash "${REPO_ROOT}/scripts/dev/install-k6.sh"
  forward store-front 80
  store_url="${forwarded_url}"
  forward front-end 8080
  front_end_url="${forwarded_url}"
  forward retry-client 8080
  "$(bash "${REPO_ROOT}/scripts/dev/install-k6.sh" --print-path)" run --quiet --no-color \
    -e STORE_URL="${store_url}" -e FRONT_END_URL="${front_end_url}" -e RETRY_CLIENT_URL="${forwarded_url}" \
    "${REPO_ROOT}/e2e/k6/smoke.ts"
}

# run_scenarios SCENARIO... (or --all): the harness with --target kind on the current cluster.
run_scenarios() {
  local rabbit_port password run_args
  step "scenarios on ${CLUSTER_NAME} (--target kind): $*"
  forward_broker
  rabbit_port="${forwarded_url##*:}"
  password="$(kc -n "${FAULTLINE_NAMESPACE}" get secret faultline-rabbitmq -o jsonpath='{.data.password}' | base64 -d)"
  run_args=(scenario run --target kind --rabbitmq-url "amqp://faultline:${password}@127.0.0.1:${rabbit_port}" "$@")
  FAULTLINE_PROBE_IMAGE="$(kit_field image-curl 5)" node "${REPO_ROOT}/e2e/bin/faultline.cjs" "${run_args[@]}"
}

base_name="${CLUSTER_NAME}"
for layout in "${layouts[@]}"; do
  case "${layout}" in
    cluster)
      CLUSTER_NAME="${base_name}"
      lab_cluster cluster
      flagger_parts
      k6_smoke
      if ((${#scenarios[@]})); then run_scenarios "${scenarios[@]}"; else run_scenarios --all; fi
      ;;
    cilium-kube-proxy-free)
      CLUSTER_NAME="${base_name}-kube-proxy-free"
      lab_cluster cilium-kube-proxy-free
      if ((${#scenarios[@]})); then run_scenarios "${scenarios[@]}"; else run_scenarios "${KUBE_PROXY_FREE_SCENARIOS[@]}"; fi
      ;;
    ha-broker)
      CLUSTER_NAME="${base_name}-ha-broker"
      lab_cluster ha-broker
      if ((${#scenarios[@]})); then run_scenarios "${scenarios[@]}"; else run_scenarios "${HA_BROKER_SCENARIOS[@]}"; fi
      ;;
  esac
  # The last cluster stays with --keep; the others go before the next one comes up (memory).
  if [[ "${keep}" != true || "${layout}" != "${layouts[-1]}" ]]; then delete_cluster "${CLUSTER_NAME}"; fi
done
step "kind suite passed (${layouts[*]})"
