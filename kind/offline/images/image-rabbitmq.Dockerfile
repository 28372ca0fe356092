# RabbitMQ for the chart where rabbitmq:4.1-alpine cannot be pulled: Debian's rabbitmq-server under the same
# contract - uid/gid 999, rabbitmq_prometheus on 15692, RABBITMQ_DEFAULT_USER/PASS honoured, logs to stdout,
# nothing written outside /var/lib/rabbitmq, /var/log/rabbitmq and /tmp (readOnlyRootFilesystem).
FROM faultline-kit/debian:trixie
RUN groupadd --system --gid 999 rabbitmq \
 && useradd --system --uid 999 --gid rabbitmq --home-dir /var/lib/rabbitmq --shell /usr/sbin/nologin rabbitmq \
 && apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends rabbitmq-server \
 && rm -rf /var/lib/apt/lists/* /var/lib/rabbitmq/* \
 && rabbitmq-plugins enable --offline rabbitmq_prometheus
COPY rabbitmq-entrypoint /usr/local/bin/rabbitmq-entrypoint
USER 999:999
EXPOSE 4369 5672 15692
ENTRYPOINT ["/usr/local/bin/rabbitmq-entrypoint"]
