# syntax=docker/dockerfile:1
# Podd API image: Node 24 LTS on Debian slim. Two stages: the build stage has the compilers for the native
# modules (better-sqlite3, bcrypt) and the dev dependencies; the runtime stage has only node, tini, the
# compiled app and its production dependencies, owned by root and run as an unprivileged user.
#
#   docker build -t podd:1.0.0 .
#   docker run --read-only --tmpfs /tmp -v podd-data:/data -e JWT_SECRET=… -p 8000:8000 podd:1.0.0
#
# Docker does not run on our machines: scripts/verify-image-recipe.sh performs the same steps outside a
# container and starts the result (CI runs it). Keep the two in step.
# Bases are pinned by exact version and Debian release (the apt pins below are that release's versions).
# Digests could not be resolved where this file is maintained (no registry access): for bit-for-bit
# reproducible builds, append @sha256:… from your registry mirror. Debian drops superseded package versions
# from its mirrors after a point release: when an apt pin stops resolving, take the new version from
# `apt-cache policy <package>` on the same release and update it here. `hadolint Dockerfile` runs in CI
# (scripts/check-deploy.sh).
#
# The build stage is pinned to Node 24.18.1 on purpose: from 24.19.0 on, node_object_wrap.h inlines an
# environment cleanup hook into every addon compiled with it, and better-sqlite3 12's Statement destructor
# then calls node::RemoveEnvironmentCleanupHook from GC, where Node aborts the process on
# `(env) != nullptr` (nodejs/node#65446). Compiled against 24.18.1 headers the addon has no such call and
# runs on the newer 24.x runtime below (same ABI). Unpin when Node ships the fix or better-sqlite3 13
# (Node-API) is adopted; scripts/verify-image-recipe.sh fails if the compiled addon has the call.
ARG NODE_BUILD_IMAGE=node:24.18.1-bookworm-slim
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

FROM ${NODE_BUILD_IMAGE} AS build
# pipefail: a failing command on the left of a pipe fails the step (hadolint DL4006).
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3=3.11.2-1+b1 make=4.3-4.1 g++=4:12.2.0-3 \
 && rm -rf /var/lib/apt/lists/*
# better-sqlite3 compiles from source (no prebuilt download: its headers are unknown) against this image's
# own headers (/usr/local/include/node).
ENV npm_config_nodedir=/usr/local \
    npm_config_build_from_source=better-sqlite3
WORKDIR /app
COPY package.json package-lock.json ./
# All dependencies (the TypeScript compiler is a dev dependency); native modules compile here.
# The addon check fails loudly when the file is missing or unreadable (nm's output is taken whole first:
# `nm | grep -q` would hide a missing file, and under pipefail grep's early exit could hide a match).
RUN npm ci --no-audit --no-fund \
 && addon=node_modules/better-sqlite3/build/Release/better_sqlite3.node \
 && if [ ! -f "$addon" ]; then echo "$addon is missing: better-sqlite3 did not compile" >&2; exit 1; fi \
 && symbols="$(nm -D "$addon")" \
 && case "$symbols" in *RemoveEnvironmentCleanupHook*) \
      echo "better-sqlite3 built against Node >= 24.19 headers: it would abort under GC (see above)" >&2; exit 1;; \
    esac
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# Compile, then drop the dev dependencies (the compiled native modules stay).
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# tini as PID 1: forwards SIGTERM/SIGINT to node (graceful shutdown) and reaps zombies. Orchestrators must
# set only the arguments (Kubernetes `args:`, never `command:`, which would replace this ENTRYPOINT).
# npm and corepack are not needed at run time: removed to shrink the image and its attack surface.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini=0.19.0-1+b3 \
 && rm -rf /var/lib/apt/lists/* \
 && rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
           /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
 && groupadd --system --gid 10001 podd \
 && useradd --system --uid 10001 --gid 10001 --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin podd \
 && mkdir -p /data \
 && chown 10001:10001 /data \
 && chmod 0750 /data
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    DATA_DIR=/data
WORKDIR /app
# Root-owned and read-only for the app user: nothing is written under /app at run time
# (the image runs `node dist/main.js` directly, never `npm start`, which may build).
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER 10001:10001
VOLUME ["/data"]
EXPOSE 8000
# Liveness only (no dependency checks); curl is not in the slim image, node's fetch is.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/health/live',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/main.js"]
