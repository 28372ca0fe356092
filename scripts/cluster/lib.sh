#!/usr/bin/env bash
# Shared settings and helpers of the cluster scripts. Sourced, not run.
# Every setting can be overridden from the environment.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export REPO_ROOT
: "${CLUSTER_NAME:=faultline}"
: "${FAULTLINE_NAMESPACE:=faultline}"
: "${FAULTLINE_RELEASE:=faultline}"
: "${IMAGE_REPOSITORY:=faultline}"
: "${IMAGE_TAG:=dev}"
: "${HELM_TIMEOUT:=10m}"
: "${CILIUM_VERSION:=1.20.2}"
: "${INGRESS_NGINX_VERSION:=4.11.3}"
# The dns-server Service address on kind (kind/values.yaml pins it; CoreDNS forwards there).
: "${DNS_SERVER_IP:=10.96.0.53}"
: "${EXTERNAL_ZONE:=myexternalserver.com}"
# KUBE_CONTEXT: set it to use install.sh, helm-test.sh, coredns-forward.sh and dns-fault.sh on another cluster.
# TOOLS_BIN: the project's tool cache, where scripts/dev/install-helm.sh puts the pinned helm.
# shellcheck source=scripts/dev/install-lib.sh
source "${REPO_ROOT}/scripts/dev/install-lib.sh"

# The services built into images: every apps/<name> with a src/main.ts.
faultline_apps() {
  local dir
  for dir in "${REPO_ROOT}"/apps/*/; do
    [[ -f "${dir}src/main.ts" ]] && basename "${dir}"
  done
}

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# Where to get each tool, for the message when it is missing.
tool_hint() {
  case "$1" in
    kind) echo "https://kind.sigs.k8s.io/docs/user/quick-start/#installation" ;;
    kubectl) echo "https://kubernetes.io/docs/tasks/tools/" ;;
    helm) echo "bash scripts/dev/install-helm.sh (the project's pinned version, built with go install)" ;;
    docker) echo "https://docs.docker.com/engine/install/ (a running Docker engine is needed)" ;;
    curl) echo "your package manager (e.g. apt-get install curl)" ;;
    *) echo "your package manager" ;;
  esac
}

# require_tools kind kubectl ...: stops with one message listing every missing tool and where to get it.
require_tools() {
  local tool missing=()
  for tool in "$@"; do
    if [[ "${tool}" == helm ]]; then
      helm_bin >/dev/null || missing+=(helm)
    elif ! command -v "${tool}" >/dev/null 2>&1; then
      missing+=("${tool}")
    fi
  done
  if ((${#missing[@]})); then
    for tool in "${missing[@]}"; do
      printf 'error: %s is not installed or not on PATH; get it from %s\n' "${tool}" "$(tool_hint "${tool}")" >&2
    done
    exit 127
  fi
}

# The pinned helm scripts/dev/install-helm.sh builds into the project's tool cache, else helm on PATH (as the
# chart tests look for it).
helm_bin() {
  if [[ -x "${TOOLS_BIN}/helm" ]]; then
    echo "${TOOLS_BIN}/helm"
  elif command -v helm >/dev/null 2>&1; then
    command -v helm
  else
    return 1
  fi
}

cluster_exists() {
  kind get clusters 2>/dev/null | grep -qx "$1"
}

# The kubectl/helm context: $KUBE_CONTEXT (any cluster), else the kind cluster's.
kube_context() {
  echo "${KUBE_CONTEXT:-kind-${CLUSTER_NAME}}"
}

# kubectl against that context.
kc() {
  kubectl --context "$(kube_context)" "$@"
}

# Runs "$@" until it succeeds or `seconds` pass; returns its last status.
retry_for() {
  local seconds="$1" deadline status
  shift
  deadline=$((SECONDS + seconds))
  while true; do
    status=0
    "$@" || status=$?
    if ((status == 0)) || ((SECONDS >= deadline)); then
      return "${status}"
    fi
    sleep 2
  done
}
