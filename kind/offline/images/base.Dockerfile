# kind's base image (sigs.k8s.io/kind images/base) on the kit's debootstrapped Debian: kind's own files from the
# kind module, and Debian's containerd, runc and CNI plugins where kind compiles its own.
FROM faultline-kit/debian:trixie
COPY files/usr/local/bin/ /usr/local/bin/
# Packages first: kind's /etc files then replace the packages' own (containerd's config.toml among them).
RUN chmod 0755 /usr/local/bin/* \
 && echo "Installing Packages ..." \
 && DEBIAN_FRONTEND=noninteractive clean-install \
      systemd conntrack iptables nftables iproute2 ethtool util-linux mount kmod libseccomp2 pigz \
      e2fsprogs bash ca-certificates curl jq procps \
      containerd runc containernetworking-plugins \
 && find /lib/systemd/system/sysinit.target.wants/ -name "systemd-tmpfiles-setup.service" -delete \
 && rm -f /lib/systemd/system/multi-user.target.wants/* \
 && rm -f /etc/systemd/system/*.wants/* \
 && rm -f /lib/systemd/system/local-fs.target.wants/* \
 && rm -f /lib/systemd/system/sockets.target.wants/*udev* \
 && rm -f /lib/systemd/system/sockets.target.wants/*initctl* \
 && rm -f /lib/systemd/system/basic.target.wants/* \
 && echo "ReadKMsg=no" >> /etc/systemd/journald.conf \
 && ln -sf /usr/lib/systemd/systemd /sbin/init
COPY files/kind/ /kind/
COPY files/etc/ /etc/
COPY crictl /usr/local/bin/crictl
# Where kind's units and scripts look for them: containerd in /usr/local/bin, CNI plugins in /opt/cni/bin.
RUN chmod 0755 /usr/local/bin/* /kind /kind/bin /kind/bin/* \
 && ln -s /usr/bin/containerd /usr/bin/containerd-shim-runc-v2 /usr/bin/ctr /usr/local/bin/ \
 && mkdir -p /opt/cni/bin && ln -s /usr/lib/cni/* /opt/cni/bin/ \
 && ctr oci spec \
    | jq '.hooks.createContainer[.hooks.createContainer | length] |= . + {"path": "/kind/bin/mount-product-files.sh"}' \
    | jq 'del(.process.rlimits)' > /etc/containerd/cri-base.json \
 # No CAP_SYS_RESOURCE on hosts like this one: containers may not lower their OOM score below the node's.
 && sed -i 's/restrict_oom_score_adj = false/restrict_oom_score_adj = true/' /etc/containerd/config.toml \
 && containerd --version && runc --version
RUN systemctl enable kubelet.service containerd.service undo-mount-hacks.service \
 && systemctl mask systemd-binfmt.service \
 && mkdir -p /etc/kubernetes/manifests
ENV container=docker
STOPSIGNAL SIGRTMIN+3
ENTRYPOINT [ "/usr/local/bin/entrypoint", "/sbin/init" ]
