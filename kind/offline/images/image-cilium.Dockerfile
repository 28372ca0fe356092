# Stands in for quay.io/cilium/cilium (whose build image cannot be pulled): the same binaries, built from the
# cilium module by the kit, on Debian with what the agent runs: clang and llvm (it compiles its BPF programs on
# each node), bpftool, iproute2, iptables and ipset, and the CNI loopback plugin it installs on the node.
FROM faultline-kit/debian:trixie
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends iproute2 iptables ipset kmod \
    ca-certificates libatomic1 clang llvm bpftool jq containernetworking-plugins \
 && rm -rf /var/lib/apt/lists/*
COPY bin/ /usr/bin/
COPY bpf/ /var/lib/cilium/bpf/
COPY scripts/ /
RUN chmod 0755 /init-container.sh /install-plugin.sh /cni-uninstall.sh \
 && mkdir -p /cni /opt/cni/bin \
 && ln -s /usr/lib/cni/loopback /cni/loopback \
 && ln -s /usr/bin/cilium-cni /opt/cni/bin/cilium-cni
ENV HUBBLE_SERVER=unix:///var/run/cilium/hubble.sock INITSYSTEM=SYSTEMD
WORKDIR /home/cilium
CMD ["/usr/bin/cilium-dbg"]
