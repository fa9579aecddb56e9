# syntax=docker/dockerfile:1
# Build: the dependency layer is built from the manifests alone, so it is
# cached until Cargo.toml/Cargo.lock change; the app layer rebuilds on edits.
FROM rust:1.95-bookworm AS build
WORKDIR /build
COPY Cargo.toml Cargo.lock ./
COPY migration/Cargo.toml migration/Cargo.toml
RUN mkdir -p src/bin migration/src tests \
 && echo 'fn main() {}' > src/bin/main.rs \
 && touch src/lib.rs migration/src/lib.rs tests/mod.rs \
 && cargo build --release --locked --bin healthcare_backend-cli \
 && rm -rf src migration/src tests
COPY src src
COPY migration/src migration/src
COPY tests tests
# Make cargo see the real sources as newer than the stub build.
RUN touch src/lib.rs src/bin/main.rs migration/src/lib.rs \
 && cargo build --release --locked --bin healthcare_backend-cli

# Run: the binary and config/ only, as an unprivileged user.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --no-create-home --home-dir /app app
WORKDIR /app
COPY --from=build /build/target/release/healthcare_backend-cli /app/healthcare_backend-cli
COPY config /app/config
USER app
ENV LOCO_ENV=production \
    PORT=8000
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${PORT}/api/health/live/" >/dev/null || exit 1
# Migrations run on start (database.auto_migrate in config/production.yaml).
# The same process sends the queued e-mails (README: Background jobs).
CMD ["/app/healthcare_backend-cli", "start", "--server-and-worker"]
