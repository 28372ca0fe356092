# registry.k8s.io/pause: the sandbox process of every pod.
FROM scratch
COPY pause /pause
USER 65535:65535
ENTRYPOINT ["/pause"]
