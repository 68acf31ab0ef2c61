# syntax=docker/dockerfile:1
# Schakel in a container: one image for `schakel serve`, `schakel worker`,
# `schakel migrate` and the admin and audit commands.
#
#   docker build -t schakel:0.1.0 .
#   docker run --rm schakel:0.1.0 --version
#
# Built with Rust on Debian bookworm, run on debian:bookworm-slim as the unprivileged
# user `schakel` (uid 10001). The migrations are embedded in the binary at build time
# (diesel_migrations::embed_migrations!), so the image holds the binary and the
# run-time libraries only. Configuration comes from SCHAKEL_* variables and secret files
# (see deploy/compose.yaml and docs/operations.md); nothing secret is baked in.

# The locked dependencies need Rust 1.95 (parking_lot 0.13).
ARG RUST_VERSION=1.95
ARG DEBIAN_RELEASE=bookworm

FROM rust:${RUST_VERSION}-${DEBIAN_RELEASE} AS build
# The client libraries the binary links: libpq (PostgreSQL) and libsqlite3.
RUN apt-get update \
 && apt-get install -y --no-install-recommends pkg-config libpq-dev libsqlite3-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# rust-toolchain.toml is left out by .dockerignore: the image's toolchain builds it.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --package schakel-server --bin schakel \
 && install -D -m 0755 target/release/schakel /out/schakel \
 && strip /out/schakel

FROM debian:${DEBIAN_RELEASE}-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq5 libsqlite3-0 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 schakel \
 && useradd --system --uid 10001 --gid schakel --home-dir /var/lib/schakel \
      --shell /usr/sbin/nologin schakel \
 && install -d -o schakel -g schakel -m 0700 /var/lib/schakel
COPY --from=build /out/schakel /usr/local/bin/schakel

USER schakel:schakel
# The working folder: with no configuration, SQLite under ./data/ and mail as files.
WORKDIR /var/lib/schakel
VOLUME ["/var/lib/schakel"]
# Inside a container the listener must not be loopback only.
ENV SCHAKEL_HTTP__BIND=0.0.0.0:8080
EXPOSE 8080
# /readyz without curl in the image: bash's /dev/tcp. (Turn it off for `worker`, which
# serves no HTTP.)
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /readyz HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
# Schakel handles SIGTERM itself (drains requests, then exits 0), also as PID 1.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/schakel"]
CMD ["serve"]

LABEL org.opencontainers.image.title="Schakel" \
      org.opencontainers.image.description="Cross-agency case referral against human trafficking" \
      org.opencontainers.image.licenses="EUPL-1.2"
