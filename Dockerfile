# One image recipe for every faultline service: `docker build --build-arg APP=<app> -t faultline/<app>:<tag> .`
# No `# syntax=` line: the engine's built-in Dockerfile frontend is used, so no frontend image is pulled.
# Behind a TLS-inspecting proxy, hand npm the proxy's CA bundle: `--secret id=ca-certificates,src=<bundle.crt>`.
# Stage 1 bundles the app with esbuild (dev dependencies needed); stage 2 holds only production
# dependencies, the app's bundle and its tracing preload, and runs as an unprivileged user.

ARG NODE_IMAGE=node:22-alpine

FROM ${NODE_IMAGE} AS build
WORKDIR /src
# Dependencies first: this layer is shared by every app's build.
COPY package.json package-lock.json ./
COPY e2e/package.json e2e/package.json
RUN --mount=type=secret,id=ca-certificates \
    if [ -f /run/secrets/ca-certificates ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca-certificates; fi \
 && npm ci --no-audit --no-fund
COPY tsconfig.base.json ./
COPY tools/build-app.mjs tools/build-app.mjs
COPY libs libs
COPY apps apps
ARG APP
RUN test -n "${APP}" || { echo "build with --build-arg APP=<app> (one of: $(ls apps | tr '\n' ' '))" >&2; exit 1; } \
 && node tools/build-app.mjs "${APP}"

FROM ${NODE_IMAGE} AS production-deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY e2e/package.json e2e/package.json
# Root production dependencies only: no dev tools, no workspace packages, no install scripts.
RUN --mount=type=secret,id=ca-certificates \
    if [ -f /run/secrets/ca-certificates ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca-certificates; fi \
 && npm ci --omit=dev --workspaces=false --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ARG APP
ENV NODE_ENV=production \
    APP=${APP} \
    HOST=0.0.0.0
WORKDIR /app
COPY --from=production-deps --chown=0:0 /app/node_modules ./node_modules
COPY --from=production-deps --chown=0:0 /app/package.json ./package.json
COPY --from=build --chown=0:0 /src/dist/apps/${APP} ./dist/apps/${APP}
# Files stay owned by root and read-only to the process; the process runs as the image's `node` user (uid 1000).
USER 1000:1000
# Shell form so $APP expands; `exec` makes node PID 1, so SIGTERM reaches the service's graceful shutdown.
CMD exec node --require ./dist/apps/$APP/tracing.js dist/apps/$APP/main.js
