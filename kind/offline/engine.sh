#!/usr/bin/env bash
# The Docker engine the kit uses: the one that answers (DOCKER_HOST or the default socket), else Debian's
# dockerd started by the kit on its own socket and data folder, and stopped by it again. Sourced, not run.

KIT_DOCKERD_PIDFILE="${KIT_DOCKER_EXEC_ROOT}/dockerd.pid"

kit_engine_answers() { docker info >/dev/null 2>&1; }

# Whether this host's capability bounding set holds CAP_SYS_RESOURCE (bit 24), which --privileged asks for.
kit_host_has_sys_resource() {
  local bounding
  bounding="$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)"
  (((0x${bounding} >> 24) & 1))
}

# Points DOCKER_HOST at the kit's own engine when no other answers and the kit's socket is there.
kit_engine_find() {
  kit_docker_client
  if [[ -z "${DOCKER_HOST:-}" ]] && ! kit_engine_answers && [[ -S "${KIT_DOCKER_SOCKET}" ]]; then
    export DOCKER_HOST="unix://${KIT_DOCKER_SOCKET}"
  fi
  return 0
}

kit_engine_start() {
  kit_engine_find
  if kit_engine_answers; then
    kit_note "Docker engine: $(docker version --format '{{.Server.Version}}') at ${DOCKER_HOST:-the default socket}"
    return
  fi
  [[ "$(id -u)" == 0 ]] || die "no Docker engine answers, and starting one needs root (or start yours and set DOCKER_HOST)"
  command -v dockerd >/dev/null || die "no Docker engine answers and dockerd is missing (Debian: apt-get install docker.io)"
  local runtime=()
  if kit_host_has_sys_resource; then
    kit_note "this host grants CAP_SYS_RESOURCE: containers run with runc as it is"
  else
    kit_note "this host's capability bounding set lacks CAP_SYS_RESOURCE: privileged containers run through kind/offline/runc-without-sys-resource"
    runtime=(--add-runtime "kit-runc=${KIT_DIR}/runc-without-sys-resource" --default-runtime kit-runc)
  fi
  mkdir -p "${KIT_DOCKER_ROOT}" "${KIT_DOCKER_EXEC_ROOT}" "${KIT_LOGS}"
  log "starting dockerd (socket ${KIT_DOCKER_SOCKET}, data ${KIT_DOCKER_ROOT}, log ${KIT_LOGS}/dockerd.log)"
  setsid dockerd --host "unix://${KIT_DOCKER_SOCKET}" --data-root "${KIT_DOCKER_ROOT}" \
    --exec-root "${KIT_DOCKER_EXEC_ROOT}" --pidfile "${KIT_DOCKERD_PIDFILE}" "${runtime[@]}" \
    >>"${KIT_LOGS}/dockerd.log" 2>&1 </dev/null &
  export DOCKER_HOST="unix://${KIT_DOCKER_SOCKET}"
  local deadline=$((SECONDS + 60))
  until kit_engine_answers; do
    ((SECONDS < deadline)) || { tail -n 20 "${KIT_LOGS}/dockerd.log" >&2; die "dockerd did not answer within 60s"; }
    sleep 1
  done
  kit_note "dockerd $(docker version --format '{{.Server.Version}}') answers (pid $(cat "${KIT_DOCKERD_PIDFILE}"))"
}

# Stops the dockerd this kit started (its pid file), and waits until it is gone. Any other engine is left alone.
kit_engine_stop() {
  [[ -f "${KIT_DOCKERD_PIDFILE}" ]] || { kit_note "the kit started no dockerd; nothing to stop"; return 0; }
  local pid deadline=$((SECONDS + 60))
  pid="$(cat "${KIT_DOCKERD_PIDFILE}")"
  if kill -0 "${pid}" 2>/dev/null; then
    log "stopping dockerd (pid ${pid})"
    kill -TERM "${pid}"
    while kill -0 "${pid}" 2>/dev/null; do
      ((SECONDS < deadline)) || { kill -KILL "${pid}" 2>/dev/null || true; break; }
      sleep 1
    done
  fi
  rm -f "${KIT_DOCKERD_PIDFILE}"
}
