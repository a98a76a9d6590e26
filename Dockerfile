# The sidewatch sidecar image: docker build -t sidewatch:0.1.0 .
# Build stage: Maven and a JDK compile and package target/sidewatch.jar (tests run in CI, not here).
FROM maven:3.9.11-eclipse-temurin-25 AS build
WORKDIR /src
COPY pom.xml .
# dependencies in their own layer, so a source change does not download them again
RUN mvn -B -ntp -q dependency:go-offline
COPY src ./src
RUN mvn -B -ntp -q package -DskipTests

# Runtime stage: a JRE only, no build tools, no shell tools needed (the health check is the jar itself).
FROM eclipse-temurin:25.0.3_9-jre-noble
WORKDIR /opt/sidewatch
COPY --from=build /src/target/sidewatch.jar sidewatch.jar
COPY deploy/jvm.options deploy/jvm.options
# A JDK 25 AOT cache (JEP 483/514/515: classes loaded and linked ahead of time, with method profiles), made
# by a training run on this very image, jar and flags, as the JVM requires: sidewatch normalises the
# captured logs of examples/logs from stdin and exports them to a closed port. Halves start-up (to
# /readyz 1.16 -> 0.63 s, CPU 1.36 -> 0.81 s; docs/performance.md) for ~3 MiB more RSS. A JVM that
# cannot use the cache (other flags) says so on stderr and starts without it.
COPY deploy/aot-training.yaml deploy/aot-training.yaml
COPY examples/logs/ /tmp/aot-training/
RUN cat /tmp/aot-training/*.log \
      | java @deploy/jvm.options -XX:AOTCacheOutput=sidewatch.aot -jar sidewatch.jar run --stdin --config deploy/aot-training.yaml > /dev/null \
    && rm -rf /tmp/aot-training /tmp/sidewatch-aot-training
# the disk buffer and file checkpoints (buffer.dir); mount a volume here to keep them across containers
RUN mkdir -p /var/lib/sidewatch && chown 10001:10001 /var/lib/sidewatch
ENV SIDEWATCH_BUFFER__DIR=/var/lib/sidewatch
# at most 2 glibc malloc arenas instead of 8 per core: bounds the native memory outside the JVM's own
# accounting, for no measurable cost (docs/performance.md)
ENV MALLOC_ARENA_MAX=2
VOLUME /var/lib/sidewatch
# non-root, numeric so that runAsNonRoot can verify it
USER 10001:10001
# admin (/metrics, /healthz, /readyz); ingest stays on 127.0.0.1 (4318 HTTP, 5170 TCP) for the service
# in the same network namespace (compose network_mode: service:..., a Kubernetes pod)
EXPOSE 9464
# no curl in the image: `sidewatch health` asks /healthz (admin.listen, or SIDEWATCH_ADMIN__LISTEN) and exits 0 or 1
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
  CMD ["java", "@deploy/jvm.options", "-XX:AOTCache=sidewatch.aot", "-jar", "sidewatch.jar", "health"]
ENTRYPOINT ["java", "@deploy/jvm.options", "-XX:AOTCache=sidewatch.aot", "-jar", "sidewatch.jar"]
CMD ["run"]
