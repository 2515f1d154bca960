import { defineConfig } from "vitest/config";

// e2e tests need a kind cluster (e2e/kind-up.sh); `npm run e2e` runs them, `npm test` never does.
export default defineConfig({ test: { include: ["e2e/**/*.e2e.ts"], testTimeout: 120_000 } });
