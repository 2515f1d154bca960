import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // grpc-js-xds reads its bootstrap once per process, so files run in forks.
    pool: "forks",
    testTimeout: 30_000,
    // Hooks start processes (switchyard serve, Envoy, the API server) and wait for them to say they
    // are ready; on a loaded 2-core machine that can take longer than a test. They wait on signals,
    // so the bound only matters when something is broken.
    hookTimeout: 120_000,
    // CI reads the counts from the JSON report (.ci/run).
    reporters: process.env.CI ? ["default", ["json", { outputFile: ".vitest-results.json" }]] : ["default"],
  },
});
