# registry.k8s.io/kube-apiserver as kubeadm's static pod runs it: the binary on PATH, nothing else.
FROM scratch
COPY kube-apiserver /usr/local/bin/kube-apiserver
ENV PATH=/usr/local/bin
ENTRYPOINT ["/usr/local/bin/kube-apiserver"]
