#!/usr/bin/env bash
# How each kind of component in components.tsv is built: one function per recipe, called as
#   recipe_<recipe> NAME SOURCE OUT IMAGES
# with OUT an empty folder for its files and IMAGES the image names it must leave in the Docker engine
# (comma-separated, or "-"). Sourced, not run.

# The module's source folder in the module cache (downloaded through the module proxy).
go_module_dir() {
  go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p'
}

# A writable copy of a module's source whose own go.mod builds on its own: go.work removed, every replace
# directive pointing into the module dropped, and the replaced modules required at STAGING_VERSION instead.
go_module_copy() {
  local module="$1" dest="$2" staging_version="${3:-}" path
  rm -rf "${dest}"
  mkdir -p "$(dirname "${dest}")"
  cp -r "$(go_module_dir "${module}")" "${dest}"
  chmod -R u+w "${dest}"
  rm -f "${dest}/go.work" "${dest}/go.work.sum"
  (
    cd "${dest}" || exit 1
    # "replace X => ./dir" or "X => ../dir" (in a replace block): the modules that point into the source tree.
    awk '$1 == "replace" { $1 = ""; $0 = $0 } $2 == "=>" && $3 ~ /^\.\.?\// { print $1 }' go.mod >../replaced-modules
    while read -r path; do
      go mod edit -dropreplace="${path}"
      if [[ -n "${staging_version}" ]]; then go mod edit -require="${path}@${staging_version}"; fi
    done <../replaced-modules
    rm -f ../replaced-modules
  )
}

# go:MODULE/PATH@VERSION -> `go install` of that main package; the binary is OUT/<its name>.
recipe_go_install() {
  local source="${2#go:}" out="$3"
  kit_go_env
  GOBIN="${out}" go install -trimpath -ldflags '-s -w' "${source}"
}

# helm (go:helm.sh/helm/v3/cmd/helm@VERSION) -> OUT/helm: the build of scripts/dev/install-helm.sh, which reads its
# version from this table's helm row, so the kit, the chart tests and scripts/cluster run one helm. Built once into
# the project's tool cache (version- and Kubernetes-stamped as helm's Makefile does) and copied here.
recipe_helm() {
  local out="$3"
  kit_go_env
  bash "${REPO_ROOT}/scripts/dev/install-helm.sh"
  cp "$(bash "${REPO_ROOT}/scripts/dev/install-helm.sh" --print-path)" "${out}/helm"
}

# go:MODULE@VERSION whose main package is the module root and whose go.mod has replace directives into the
# module (go install refuses those): built from a copy of its source, as OUT/<component name>.
recipe_go_module() {
  local name="$1" source="${2#go:}" out="$3" src
  kit_go_env
  src="${FAULTLINE_KIT_CACHE}/src/${name}"
  go_module_copy "${source}" "${src}"
  (cd "${src}" && GOFLAGS=-mod=mod go build -trimpath -ldflags '-s -w' -o "${out}/${name}" .)
  rm -rf "${src}"
}

# go:MODULE@VERSION whose main package is its cmd/<component name> and whose go.mod has replace directives (go
# install refuses those): built from a copy of its source, as OUT/<component name> (Traefik).
recipe_go_module_cmd() {
  local name="$1" source="${2#go:}" out="$3" src
  kit_go_env
  src="${FAULTLINE_KIT_CACHE}/src/${name}"
  go_module_copy "${source}" "${src}"
  (cd "${src}" && GOFLAGS="${GOFLAGS} -mod=mod" go build -trimpath -ldflags '-s -w' -o "${out}/${name}" "./cmd/${name}")
  rm -rf "${src}"
}

# go:github.com/fluxcd/flagger@vX.Y.Z -> OUT/flagger (its cmd/flagger, as recipe_go_module_cmd builds it) and OUT/chart,
# the module's Helm chart (charts/flagger, with Flagger's CRDs). The proxy lists only an older release (it still uses
# Traefik's removed traefik.containo.us API); this one resolves when named.
recipe_flagger() {
  local source="${2#go:}" out="$3"
  recipe_go_module_cmd "$@"
  cp -r "$(go_module_dir "${source}")/charts/flagger" "${out}/chart"
  chmod -R u+w "${out}/chart"
}

# files:MODULE@VERSION/DIR -> that folder of the module's source as OUT/<its base name> (the Gateway API CRDs).
recipe_module_files() {
  local source="${2#files:}" out="$3" module version dir
  module="${source%%@*}"
  version="${source#*@}"
  dir="${version#*/}"
  version="${version%%/*}"
  kit_go_env
  cp -r "$(go_module_dir "${module}@${version}")/${dir}" "${out}/$(basename "${dir}")"
  chmod -R u+w "${out}"
}

# go:k8s.io/kubernetes@vX.Y.Z -> kubeadm, kubelet, kubectl, the control plane and kube-proxy, version-stamped
# as a release build is (kubeadm picks its image tags from that version).
recipe_kubernetes() {
  local source="${2#go:}" out="$3" version src stamp binary
  version="${source##*@}"
  kit_go_env
  src="${FAULTLINE_KIT_CACHE}/src/kubernetes"
  # The staging modules (k8s.io/api, client-go, ...) are published as v0.Y.Z for Kubernetes v1.Y.Z.
  go_module_copy "${source}" "${src}" "v0${version#v1}"
  stamp=""
  for binary in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    stamp+=" -X ${binary}.gitVersion=${version} -X ${binary}.gitMajor=1 -X ${binary}.gitMinor=$(cut -d. -f2 <<<"${version}")"
    stamp+=" -X ${binary}.gitTreeState=clean -X ${binary}.buildDate=1970-01-01T00:00:00Z"
  done
  (
    cd "${src}" || exit 1
    GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w${stamp}" -o "${out}/" \
      ./cmd/kubeadm ./cmd/kubelet ./cmd/kubectl ./cmd/kube-apiserver ./cmd/kube-controller-manager \
      ./cmd/kube-scheduler ./cmd/kube-proxy
  )
  rm -rf "${src}"
}

# go:github.com/cilium/cilium@vX.Y.Z -> Cilium's node side, from a copy of the module's source (go.work removed): in
# OUT/bin the agent, cilium-dbg, cilium-health and its responder, the CNI plugin, cilium-mount, cilium-sysctlfix and
# hubble, version-stamped; in OUT/bpf the datapath's C sources (each agent compiles them for its node); in OUT/scripts
# the image's init and CNI install scripts; in OUT/chart and OUT/crds the module's Helm chart and CRDs. The module
# requires a gobgp pseudo-version the proxy does not serve: the release after it (v4.7.0) builds. The operator is not
# built (a dependency's zip is refused); the chart runs without it (kind/offline/cilium.values.yaml) and the CRDs it
# would register are applied from OUT/crds.
recipe_cilium() {
  local name="$1" source="${2#go:}" out="$3" version src package
  version="${source##*@v}"
  kit_go_env
  src="${FAULTLINE_KIT_CACHE}/src/${name}"
  go_module_copy "${source}" "${src}"
  mkdir -p "${out}/bin" "${out}/scripts"
  (
    cd "${src}" || exit 1
    go mod edit -require=github.com/osrg/gobgp/v4@v4.7.0
    for package in daemon:cilium-agent cilium-dbg:cilium-dbg cilium-health:cilium-health \
      cilium-health/responder:cilium-health-responder plugins/cilium-cni:cilium-cni tools/mount:cilium-mount \
      tools/sysctlfix:cilium-sysctlfix hubble:hubble; do
      GOFLAGS="${GOFLAGS} -mod=mod" go build -trimpath -tags osusergo \
        -ldflags "-s -w -X github.com/cilium/cilium/pkg/version.ciliumVersion=${version}" \
        -o "${out}/bin/${package#*:}" "./${package%%:*}"
    done
  )
  cp -r "${src}/bpf" "${out}/bpf"
  cp "${src}/images/cilium/init-container.sh" "${src}/plugins/cilium-cni/install-plugin.sh" \
    "${src}/plugins/cilium-cni/cni-uninstall.sh" "${out}/scripts/"
  cp -r "${src}/install/kubernetes/cilium" "${out}/chart"
  cp -r "${src}/pkg/k8s/apis/cilium.io/client/crds" "${out}/crds"
  rm -rf "${src}"
}

# c:MODULE@VERSION/FILE -> a static binary OUT/<component name> from that C file of the module.
recipe_gcc_static() {
  local name="$1" source="${2#c:}" out="$3" module file dir
  module="${source%%/build/*}"
  file="${source#"${module}"/}"
  dir="$(go_module_dir "${module}")"
  gcc -Os -static -DVERSION="kit" -o "${out}/${name}" "${dir}/${file}"
  strip "${out}/${name}"
}

# deb:SUITE -> a minimal Debian root file system from Debian's mirror, imported as the component's image.
recipe_debootstrap() {
  local suite="${2#deb:}" out="$3" image="$4" rootfs
  command -v debootstrap >/dev/null || die "debootstrap is missing (apt-get install debootstrap)"
  rootfs="${FAULTLINE_KIT_CACHE}/src/rootfs-${suite}"
  rm -rf "${rootfs}"
  debootstrap --variant=minbase "${suite}" "${rootfs}" "${KIT_DEBIAN_MIRROR:-http://deb.debian.org/debian}" \
    >"${out}/debootstrap.log"
  rm -rf "${rootfs}"/var/cache/apt/archives/*.deb "${rootfs}"/var/lib/apt/lists/*
  tar -C "${rootfs}" -c . | docker import --change 'CMD ["bash"]' - "${image}" >/dev/null
  rm -rf "${rootfs}"
}

# An image from images/NAME.Dockerfile; the build context holds the binaries of what it needs (out/<need>/*).
kit_docker_build() {
  local name="$1" images="$2" context="$3" tags=() image
  for image in $(kit_list "${images}"); do tags+=(--tag "${image}"); done
  docker build --quiet --file "${KIT_DIR}/images/${name}.Dockerfile" "${tags[@]}" "${context}" >/dev/null
}

# The build context of images/NAME.Dockerfile: each COMPONENT:FILE (or folder) of SOURCE whose component it needs
# (out/COMPONENT/FILE), plus the files of images/NAME/.
kit_context() {
  local name="$1" source="$2" context="$3" needs item
  needs=",$(kit_field "${name}" 4),"
  mkdir -p "${context}"
  for item in $(kit_list "${source}"); do
    [[ "${needs}" == *",${item%%:*},"* ]] && cp -r "${KIT_OUT}/${item%%:*}/${item#*:}" "${context}/"
  done
  if [[ -d "${KIT_DIR}/images/${name}" ]]; then cp -r "${KIT_DIR}/images/${name}/." "${context}/"; fi
}

# COMPONENT:BINARY -> a FROM scratch image holding that one static binary (images/NAME.Dockerfile says where).
recipe_binary_image() {
  local name="$1" out="$3" images="$4"
  kit_context "${name}" "$2" "${out}/context"
  kit_docker_build "${name}" "${images}" "${out}/context"
  rm -rf "${out}/context"
}

# An image on the kit's Debian (images/NAME.Dockerfile), with the binaries of what it needs in its context.
recipe_debian_image() {
  recipe_binary_image "$@"
}

# npm:PKG@V,PKG@V -> the packages' tarballs from the npm registry in the build context of images/NAME.Dockerfile.
recipe_npm_image() {
  local name="$1" source="${2#npm:}" out="$3" images="$4" package
  kit_context "${name}" "$2" "${out}/context"
  for package in $(kit_list "${source}"); do
    (cd "${out}/context" && npm pack --silent "${package}" >/dev/null)
  done
  kit_docker_build "${name}" "${images}" "${out}/context"
  rm -rf "${out}/context"
}

# maven:GROUP:ARTIFACT:VERSION:CLASSIFIER -> that jar from Maven Central in the build context, as app.jar.
recipe_maven_image() {
  local name="$1" source="${2#maven:}" out="$3" images="$4" group artifact version classifier jar
  IFS=: read -r group artifact version classifier <<<"${source}"
  kit_context "${name}" "$2" "${out}/context"
  mvn -q dependency:get -Dtransitive=false "-Dartifact=${group}:${artifact}:${version}:jar:${classifier}"
  jar="${HOME}/.m2/repository/${group//.//}/${artifact}/${version}/${artifact}-${version}-${classifier}.jar"
  [[ -f "${jar}" ]] || die "Maven did not leave ${jar}"
  cp "${jar}" "${out}/context/app.jar"
  kit_docker_build "${name}" "${images}" "${out}/context"
  rm -rf "${out}/context"
}

# go:sigs.k8s.io/kind@V -> kind's base image on the kit's Debian: kind's own images/base/files from that module,
# Debian's containerd, runc and CNI plugins in place of the ones kind compiles, crictl from the kit.
recipe_kind_base() {
  local name="$1" source="${2#go:}" out="$3" images="$4"
  kit_context "${name}" "crictl:crictl" "${out}/context"
  cp -r "$(go_module_dir "${source}")/images/base/files" "${out}/context/files"
  chmod -R u+w "${out}/context/files"
  kit_docker_build "${name}" "${images}" "${out}/context"
  rm -rf "${out}/context"
}

# kind:node-image -> what `kind build node-image` makes, by kind's own steps (it cannot run offline: its
# tarball builder pulls every image but the first of an archive): the Kubernetes binaries in /usr/bin,
# /kind/version, kind's default CNI and storage manifests, and every image the node runs imported into its
# containerd (pinned, not unpacked); then committed with kind's entrypoint.
recipe_node_image() {
  local name="$1" out="$3" image="$4" base container dep binary manifests version
  base="$(kit_field base 5)"
  version="$(kit_field kubernetes 2)"
  version="${version##*@}"
  container="faultline-kit-node-build"
  docker rm -f "${container}" >/dev/null 2>&1 || true
  docker run -d --name "${container}" --entrypoint sleep --security-opt seccomp=unconfined "${base}" infinity >/dev/null
  trap 'docker rm -f "${container}" >/dev/null 2>&1 || true' RETURN
  for binary in kubeadm kubelet kubectl; do
    docker cp "${KIT_OUT}/kubernetes/${binary}" "${container}:/usr/bin/${binary}"
    docker exec "${container}" chown root:root "/usr/bin/${binary}"
  done
  docker exec "${container}" sh -c "mkdir -p /kind/manifests && echo ${version} > /kind/version"
  manifests="${out}/manifests"
  kind_manifests "${manifests}"
  docker cp "${manifests}/default-cni.yaml" "${container}:/kind/manifests/default-cni.yaml"
  docker cp "${manifests}/default-storage.yaml" "${container}:/kind/manifests/default-storage.yaml"
  docker exec "${container}" bash -c 'nohup containerd >/tmp/containerd.log 2>&1 &'
  docker exec "${container}" bash -c 'for _ in $(seq 60); do ctr version >/dev/null 2>&1 && exit 0; sleep 1; done; exit 1'
  for dep in $(kit_list "$(kit_field "${name}" 4)"); do
    [[ "${dep}" == image-* ]] || continue
    # shellcheck disable=SC2046 # one image name per word
    docker save $(kit_list "$(kit_field "${dep}" 5)") |
      docker exec -i "${container}" ctr --namespace=k8s.io images import --label=io.cri-containerd.pinned=pinned \
        --all-platforms --no-unpack --digests -
  done
  docker exec "${container}" ctr --namespace=k8s.io images list -q
  docker exec "${container}" pkill containerd
  # Stopped once it no longer answers (it stays a zombie under `sleep`, which reaps nothing).
  docker exec "${container}" bash -c 'for _ in $(seq 30); do ctr version >/dev/null 2>&1 || exit 0; sleep 1; done; exit 1'
  docker exec "${container}" rm -f /tmp/containerd.log
  docker commit --change 'ENTRYPOINT [ "/usr/local/bin/entrypoint", "/sbin/init" ]' \
    --change 'ENV HTTP_PROXY="" HTTPS_PROXY="" NO_PROXY=""' "${container}" "${image}" >/dev/null
}

# kind's default CNI and storage manifests, as the kind module defines them (Go constants of its node-image
# builder), written to DIR/default-cni.yaml and DIR/default-storage.yaml.
kind_manifests() {
  local dir="$1" kind_source program
  kind_source="$(kit_field kind 2)"
  kind_source="${kind_source#go:}"
  program="$(mktemp -d)"
  cp "$(go_module_dir "${kind_source}")"/pkg/build/nodeimage/const_{cni,storage}.go "${program}/"
  chmod u+w "${program}"/*.go
  sed -i 's/^package nodeimage$/package main/' "${program}"/*.go
  cat >"${program}/main.go" <<'GO'
package main

import (
	"os"
	"path/filepath"
)

func main() {
	dir := os.Args[1]
	_ = defaultCNIImages
	_ = defaultStorageImages
	if err := os.WriteFile(filepath.Join(dir, "default-cni.yaml"), []byte(defaultCNIManifest), 0o644); err != nil {
		panic(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "default-storage.yaml"), []byte(defaultStorageManifest), 0o644); err != nil {
		panic(err)
	}
}
GO
  printf 'module kindmanifests\n\ngo 1.22\n' >"${program}/go.mod"
  mkdir -p "${dir}"
  (cd "${program}" && go run . "${dir}")
  rm -rf "${program}"
}
