#!/usr/bin/env bash
# Proves the lab on a real kind cluster, end to end (npm run test:kind):
#   engine -> offline kit (node image, stand-in images) -> lab images -> cluster -> kind load -> helm install
#   -> helm test -> k6 smoke -> every scenario with --target kind -> teardown.
# The cluster, its kubeconfig, the port-forwards and the Docker engine the kit started are removed at the end,
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

usage() {
  cat <<USAGE
Usage: $(basename "$0") [--name CLUSTER] [--if-kit-complete] [--keep] [SCENARIO...]

  --name CLUSTER      the cluster this run creates and deletes (default ${CLUSTER_NAME}; refused if it exists)
  --if-kit-complete   run only when the offline kit's cache is complete; otherwise say so in one line, exit 0
  --keep              leave the cluster, kubeconfig and engine running at the end (prints how to reach them)
  SCENARIO...         scenarios to run (default: --all)
  -h, --help          this help

Builds what the offline kit lacks first (kind/offline/README.md: times and disk). Needs root for the Docker
engine when none answers. The host reaches the cluster only on 127.0.0.1 (API server, port-forwards).
USAGE
}

if_complete=false
keep=false
scenarios=()
while (($#)); do
  case "$1" in
    --name) CLUSTER_NAME="${2:?--name needs a cluster name}"; shift 2 ;;
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
cluster_created=false

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  local pid
  for pid in "${forward_pids[@]}"; do kill "${pid}" 2>/dev/null || true; done
  if [[ "${keep}" == true ]]; then
    log "kept: KUBECONFIG=${KUBECONFIG} DOCKER_HOST=${DOCKER_HOST:-} (delete with: kind delete cluster --name ${CLUSTER_NAME})"
    exit "${status}"
  fi
  if [[ "${cluster_created}" == true ]]; then
    step "deleting kind cluster ${CLUSTER_NAME}"
    kind delete cluster --name "${CLUSTER_NAME}" || warn "kind delete cluster ${CLUSTER_NAME} failed"
  fi
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

if cluster_exists "${CLUSTER_NAME}"; then
  die "a kind cluster named ${CLUSTER_NAME} exists and is not this run's: delete it or pass --name"
fi
step "kind cluster ${CLUSTER_NAME} from kind/cluster.yaml on $(kit_field node 5)"
cluster_created=true
"${REPO_ROOT}/scripts/cluster/create-cluster.sh" --name "${CLUSTER_NAME}" --image "$(kit_field node 5)"
kc get nodes -o wide

step "kind load: the lab's images and the stand-ins"
images=()
for app in $(faultline_apps); do images+=("${IMAGE_REPOSITORY}/${app}:${IMAGE_TAG}"); done
for component in image-rabbitmq image-zipkin image-prometheus image-curl; do images+=("$(kit_field "${component}" 5)"); done
kind load docker-image --name "${CLUSTER_NAME}" "${images[@]}"

step "helm upgrade --install --wait"
"${REPO_ROOT}/scripts/cluster/install.sh" --name "${CLUSTER_NAME}" -f "${REPO_ROOT}/kind/offline/values.yaml"

step "helm test"
"${REPO_ROOT}/scripts/cluster/helm-test.sh" --name "${CLUSTER_NAME}"

step "memory: nodes (docker stats) and the lab's containers (crictl stats)"
mapfile -t nodes < <(kind get nodes --name "${CLUSTER_NAME}")
docker stats --no-stream --format '{{.Name}} {{.MemUsage}}' "${nodes[@]}"
lab_bytes=0
for node in "${nodes[@]}"; do
  # jq from the node image (kind's base has it), so the host needs none.
  bytes="$(docker exec "${node}" sh -c "crictl stats --label io.kubernetes.pod.namespace=${FAULTLINE_NAMESPACE} -o json |
    jq '[.stats[] | .memory.workingSetBytes.value // 0 | tonumber] | add // 0'")"
  lab_bytes=$((lab_bytes + bytes))
done
echo "the lab's containers (namespace ${FAULTLINE_NAMESPACE}): $((lab_bytes / 1024 / 1024)) MiB working set"

# forward SERVICE PORT: a kubectl port-forward from a free port on 127.0.0.1; sets forwarded_url.
forwarded_url=""
forward() {
  local log="${work}/forward-$1.log" deadline=$((SECONDS + 30)) port=""
  # The log exists before kubectl starts writing it: the loop below may read it first.
  : >"${log}"
  kc -n "${FAULTLINE_NAMESPACE}" port-forward --address 127.0.0.1 "service/$1" ":$2" >>"${log}" 2>&1 &
  forward_pids+=($!)
  until [[ -n "${port}" ]]; do
    port="$(sed -n 's/^Forwarding from 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "${log}" | head -n 1)"
    [[ -n "${port}" ]] && break
    ((SECONDS < deadline)) || die "the port-forward to service/$1 did not start: $(cat "${log}")"
    sleep 0.5
  done
  forwarded_url="http://127.0.0.1:${port}"
}

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

step "scenarios on the cluster (--target kind)"
forward rabbitmq 5672
rabbit_port="${forwarded_url##*:}"
password="$(kc -n "${FAULTLINE_NAMESPACE}" get secret faultline-rabbitmq -o jsonpath='{.data.password}' | base64 -d)"
run_args=(scenario run --target kind --rabbitmq-url "amqp://faultline:${password}@127.0.0.1:${rabbit_port}")
if ((${#scenarios[@]})); then run_args+=("${scenarios[@]}"); else run_args+=(--all); fi
FAULTLINE_PROBE_IMAGE="$(kit_field image-curl 5)" node "${REPO_ROOT}/e2e/bin/faultline.cjs" "${run_args[@]}"
step "kind suite passed"
