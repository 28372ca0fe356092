#!/usr/bin/env bash
# Makes the cluster's CoreDNS forward the lab's external zone (myexternalserver.com) to the dns-server
# Service, as a custom DNS server is configured for one domain: a server block appended to the Corefile of
# kube-system/coredns between "# faultline begin/end" markers, and a `log` line in the main block (marked
# "# faultline") so every query is evidence. Idempotent: CoreDNS is restarted only when the Corefile changed.
set -euo pipefail
# shellcheck source=scripts/cluster/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<USAGE
Usage: $(basename "$0") [--ip ADDRESS] [--name CLUSTER] [--remove]

  --ip ADDRESS    where to forward (default: the dns-server Service's ClusterIP in namespace
                  ${FAULTLINE_NAMESPACE} if it exists, else ${DNS_SERVER_IP}, the address kind/values.yaml pins)
  --name CLUSTER  kind cluster (default ${CLUSTER_NAME})
  --remove        take the block out again
  -h, --help      this help

The block (port 53 of the dns-server Service):
  ${EXTERNAL_ZONE}:53 {
      errors
      log
      prometheus :9153
      forward . ADDRESS:53
  }
USAGE
}

ip=""
remove=false
while (($#)); do
  case "$1" in
    --ip) ip="${2:?--ip needs an address}"; shift 2 ;;
    --name) CLUSTER_NAME="${2:?--name needs a cluster name}"; shift 2 ;;
    --remove) remove=true; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
require_tools kubectl

if [[ -z "${ip}" ]]; then
  ip="$(kc -n "${FAULTLINE_NAMESPACE}" get service dns-server -o jsonpath='{.spec.clusterIP}' 2>/dev/null || true)"
  ip="${ip:-${DNS_SERVER_IP}}"
fi
[[ "${ip}" =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "not an IPv4 address: ${ip}"

current="$(kc -n kube-system get configmap coredns -o jsonpath='{.data.Corefile}')"
[[ -n "${current}" ]] || die "kube-system/coredns has no Corefile"
# The Corefile without what an earlier run added: the forward block and the main block's `log` line.
base="$(printf '%s\n' "${current}" | sed -e '/^# faultline begin$/,/^# faultline end$/d' -e '/^    log # faultline$/d')"
if [[ "${remove}" == true ]]; then
  wanted="${base}"
else
  # The main block logs its queries too: the search expansions of a short name (answered NXDOMAIN by the
  # kubernetes plugin) are DNS evidence as much as the forwarded zone's queries.
  add_log=1
  if printf '%s\n' "${base}" | awk '/^\.:53 \{$/,/^\}$/' | grep -qE '^[[:space:]]+log([[:space:]]|$)'; then add_log=0; fi
  wanted="$(printf '%s\n' "${base}" | awk -v add="${add_log}" '{ print } add && /^\.:53 \{$/ { print "    log # faultline" }')"
  wanted="$(printf '%s\n# faultline begin\n%s:53 {\n    errors\n    log\n    prometheus :9153\n    forward . %s:53\n}\n# faultline end\n' \
    "${wanted}" "${EXTERNAL_ZONE}" "${ip}")"
fi

if [[ "${wanted}" == "${current}" ]]; then
  log "CoreDNS already forwards as wanted (${EXTERNAL_ZONE} -> ${ip}:53); nothing to do"
  exit 0
fi

tmp="$(mktemp)"
trap 'rm -f "${tmp}"' EXIT
printf '%s\n' "${wanted}" >"${tmp}"
log "patching kube-system/coredns: ${EXTERNAL_ZONE} -> ${ip}:53"
kc -n kube-system create configmap coredns --from-file=Corefile="${tmp}" --dry-run=client -o yaml |
  kc apply --server-side --force-conflicts --field-manager=faultline -f -
kc -n kube-system rollout restart deployment/coredns
kc -n kube-system rollout status deployment/coredns --timeout=3m
