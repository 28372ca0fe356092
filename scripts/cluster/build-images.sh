#!/usr/bin/env bash
# Builds one image per service from the repository's Dockerfile (--build-arg APP=<app>) and loads them
# into the kind cluster's nodes. The dependency layers are shared, so the second and later apps build fast.
set -euo pipefail
# shellcheck source=scripts/cluster/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<USAGE
Usage: $(basename "$0") [--name CLUSTER] [--tag TAG] [--node-image IMAGE] [--ca-certificates FILE] [--no-load] [APP...]

  APP...          services to build (default: every apps/<name>: $(faultline_apps | tr '\n' ' '))
  --name CLUSTER  kind cluster to load the images into (default ${CLUSTER_NAME})
  --tag TAG       image tag (default \$IMAGE_TAG or ${IMAGE_TAG}); images are ${IMAGE_REPOSITORY}/<app>:TAG
  --node-image IMAGE       the Node.js base (Dockerfile's NODE_IMAGE; default node:22-alpine)
  --ca-certificates FILE   CA bundle npm trusts inside the build (a TLS-inspecting proxy's; BuildKit secret)
  --no-load       build only (e.g. to push to a registry yourself)
  -h, --help      this help
USAGE
}

load=true
apps=()
build_args=()
while (($#)); do
  case "$1" in
    --name) CLUSTER_NAME="${2:?--name needs a cluster name}"; shift 2 ;;
    --tag) IMAGE_TAG="${2:?--tag needs a tag}"; shift 2 ;;
    --node-image) build_args+=(--build-arg "NODE_IMAGE=${2:?--node-image needs an image}"); shift 2 ;;
    --ca-certificates)
      [[ -f "${2:-}" ]] || die "--ca-certificates needs a CA bundle file"
      build_args+=(--secret "id=ca-certificates,src=$2")
      shift 2
      ;;
    --no-load) load=false; shift ;;
    -h | --help) usage; exit 0 ;;
    -*) usage >&2; die "unknown argument: $1" ;;
    *) apps+=("$1"); shift ;;
  esac
done
if ((${#apps[@]} == 0)); then
  mapfile -t apps < <(faultline_apps)
fi
((${#apps[@]})) || die "no apps found under ${REPO_ROOT}/apps"

if [[ "${load}" == true ]]; then
  require_tools docker kind
  cluster_exists "${CLUSTER_NAME}" || die "no kind cluster ${CLUSTER_NAME}: run scripts/cluster/create-cluster.sh first"
else
  require_tools docker
fi

for app in "${apps[@]}"; do
  [[ -f "${REPO_ROOT}/apps/${app}/src/main.ts" ]] || die "no such app: ${app}"
  image="${IMAGE_REPOSITORY}/${app}:${IMAGE_TAG}"
  log "building ${image}"
  DOCKER_BUILDKIT=1 docker build --build-arg "APP=${app}" "${build_args[@]}" --tag "${image}" "${REPO_ROOT}"
  if [[ "${load}" == true ]]; then
    log "loading ${image} into kind cluster ${CLUSTER_NAME}"
    kind load docker-image "${image}" --name "${CLUSTER_NAME}"
  fi
done
