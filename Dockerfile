# The weave GitHub App in a container (README: "Running the App" → Run in Docker).
#   docker build -t weave-app .
#   docker run --env-file .env -p 3000:3000 -v weave-cache:/var/cache/weave weave-app
# Stage 1 builds the package exactly as `npm pack` does; stage 2 installs that package with production dependencies
# only, as a non-root user. test/ship/dockerfile.test.ts runs these RUN/COPY steps in temp dirs and boots the result.

FROM node:22-bookworm-slim AS build
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm pack --silent && tar -xzf weave-plan-*.tgz && cp package-lock.json package/

FROM node:22-bookworm-slim
# git >= 2.38 for `git merge-tree --write-tree` (bookworm ships 2.39); tini forwards signals and reaps git processes.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates tini \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/cache/weave && chown node:node /var/cache/weave
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 WEAVE_CACHE_DIR=/var/cache/weave
WORKDIR /app
COPY --from=build /build/package/ ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
USER node
VOLUME ["/var/cache/weave"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/src/github/main.js"]
