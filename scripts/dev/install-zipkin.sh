#!/usr/bin/env bash
# Puts the local lab's trace UI in the local Maven repository: Maven Central's zipkin-server exec jar (the
# Zipkin server with its Lens UI), fetched by `mvn dependency:get`. `faultline up` runs it on the machine's
# Java when it is there. Nothing is fetched when the jar is already cached; without mvn or java this says so
# in one line and exits 0 (the lab then runs without its trace UI).
set -euo pipefail
# shellcheck source=scripts/dev/install-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/install-lib.sh"

ZIPKIN_VERSION=3.5.1
ARTIFACT="io.zipkin:zipkin-server:${ZIPKIN_VERSION}:jar:exec"
repo="${HOME}/.m2/repository"

usage() {
  cat <<USAGE
Usage: $(basename "$0") [--print-path]

  --print-path  print where the jar is (or would be) cached, and do nothing else
  -h, --help    this help

Fetches ${ARTIFACT} from Maven Central with:
  mvn -q dependency:get -Dtransitive=false -Dartifact=${ARTIFACT}
(about 130 MB, once) into ${repo}. It runs on Java 17 or newer.
USAGE
}

jar="${repo}/io/zipkin/zipkin-server/${ZIPKIN_VERSION}/zipkin-server-${ZIPKIN_VERSION}-exec.jar"
read_install_options "${jar}" "$@"

if [[ -f "${jar}" ]]; then
  echo "zipkin-server ${ZIPKIN_VERSION} is cached: ${jar}"
  exit 0
fi
for tool in mvn java; do
  if ! command -v "${tool}" >/dev/null 2>&1; then
    echo "skipped: ${tool} is missing (Debian: apt-get install maven openjdk-17-jre-headless); the lab runs without its trace UI"
    exit 0
  fi
done

echo "fetching ${ARTIFACT} from Maven Central"
mvn -q dependency:get -Dtransitive=false "-Dartifact=${ARTIFACT}"
[[ -f "${jar}" ]] || { echo "error: Maven did not leave ${jar}" >&2; exit 1; }
echo "zipkin-server ${ZIPKIN_VERSION} is cached: ${jar}"
