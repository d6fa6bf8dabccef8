# Gate as a GitHub Docker container action (action.yml) and as a CI image for GitLab.
# Built from source on Debian 12 with the Debian packages of scripts/install-deps.sh.
FROM debian:12 AS build
COPY scripts/install-deps.sh /tmp/install-deps.sh
RUN bash /tmp/install-deps.sh
COPY . /src
RUN cmake -S /src -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DGATE_TESTS=OFF \
 && ninja -C /build gate

FROM debian:12
# Runtime libraries only (the -dev packages of the build stage pull these in).
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      ca-certificates git python3 libgit2-1.5 libssl3 libsqlite3-0 libyaml-cpp0.7 libspdlog1.10 \
      libfmt9 libre2-9 libvectorscan5 libzip4 libtomlplusplus3 libjemalloc2 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /build/gate /usr/local/bin/gate
COPY ci-examples/github/action-entrypoint.sh /usr/local/bin/gate-action
RUN chmod 0755 /usr/local/bin/gate-action && gate --version
ENTRYPOINT ["/usr/local/bin/gate-action"]
