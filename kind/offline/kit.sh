#!/usr/bin/env bash
# The offline cluster kit: builds everything a kind cluster and the faultline chart need from package
# registries alone (Go module proxy, Debian, npm, Maven Central), for machines with no image registry.
set -euo pipefail
# shellcheck source=kind/offline/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=kind/offline/recipes.sh
source "${KIT_DIR}/recipes.sh"
# shellcheck source=kind/offline/engine.sh
source "${KIT_DIR}/engine.sh"
kit_compute_hashes

usage() {
  cat <<USAGE
Usage: $(basename "$0") COMMAND [ARGS]

Commands:
  build [COMPONENT...]   build what is missing or changed (default: every component of components.tsv, in order);
                         starts a Docker engine first when none answers
  status                 one line per component: cached (with its hash) or to build
  complete               exit 0 when every component is cached, 1 (with the first missing one) otherwise
  engine start|stop      start the kit's Docker engine when none answers / stop the one the kit started
  env                    print the PATH line that puts the kit's kind, kubectl and helm first
  -h, --help             this help

Cache: ${FAULTLINE_KIT_CACHE} (\$FAULTLINE_KIT_CACHE); images stay in the Docker engine.
Each build step's output goes to ${KIT_LOGS}/<component>.log.
What it builds, how long it takes, the disk it needs: kind/offline/README.md.
USAGE
}

# The components to build for the names given (or all), each after what it needs, each once.
kit_plan() {
  local -A seen=()
  local name
  visit() {
    local dep
    [[ -n "${seen[$1]:-}" ]] && return
    seen[$1]=1
    for dep in $(kit_list "$(kit_field "$1" 4)"); do visit "${dep}"; done
    echo "$1"
  }
  if (($#)); then
    for name in "$@"; do visit "${name}"; done
  else
    for name in $(kit_rows | awk '{ print $1 }'); do visit "${name}"; done
  fi
}

# Links the host tools (kind, helm, kubectl) into bin/.
kit_link_tools() {
  mkdir -p "${KIT_BIN}"
  local tool
  for tool in kind/kind helm/helm kubernetes/kubectl; do
    [[ -x "${KIT_OUT}/${tool}" ]] && ln -sf "${KIT_OUT}/${tool}" "${KIT_BIN}/$(basename "${tool}")"
  done
  return 0
}

kit_build_one() {
  local name="$1" index="$2" total="$3" recipe source images hash out log started
  recipe="$(kit_field "${name}" 3)"
  source="$(kit_field "${name}" 2)"
  images="$(kit_field "${name}" 5)"
  hash="$(kit_hash "${name}")"
  if kit_is_current "${name}"; then
    kit_note "[${index}/${total}] ${name}: cached (${hash})"
    return
  fi
  out="${KIT_OUT}/${name}"
  log="${KIT_LOGS}/${name}.log"
  rm -rf "${out}"
  mkdir -p "${out}" "${KIT_LOGS}"
  log "[${index}/${total}] ${name}: ${recipe} ${source} (log: ${log})"
  started=${SECONDS}
  # A background job and `wait`, so that errexit holds inside the recipe (a tested subshell would ignore it).
  local status=0
  ("recipe_${recipe//-/_}" "${name}" "${source}" "${out}" "${images}") >"${log}" 2>&1 &
  wait "$!" || status=$?
  if ((status != 0)); then
    tail -n 30 "${log}" >&2
    die "${name} failed after $(kit_duration $((SECONDS - started))) (exit code ${status}); its log: ${log}"
  fi
  echo "${hash}" >"$(kit_stamp "${name}")"
  kit_note "${name}: built in $(kit_duration $((SECONDS - started)))"
}

cmd_build() {
  local plan=() name index=0 started=${SECONDS}
  mapfile -t plan < <(kit_plan "$@")
  kit_engine_start
  for name in "${plan[@]}"; do
    index=$((index + 1))
    kit_build_one "${name}" "${index}" "${#plan[@]}"
  done
  kit_link_tools
  log "offline kit ready in $(kit_duration $((SECONDS - started))): $(du -sh "${FAULTLINE_KIT_CACHE}" | cut -f1) in ${FAULTLINE_KIT_CACHE}"
}

cmd_status() {
  local name
  for name in $(kit_plan); do
    if kit_is_current "${name}"; then
      printf '%-32s cached (%s)\n' "${name}" "$(kit_hash "${name}")"
    else
      printf '%-32s to build\n' "${name}"
    fi
  done
}

cmd_complete() {
  local name
  for name in $(kit_plan); do
    kit_is_current "${name}" || { echo "not built: ${name}"; return 1; }
  done
}

command="${1:-}"
[[ -n "${command}" ]] || { usage >&2; exit 2; }
shift
case "${command}" in
  build) cmd_build "$@" ;;
  status) kit_engine_find; kit_engine_answers || kit_note "no Docker engine answers: images count as missing"; cmd_status ;;
  complete) kit_engine_find; cmd_complete ;;
  engine)
    case "${1:-}" in
      start) kit_engine_start ;;
      stop) kit_engine_stop ;;
      *) usage >&2; exit 2 ;;
    esac
    ;;
  env) echo "export PATH=\"${KIT_BIN}:\${PATH}\"" ;;
  -h | --help) usage ;;
  *) usage >&2; die "unknown command: ${command}" ;;
esac
