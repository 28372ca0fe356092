#!/usr/bin/env bash
# Makes sure a RabbitMQ broker answers on 127.0.0.1:5672 (guest/guest), as the store's tests and the local lab
# expect: nothing is done when one already answers; otherwise Debian's rabbitmq-server is installed (as root,
# when missing) and started detached, and the script waits until the port answers.
set -euo pipefail

usage() {
  cat <<USAGE
Usage: $(basename "$0") [--timeout SECONDS]

  --timeout S   how long to wait for the broker after starting it (default 60)
  -h, --help    this help

Starts Debian's rabbitmq-server (rabbitmq-server -detached) when nothing answers on 127.0.0.1:5672.
Stop it again with: rabbitmqctl stop
USAGE
}

timeout=60
while (($#)); do
  case "$1" in
    --timeout) timeout="${2:?--timeout needs seconds}"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; echo "error: unknown argument: $1" >&2; exit 2 ;;
  esac
done
[[ "${timeout}" =~ ^[0-9]+$ ]] || { echo "error: --timeout must be a number of seconds" >&2; exit 2; }

answers() { (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null; }

if answers; then
  echo "RabbitMQ answers on 127.0.0.1:5672"
  exit 0
fi
if ! command -v rabbitmq-server >/dev/null 2>&1; then
  if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    echo "error: nothing answers on 127.0.0.1:5672 and rabbitmq-server is not installed;" \
      "install it (Debian: sudo apt-get install rabbitmq-server) or set RABBITMQ_URL to a broker" >&2
    exit 1
  fi
  echo "installing Debian's rabbitmq-server"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends rabbitmq-server >/dev/null
fi
echo "starting rabbitmq-server (detached)"
rabbitmq-server -detached
deadline=$((SECONDS + timeout))
until answers; do
  if ((SECONDS >= deadline)); then
    echo "error: rabbitmq-server did not answer on 127.0.0.1:5672 within ${timeout}s (see /var/log/rabbitmq/)" >&2
    exit 1
  fi
  sleep 1
done
echo "RabbitMQ answers on 127.0.0.1:5672"
