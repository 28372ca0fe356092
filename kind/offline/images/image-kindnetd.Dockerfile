# Stands in for docker.io/kindest/kindnetd (whose module is not served): the same DaemonSet contract - writes
# the node's CNI config for its podCIDR (ptp + host-local + portmap) and routes other nodes' podCIDRs.
FROM faultline-kit/debian:trixie
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends iproute2 iptables \
 && rm -rf /var/lib/apt/lists/*
COPY kubectl /usr/local/bin/kubectl
COPY kindnetd /bin/kindnetd
ENTRYPOINT ["/bin/kindnetd"]
