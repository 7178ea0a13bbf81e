# The bot's container: build with the devDependencies, run without them.
# The same steps, in a temporary folder, are test/build.test.ts (this machine cannot pull
# images); test/container.test.ts checks that this file runs exactly those steps.

# --- build: compile src/ and adapters/ to dist/ (npm run build) ---
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.mjs scripts/build.mjs
COPY src src
COPY adapters adapters
RUN npm run build

# --- run: the build, data/ and production dependencies only; plain node, not root ---
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/app/data \
    DB_FILE=/var/lib/oa-golive-bot/db.json
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
# The reports embed two weights of Noto Sans SC (src/reports/pdf.ts); the other seven are 70 MB of nothing.
RUN cd node_modules/@expo-google-fonts/noto-sans-sc && find . -mindepth 1 -maxdepth 1 -type d ! -name 400Regular ! -name 700Bold -exec rm -rf {} +
COPY --from=build /app/dist dist
COPY data data
RUN mkdir -p /var/lib/oa-golive-bot && chown node:node /var/lib/oa-golive-bot
USER node
# The lowdb store (when DATABASE_URL is unset) lives here; mount data/ over /app/data to use your own rulebook, template, calendar and projects.yaml.
VOLUME ["/var/lib/oa-golive-bot"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/main.js"]
