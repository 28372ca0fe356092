# The kind target's probe pod (podRequest: `kubectl exec ... curl`) where curlimages/curl cannot be pulled.
FROM faultline-kit/debian:trixie
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends curl ca-certificates \
 && rm -rf /var/lib/apt/lists/*
CMD ["curl", "--version"]
