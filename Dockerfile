# syntax=docker/dockerfile:1
# orgs-mock: the mock server on port 8080. Configure it with the environment variables of the README.

# Stage 1: production dependencies only, exactly as the lockfile says.
FROM node:20-alpine AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# Stage 2: the sources and those dependencies, run as the unprivileged node user.
FROM node:20-alpine
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json openapi.yaml ./
COPY bin ./bin
COPY src ./src
COPY fixtures ./fixtures
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/_mock/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "bin/orgs-mock.mjs", "serve"]
