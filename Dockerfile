# Production image for `docker compose`: Node 20, production dependencies, TypeScript run through tsx.
FROM node:20-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY tsconfig.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY sandbox ./sandbox
ENV NODE_ENV=production
EXPOSE 3000
CMD ["npx", "tsx", "src/main.ts"]
