# syntax=docker/dockerfile:1
#
# Razem API image.
#   docker build -t razem .
#   docker run --rm -p 8080:8080 -e RAZEM_ENV=production \
#     -e RAZEM_JWT_SECRET=... -e DATABASE_URL=postgres://... razem
# Without DATABASE_URL the container serves from an embedded SQLite file in
# /app/data (mount a volume there to keep it).

# ---- build -------------------------------------------------------------
FROM rust:1-bookworm AS builder

RUN apt-get update \
 && apt-get install -y --no-install-recommends libssl-dev libsqlite3-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin razem \
 && cp target/release/razem /usr/local/bin/razem

# ---- runtime -----------------------------------------------------------
FROM debian:bookworm-slim AS runtime

RUN apt-get update \
 && apt-get install -y --no-install-recommends libssl3 libsqlite3-0 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system razem \
 && useradd --system --gid razem --home-dir /app --shell /usr/sbin/nologin razem \
 && mkdir -p /app/data \
 && chown -R razem:razem /app

COPY --from=builder /usr/local/bin/razem /usr/local/bin/razem

WORKDIR /app
USER razem

ENV RAZEM_BIND=0.0.0.0:8080 \
    RUST_LOG=info

EXPOSE 8080

ENTRYPOINT ["razem"]
CMD ["serve"]
