# syntax=docker/dockerfile:1
# orgs-mock: the mock server on port 8080. Configure it with the environment variables of the README.
# Node 26 is the active LTS line (since 2026-10-28); the package itself supports Node 20 and later.

# Stage 1: the build. Only what it needs, exactly as the lockfile says: the dependencies, TypeScript, esbuild
# and the type packages (scripts/lock-subset.mjs cuts package.json and the lockfile to those; no test tooling,
# no Node binary), then tsc and esbuild to dist/.
# --ignore-scripts: nothing the build needs runs at install, and Scarf (Swagger UI's analytics) stays silent.
# Behind a TLS-inspecting proxy, give its CA as a build secret (--secret id=npm-ca,src=ca.pem): npm trusts
# it during the install, and no layer keeps it.
FROM node:26-alpine AS build
ENV SCARF_ANALYTICS=false
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/lock-subset.mjs ./scripts/
RUN --mount=type=secret,id=npm-ca \
    if [ -f /run/secrets/npm-ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm-ca; fi; \
    node scripts/lock-subset.mjs --build && npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN node scripts/build.mjs

# Stage 2: production dependencies only.
FROM node:26-alpine AS deps
ENV SCARF_ANALYTICS=false
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=npm-ca \
    if [ -f /run/secrets/npm-ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm-ca; fi; \
    npm ci --omit=dev --no-audit --no-fund --ignore-scripts

# Stage 3: the build and those dependencies, run as the unprivileged node user. Nothing is compiled at start.
FROM node:26-alpine
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 SCARF_ANALYTICS=false
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json openapi.yaml ./
COPY fixtures ./fixtures
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/_mock/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "dist/bin/orgs-mock.js", "serve"]
