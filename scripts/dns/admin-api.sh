# shellcheck shell=bash
# Shared by break-upstream.sh and fix-upstream.sh: calls to the dns-server's fault admin API.
# Needs curl and node. Reads DNS_ADMIN_URL (default http://127.0.0.1:8080) and ADMIN_TOKEN.

DNS_ADMIN_URL="${DNS_ADMIN_URL:-http://127.0.0.1:8080}"
DNS_ADMIN_URL="${DNS_ADMIN_URL%/}"

die() {
  echo "error: $*" >&2
  exit 1
}

require_tools() {
  command -v curl >/dev/null 2>&1 || die "curl is required"
  command -v node >/dev/null 2>&1 || die "node is required"
}

require_token() {
  if [[ -z "${ADMIN_TOKEN:-}" ]]; then
    echo "error: ADMIN_TOKEN is not set: export the dns-server's admin token (its ADMIN_TOKEN variable)" >&2
    exit 2
  fi
}

# admin_call METHOD PATH [JSON_BODY]: sets RESPONSE to the response body; exits with a clear message on
# failure. Not to be called in $(...): the exit must end the script, not a subshell.
RESPONSE=""
admin_call() {
  local method="$1" path="$2" body="${3:-}" out status
  out="$(mktemp)"
  local args=(-sS -o "$out" -w '%{http_code}' -X "$method" -H "Authorization: Bearer ${ADMIN_TOKEN}" --max-time 10)
  if [[ -n "$body" ]]; then args+=(-H 'content-type: application/json' --data "$body"); fi
  if ! status="$(curl "${args[@]}" "${DNS_ADMIN_URL}${path}" 2>"$out.err")"; then
    local reason
    reason="$(cat "$out.err")"
    rm -f "$out" "$out.err"
    die "cannot reach the dns-server admin API at ${DNS_ADMIN_URL}: ${reason#curl: } (set DNS_ADMIN_URL to its HTTP address)"
  fi
  local response
  response="$(cat "$out")"
  rm -f "$out" "$out.err"
  case "$status" in
    2??) RESPONSE="$response" ;;
    401) die "the dns-server at ${DNS_ADMIN_URL} rejected ADMIN_TOKEN (401 Unauthorized)" ;;
    404) die "no dns fault at ${DNS_ADMIN_URL}${path} (404): is this a dns-server, with ADMIN_TOKEN set? ${response}" ;;
    *) die "${method} ${DNS_ADMIN_URL}${path} answered ${status}: ${response}" ;;
  esac
}

# read_dns_fault: sets CURRENT to the dns fault's value as JSON ({} when off).
# shellcheck disable=SC2034 # CURRENT is read by the scripts that source this file
CURRENT=""
read_dns_fault() {
  admin_call GET /admin/faults/dns
  # shellcheck disable=SC2034
  CURRENT="$(BODY="$RESPONSE" node -e '
    const value = JSON.parse(process.env.BODY).value;
    process.stdout.write(JSON.stringify(value && typeof value === "object" ? value : {}));')" ||
    die "unexpected answer from ${DNS_ADMIN_URL}/admin/faults/dns: ${RESPONSE}"
}

# json_edit CURRENT_JSON NAME [SPEC_JSON]: CURRENT with NAME set to SPEC (or removed when SPEC is empty).
json_edit() {
  CURRENT="$1" NAME="$2" SPEC="${3:-}" node -e '
    const bare = (n) => n.toLowerCase().replace(/\.$/, "");
    const faults = JSON.parse(process.env.CURRENT);
    for (const key of Object.keys(faults)) if (bare(key) === bare(process.env.NAME)) delete faults[key];
    if (process.env.SPEC) faults[process.env.NAME] = JSON.parse(process.env.SPEC);
    process.stdout.write(JSON.stringify(faults));'
}
