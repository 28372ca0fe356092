#!/usr/bin/env bash
# Shared settings and helpers of the offline cluster kit. Sourced, not run.

KIT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${KIT_DIR}/../.." && pwd)"
export KIT_DIR REPO_ROOT
# Everything the kit builds lives here (host tools in bin/, build outputs in out/<component>/); images live in
# the Docker engine. Kept between runs: a second run rebuilds only components whose hash changed.
: "${FAULTLINE_KIT_CACHE:=${XDG_CACHE_HOME:-${HOME}/.cache}/faultline/offline-kit}"
KIT_BIN="${FAULTLINE_KIT_CACHE}/bin"
KIT_OUT="${FAULTLINE_KIT_CACHE}/out"
KIT_LOGS="${FAULTLINE_KIT_CACHE}/logs"
export FAULTLINE_KIT_CACHE KIT_BIN KIT_OUT KIT_LOGS
# The Docker engine the kit starts when none answers (its own socket and state, so a user's engine is untouched).
: "${KIT_DOCKER_ROOT:=/var/lib/faultline-kit/docker}"
: "${KIT_DOCKER_EXEC_ROOT:=/run/faultline-kit/docker}"
: "${KIT_DOCKER_SOCKET:=/run/faultline-kit/docker.sock}"
KIT_COMPONENTS="${KIT_DIR}/components.tsv"

# log, warn and die as the cluster scripts print them; kit_note for an indented detail line.
# shellcheck source=scripts/cluster/lib.sh
source "${REPO_ROOT}/scripts/cluster/lib.sh"
kit_note() { printf '    %s\n' "$*" >&2; }

# Go builds: the local toolchain only, static binaries, no VCS stamping, modules through the module proxy.
kit_go_env() {
  export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-buildvcs=false
}

# The rows of components.tsv: "name source recipe needs image" per line, comments and blanks left out.
kit_rows() {
  grep -v '^[[:space:]]*\(#\|$\)' "${KIT_COMPONENTS}" | tr -s ' \t' ' '
}

# kit_field NAME COLUMN: one column (1 name, 2 source, 3 recipe, 4 needs, 5 image) of a component's row.
kit_field() {
  local row
  row="$(kit_rows | awk -v n="$1" '$1 == n')"
  [[ -n "${row}" ]] || die "no component named $1 in ${KIT_COMPONENTS}"
  awk -v c="$2" '{ print $c }' <<<"${row}"
}

# A list column ("a,b" or "-") as one item per line.
kit_list() {
  [[ "$1" == - ]] || tr ',' '\n' <<<"$1"
}

# Every component's content hash: its row, its recipe's code, its Dockerfile (if any), and the hashes of what it
# needs. Anything else changing leaves the cached build in place. Computed once, in table order (what a component
# needs comes before it, a test checks), after recipes.sh is sourced.
declare -gA KIT_HASHES=()
kit_compute_hashes() {
  local name recipe dep
  for name in $(kit_rows | awk '{ print $1 }'); do
    recipe="$(kit_field "${name}" 3)"
    KIT_HASHES[${name}]="$(
      {
        kit_rows | awk -v n="${name}" '$1 == n'
        declare -f "recipe_${recipe//-/_}"
        [[ -f "${KIT_DIR}/images/${name}.Dockerfile" ]] && cat "${KIT_DIR}/images/${name}.Dockerfile"
        [[ -d "${KIT_DIR}/images/${name}" ]] && find "${KIT_DIR}/images/${name}" -type f -print0 | sort -z | xargs -0 cat
        for dep in $(kit_list "$(kit_field "${name}" 4)"); do
          echo "${KIT_HASHES[${dep}]}"
        done
      } | sha256sum | cut -c1-16
    )"
  done
}

kit_hash() {
  ((${#KIT_HASHES[@]})) || kit_compute_hashes
  echo "${KIT_HASHES[$1]:?no component named $1}"
}

kit_stamp() { echo "${KIT_OUT}/$1/.kit-hash"; }

# Whether the component's cached build matches its hash (and its images are in the engine).
kit_is_current() {
  local name="$1" image
  [[ -f "$(kit_stamp "${name}")" && "$(cat "$(kit_stamp "${name}")")" == "$(kit_hash "${name}")" ]] || return 1
  for image in $(kit_list "$(kit_field "${name}" 5)"); do
    docker image inspect "${image}" >/dev/null 2>&1 || return 1
  done
}

# Formats seconds as "1m05s".
kit_duration() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

# The kit's tools come first on PATH. Its builds use BuildKit (secret mounts); a docker client without the
# buildx plugin (e.g. a standalone CLI) cannot, so Debian's docker client, which has BuildKit built in, is
# linked into bin/ in its place when it is there.
kit_docker_client() {
  mkdir -p "${KIT_BIN}"
  if [[ ! -e "${KIT_BIN}/docker" ]] && ! docker buildx version >/dev/null 2>&1 && [[ -x /usr/bin/docker ]]; then
    ln -sf /usr/bin/docker "${KIT_BIN}/docker"
    hash -r
  fi
}
export PATH="${KIT_BIN}:${PATH}"
export DOCKER_BUILDKIT=1
