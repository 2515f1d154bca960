# The controller image. Build: docker build -t switchyard:dev .
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json buf.gen.yaml ./
COPY proto ./proto
COPY scripts ./scripts
RUN npm install --no-audit --no-fund
COPY . .
# Keep the generated Envoy types; drop the toolchain that made them.
RUN npm prune --omit=dev

FROM node:24-slim
WORKDIR /app
COPY --from=build /app /app
USER node
EXPOSE 18000 19000
ENTRYPOINT ["node", "src/cli/main.ts"]
CMD ["serve", "--source", "kubernetes", "--xds-address", "0.0.0.0", "--admin-address", "0.0.0.0"]
