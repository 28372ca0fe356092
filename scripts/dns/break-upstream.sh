#!/usr/bin/env bash
# Breaks the upstream DNS for one name, as the seed's update-dns-configuration.sh breaks dnsmasq:
# switches the upstream dns-server's `dns` fault for the name (default myexternalserver.com, action drop).
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: break-upstream.sh [--name NAME] [--action drop|servfail|nxdomain|refused|delay] [--delay-ms N]

Switches the upstream dns-server's `dns` fault for NAME through its admin API, keeping the faults set
for other names. Default: myexternalserver.com, drop (the server receives the queries and never replies).

Environment:
  DNS_ADMIN_URL  the upstream dns-server's HTTP address (default http://127.0.0.1:8080)
  ADMIN_TOKEN    its admin bearer token (required)

Undo with fix-upstream.sh.
USAGE
}

# shellcheck source=scripts/dns/admin-api.sh
source "$(dirname "${BASH_SOURCE[0]}")/admin-api.sh"

name="myexternalserver.com"
action="drop"
delay_ms=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --name) name="${2:?--name needs a value}"; shift 2 ;;
    --action) action="${2:?--action needs a value}"; shift 2 ;;
    --delay-ms) delay_ms="${2:?--delay-ms needs a value}"; shift 2 ;;
    *) echo "error: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
case "$action" in
  drop | servfail | nxdomain | refused | delay) ;;
  *) echo "error: --action must be one of drop, servfail, nxdomain, refused, delay (got: $action)" >&2; exit 2 ;;
esac
if [[ -n "$delay_ms" && ! "$delay_ms" =~ ^[0-9]+$ ]]; then
  echo "error: --delay-ms must be a whole number of milliseconds (got: $delay_ms)" >&2
  exit 2
fi
if [[ "$action" == "delay" && -z "$delay_ms" ]]; then delay_ms=2000; fi

require_tools
require_token
spec="{\"action\":\"${action}\"${delay_ms:+,\"delayMs\":${delay_ms}}}"
read_dns_fault
updated="$(json_edit "$CURRENT" "$name" "$spec")"
admin_call PUT /admin/faults/dns "$updated" >/dev/null
echo "upstream DNS at ${DNS_ADMIN_URL}: ${name} -> ${action}${delay_ms:+ (${delay_ms} ms)}; dns fault now ${updated}"
