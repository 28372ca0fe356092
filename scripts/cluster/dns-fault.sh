#!/usr/bin/env bash
# Breaks or fixes the lab's upstream DNS on the cluster at run time, through the dns-server's admin API
# (reached with kubectl port-forward): `break` makes it stop answering myexternalserver.com (seed 000's
# broken dnsmasq), `fix` restores it, `status` shows the active faults.
set -euo pipefail
# shellcheck source=scripts/cluster/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<USAGE
Usage: $(basename "$0") break|fix|status [--action ACTION] [--delay-ms MS] [--host NAME] [--name CLUSTER]

  break           switch the dns fault on for NAME
  fix             switch it off
  status          print the dns-server's active faults
  --action A      drop (no reply; default), servfail, nxdomain, refused or delay
  --delay-ms MS   with --action delay (default 500)
  --host NAME     the name to break (default ${EXTERNAL_ZONE})
  --name CLUSTER  kind cluster (default ${CLUSTER_NAME})
  --port PORT     local port for the port-forward (default 18053)

The same break as a values change: helm/faultline/scenarios/dns-upstream-failure.yaml.
USAGE
}

command="${1:-}"
[[ -n "${command}" ]] || { usage >&2; exit 2; }
shift
action=drop
delay_ms=500
host="${EXTERNAL_ZONE}"
local_port=18053
while (($#)); do
  case "$1" in
    --action) action="${2:?--action needs a value}"; shift 2 ;;
    --delay-ms) delay_ms="${2:?--delay-ms needs a number}"; shift 2 ;;
    --host) host="${2:?--host needs a name}"; shift 2 ;;
    --name) CLUSTER_NAME="${2:?--name needs a cluster name}"; shift 2 ;;
    --port) local_port="${2:?--port needs a number}"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
case "${command}" in
  break | fix | status) ;;
  -h | --help) usage; exit 0 ;;
  *) usage >&2; die "unknown command: ${command}" ;;
esac
case "${action}" in
  drop | servfail | nxdomain | refused | delay) ;;
  *) die "--action must be drop, servfail, nxdomain, refused or delay" ;;
esac
[[ "${delay_ms}" =~ ^[0-9]+$ ]] || die "--delay-ms must be a number of milliseconds"
require_tools kubectl curl

token="$(kc -n "${FAULTLINE_NAMESPACE}" get secret faultline-admin -o jsonpath='{.data.token}' | base64 -d)"
[[ -n "${token}" ]] || die "no admin token in secret ${FAULTLINE_NAMESPACE}/faultline-admin (is the lab installed?)"

# kubectl itself in the background (a function's subshell would leave kubectl running when killed).
kubectl --context "$(kube_context)" -n "${FAULTLINE_NAMESPACE}" port-forward service/dns-server "${local_port}:8080" >/dev/null &
forward_pid=$!
trap 'kill "${forward_pid}" 2>/dev/null || true' EXIT
base="http://127.0.0.1:${local_port}"
admin() {
  curl --silent --show-error --fail-with-body --max-time 10 \
    -H "Authorization: Bearer ${token}" -H 'content-type: application/json' "$@"
}
retry_for 30 curl --silent --output /dev/null --max-time 2 "${base}/healthz" ||
  die "the port-forward to service/dns-server did not come up on ${base}"

case "${command}" in
  break)
    if [[ "${action}" == delay ]]; then
      spec="{\"${host}\":{\"action\":\"delay\",\"delayMs\":${delay_ms}}}"
    else
      spec="{\"${host}\":{\"action\":\"${action}\"}}"
    fi
    log "dns-server: ${host} -> ${action}"
    admin -X PUT --data "${spec}" "${base}/admin/faults/dns"
    ;;
  fix)
    log "dns-server: clearing the dns fault"
    admin -X DELETE "${base}/admin/faults/dns"
    ;;
  status)
    admin "${base}/admin/faults"
    ;;
esac
echo
