# Prometheus for the chart where prom/prometheus cannot be pulled: Debian's prometheus, the same entrypoint
# contract (the chart passes --config.file, --storage.tsdb.path and the rest as args).
FROM faultline-kit/debian:trixie
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus \
 && rm -rf /var/lib/apt/lists/* \
 && prometheus --version
USER 65534:65534
EXPOSE 9090
ENTRYPOINT ["/usr/bin/prometheus"]
