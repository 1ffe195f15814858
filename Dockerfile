# syntax=docker/dockerfile:1
#
# dntme-gateway image: build with Maven on a JDK, run on a JRE as a non-root user.
# The PyTorch natives (inside the jar's pytorch-native-cpu dependency) are extracted here, at build
# time, into /opt/djl, so a container starts without unpacking them and can run with a read-only
# root filesystem.
#
#   docker build -t dntme-gateway .
#   docker run -p 8080:8080 -v dntme-data:/data dntme-gateway

ARG MAVEN_IMAGE=maven:3.9-eclipse-temurin-17
ARG RUNTIME_IMAGE=eclipse-temurin:17-jre

############################################################ build
FROM ${MAVEN_IMAGE} AS build
WORKDIR /src

# The Maven repository is a BuildKit cache mount: a rebuild does not download dependencies again.
COPY pom.xml .
COPY src/main src/main
COPY models models
RUN --mount=type=cache,target=/root/.m2 mvn -B -DskipTests package \
 && mkdir -p /app \
 && cp target/dntme-gateway-*.jar /app/app.jar

# Unpack the Spring Boot jar's libraries and start DJL's PyTorch engine once against them: DJL
# extracts the natives from pytorch-native-cpu into $ENGINE_CACHE_DIR/pytorch/<version>-cpu-linux-x86_64
# and the warm-up checks one tensor operation. Offline: DJL makes no network call.
# DJL creates that directory owner-only (0700, root here): without the chmod the runtime user cannot
# read it, DJL then tries to extract again into root-owned /opt/djl and the cloak engine never loads
# (found by ops/container/smoke.sh). Readable by everyone, writable by root only.
ENV DJL_CACHE_DIR=/opt/djl \
    ENGINE_CACHE_DIR=/opt/djl \
    DJL_OFFLINE=true \
    OMP_WAIT_POLICY=PASSIVE
COPY ops/docker/DjlWarmup.java /tmp/warmup/DjlWarmup.java
RUN mkdir -p /tmp/boot && cd /tmp/boot \
 && jar xf /app/app.jar BOOT-INF/lib \
 && java -Dai.djl.offline=true -cp '/tmp/boot/BOOT-INF/lib/*' /tmp/warmup/DjlWarmup.java \
 && test -n "$(find /opt/djl/pytorch -name 'libtorch.so' -print -quit)" \
 && chmod -R a+rX /opt/djl \
 && rm -rf /tmp/boot /tmp/warmup

############################################################ runtime
FROM ${RUNTIME_IMAGE}

# curl for the HEALTHCHECK only.
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/*

ARG APP_UID=10001
RUN groupadd --system --gid ${APP_UID} dntme \
 && useradd --system --uid ${APP_UID} --gid dntme --home-dir /app --shell /usr/sbin/nologin dntme \
 && mkdir -p /data \
 && chown dntme:dntme /data

# The extracted natives stay owned by root: the service only reads them.
COPY --from=build /opt/djl /opt/djl
COPY --from=build /app/app.jar /app/app.jar

# DJL_CACHE_DIR / ENGINE_CACHE_DIR: where DJL finds the natives extracted at build time.
# DJL_OFFLINE: no usage reporting (the application also sets ai.djl.offline in main).
# OMP_WAIT_POLICY=PASSIVE: idle OpenMP threads sleep instead of spinning on shared cores.
# MaxRAMPercentage leaves room outside the heap: PyTorch's tensors live in native memory, which -Xmx
# does not bound. The processor count is the container's CPU limit as the JVM detects it (not forced);
# the cloak worker pool sizes itself from it.
ENV DJL_CACHE_DIR=/opt/djl \
    ENGINE_CACHE_DIR=/opt/djl \
    DJL_OFFLINE=true \
    OMP_WAIT_POLICY=PASSIVE \
    DNTME_DATA_DIR=/data \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true -Djava.io.tmpdir=/tmp"

USER dntme:dntme
WORKDIR /app
VOLUME ["/data"]
EXPOSE 8080

# Liveness only: readiness (models warm, storage and database reachable) is for the orchestrator to
# route on, a restart would not fix it. start-period covers the model warm-up.
HEALTHCHECK --interval=15s --timeout=3s --start-period=120s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/actuator/health/liveness || exit 1

# Exec form: java is PID 1 and gets SIGTERM, so server.shutdown=graceful finishes requests in flight.
ENTRYPOINT ["java", "-jar", "/app/app.jar"]
