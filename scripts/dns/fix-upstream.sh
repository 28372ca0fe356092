#!/usr/bin/env bash
# Fixes what break-upstream.sh broke, as the seed's fix-dns-configuration.sh does: removes the
# upstream dns-server's `dns` fault for one name (default myexternalserver.com), keeping the others.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: fix-upstream.sh [--name NAME] [--all]

Removes NAME (default myexternalserver.com) from the upstream dns-server's `dns` fault through its
admin API; --all clears the dns fault for every name.

Environment:
  DNS_ADMIN_URL  the upstream dns-server's HTTP address (default http://127.0.0.1:8080)
  ADMIN_TOKEN    its admin bearer token (required)
USAGE
}

# shellcheck source=scripts/dns/admin-api.sh
source "$(dirname "${BASH_SOURCE[0]}")/admin-api.sh"

name="myexternalserver.com"
all=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --name) name="${2:?--name needs a value}"; shift 2 ;;
    --all) all=true; shift ;;
    *) echo "error: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done

require_tools
require_token
if [[ "$all" == true ]]; then
  admin_call DELETE /admin/faults/dns >/dev/null
  echo "upstream DNS at ${DNS_ADMIN_URL}: dns fault cleared for every name"
  exit 0
fi
read_dns_fault
updated="$(json_edit "$CURRENT" "$name")"
if [[ "$updated" == "{}" ]]; then
  admin_call DELETE /admin/faults/dns >/dev/null
else
  admin_call PUT /admin/faults/dns "$updated" >/dev/null
fi
echo "upstream DNS at ${DNS_ADMIN_URL}: ${name} answers normally again; dns fault now ${updated}"
