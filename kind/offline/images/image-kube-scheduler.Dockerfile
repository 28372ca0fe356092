# registry.k8s.io/kube-scheduler as kubeadm's static pod runs it: the binary on PATH, nothing else.
FROM scratch
COPY kube-scheduler /usr/local/bin/kube-scheduler
ENV PATH=/usr/local/bin
ENTRYPOINT ["/usr/local/bin/kube-scheduler"]
