# registry.k8s.io/kube-controller-manager as kubeadm's static pod runs it: the binary on PATH, nothing else.
FROM scratch
COPY kube-controller-manager /usr/local/bin/kube-controller-manager
ENV PATH=/usr/local/bin
ENTRYPOINT ["/usr/local/bin/kube-controller-manager"]
