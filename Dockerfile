# Production image for `docker compose`: built once (tsc + prebuilt workflow bundle), run as plain node.
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY sandbox ./sandbox
RUN npm run build

# Runtime: production dependencies and the compiled output only (no TypeScript, no webpack run at start).
FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production
# V8's old-space cap (MB), as in `npm start`: the heap is collected instead of growing toward the machine's default.
# `--max-semi-space-size=4` (MB; V8's default is 16 on 64-bit) keeps the young generation small: the initial-sync
# benchmark's worker went from ~190 to ~165 MB idle and from ~260 to ~230 MB at its peak (bench/initial-sync.ts).
# A worker needs ~150 MB plus ~1.6 MB per cached shop workflow (WORKER_MAX_CACHED_WORKFLOWS, default 200): raise
# both together for workers holding more shops (docs/scaling.md).
ENV NODE_MAX_OLD_SPACE_MB=512
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
# Through sh only to expand the variable; exec makes node PID 1, so it gets SIGTERM and shuts down gracefully.
CMD ["sh", "-c", "exec node --max-old-space-size=${NODE_MAX_OLD_SPACE_MB} --max-semi-space-size=4 dist/src/main.js"]
