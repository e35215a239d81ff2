# The rollout worker as a container: `docker compose up -d` runs it as the worker service.
# Build: the dev dependencies compile dist/ (npm ci's prepare script); run: production dependencies only.
FROM node:20.19.0-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts ./scripts
# prepare = npm run build: dist/ and the prebuilt workflow bundle (dist/workflow-bundle.js).
RUN npm ci --no-audit --no-fund

FROM node:20.19.0-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: dist/ comes from the build stage; the embedded PostgreSQL (for `rollout demo`) is not needed here.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
# psql runs production's own seed script (`rollout start --seed-sql FILE`); mount the file at the same path.
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql-client && rm -rf /var/lib/apt/lists/*
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY sql ./sql
COPY examples ./examples
USER node
ENTRYPOINT ["node", "bin/rollout.js"]
CMD ["worker"]
