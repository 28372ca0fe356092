# Zipkin for the chart where openzipkin/zipkin cannot be pulled: Maven Central's zipkin-server exec jar on
# Debian's Java runtime, the same port (9411), JAVA_OPTS and STORAGE_TYPE as the official image.
FROM faultline-kit/debian:trixie
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-21-jre-headless \
 && rm -rf /var/lib/apt/lists/*
COPY app.jar /zipkin/zipkin.jar
USER 1000:1000
EXPOSE 9411
ENTRYPOINT ["sh", "-c", "exec java ${JAVA_OPTS:-} -jar /zipkin/zipkin.jar"]
