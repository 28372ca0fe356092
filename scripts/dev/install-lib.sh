# shellcheck shell=bash
# Sourced by the install-*.sh scripts: the project's tool cache and the options they share.

# Where install-k6.sh and install-ig.sh put their binaries; the harness looks there first, then on PATH.
# shellcheck disable=SC2034 # used by the scripts that source this file
TOOLS_BIN="${FAULTLINE_TOOLS_BIN:-${XDG_CACHE_HOME:-${HOME}/.cache}/faultline/bin}"

# Reads the shared options: --print-path (prints $1, where the tool is or would be, and exits) and -h/--help
# (the sourcing script's usage function). Call as: read_install_options WHERE "$@".
read_install_options() {
  local where="$1" print_path=false
  shift
  while (($#)); do
    case "$1" in
      --print-path) print_path=true; shift ;;
      -h | --help) usage; exit 0 ;;
      *) usage >&2; echo "error: unknown argument: $1" >&2; exit 2 ;;
    esac
  done
  if [[ "${print_path}" == true ]]; then
    echo "${where}"
    exit 0
  fi
}
