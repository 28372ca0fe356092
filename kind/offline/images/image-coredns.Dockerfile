# registry.k8s.io/coredns/coredns: kubeadm's Deployment passes only args (-conf /etc/coredns/Corefile).
FROM scratch
COPY coredns /coredns
EXPOSE 53 53/udp
ENTRYPOINT ["/coredns"]
