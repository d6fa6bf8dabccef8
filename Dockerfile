# Gate's container image: the GitHub action (action.yml runs it by digest) and the GitLab job
# image. Release workflows build and publish it; a runner never compiles Gate.
#
#   docker build --target runtime -t gate .        # the published image
#
# The build stage installs only what a Release build needs (scripts/install-deps.sh --release):
# no clang, GoogleTest or benchmark packages, and none of them reach the runtime stage.
ARG DEBIAN_IMAGE=debian:12-slim

FROM ${DEBIAN_IMAGE} AS build
COPY scripts/install-deps.sh /tmp/install-deps.sh
RUN bash /tmp/install-deps.sh --release && rm -rf /var/lib/apt/lists/*
COPY . /src
RUN cmake -S /src -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DGATE_TESTS=OFF \
      -DCMAKE_INSTALL_PREFIX=/usr \
 && ninja -C /build gate \
 && strip /build/gate

FROM ${DEBIAN_IMAGE} AS runtime
ARG GATE_VERSION=dev
LABEL org.opencontainers.image.title="Gate" \
      org.opencontainers.image.description="Compliance and audit gate for code, data and model changes" \
      org.opencontainers.image.source="https://github.com/gate-ci/gate" \
      org.opencontainers.image.version="${GATE_VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0"
# Runtime libraries only; git for the action's safe.directory and notes push, python3 for the
# approvals steps of the shipped CI examples.
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      ca-certificates git python3 libgit2-1.5 libssl3 libsqlite3-0 libyaml-cpp0.7 libspdlog1.10 \
      libfmt9 libre2-9 libvectorscan5 libzip4 libtomlplusplus3 libjemalloc2 libcurl4 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /build/gate /usr/local/bin/gate
COPY ci-examples/github/action-entrypoint.sh /usr/local/bin/gate-action
RUN chmod 0755 /usr/local/bin/gate-action && gate --version
ENTRYPOINT ["/usr/local/bin/gate-action"]
