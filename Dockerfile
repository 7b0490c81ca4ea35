# syntax=docker/dockerfile:1
# Taquilla's images, in stages: the build has the dev dependencies (Vite, TypeScript), the app image
# has only the production ones, the compiled server and the built front end, and runs as `node`.
#   docker build -t taquilla .                         the app (the last stage)
#   docker build --target nginx -t taquilla-nginx .    nginx with deploy/nginx's configuration and the built assets
# deploy/compose.yaml builds and runs both; deploy/README.md says how.
ARG NODE_IMAGE=node:24-bookworm-slim

# ---- build: the front end (sealed, precompressed) and the server compiled to JavaScript -------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:web && npx tsc -p tsconfig.build.json

# ---- the production dependencies alone ---------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# ---- nginx: the first wall, serving the hashed assets itself ----------------------------------
FROM nginx:1.28 AS nginx
COPY deploy/nginx/compose.conf /etc/nginx/nginx.conf
COPY deploy/nginx/errors /usr/share/taquilla/errors
COPY --from=build /app/web/dist/assets /usr/share/taquilla/web/assets
EXPOSE 8080 8081

# ---- the app -------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    PAYMENT_PORT=3001 \
    TAQUILLA_DATA_DIR=/app/data
WORKDIR /app
COPY package.json package-lock.json ./
COPY --from=runtime-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
COPY security ./security
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000 3001
# Readiness (database, Redis, migrations, not draining): what compose waits for before nginx starts.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health/ready',{signal:AbortSignal.timeout(2500)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/src/server.js"]
