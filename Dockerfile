# syntax=docker/dockerfile:1
# Build stage: install production dependencies from the lockfile.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# Final stage: sources and production dependencies only, run as the unprivileged node user.
FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json openapi.yaml ./
COPY bin ./bin
COPY src ./src
COPY fixtures ./fixtures
USER node
EXPOSE 8080
CMD ["node", "bin/orgs-mock.mjs", "serve"]
