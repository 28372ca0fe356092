# registry.k8s.io/etcd as kubeadm's static pod runs it (command: etcd ...): the server binary on PATH.
FROM scratch
COPY etcd /usr/local/bin/etcd
ENV PATH=/usr/local/bin
ENTRYPOINT ["/usr/local/bin/etcd"]
