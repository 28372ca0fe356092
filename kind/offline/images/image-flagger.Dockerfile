# ghcr.io/fluxcd/flagger: Flagger built from its module (recipe_flagger). Its chart runs `./flagger` from / and
# probes it with `wget --spider` (an exec probe), so the image has Debian's wget; the chart runs it as uid 10001.
FROM faultline-kit/debian:trixie
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ca-certificates wget \
 && rm -rf /var/lib/apt/lists/*
COPY flagger /flagger
WORKDIR /
USER nobody
ENTRYPOINT ["./flagger"]
