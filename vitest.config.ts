import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // grpc-js-xds reads its bootstrap once per process, so files run in forks.
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // CI reads the counts from the JSON report (.ci/run).
    reporters: process.env.CI ? ["default", ["json", { outputFile: ".vitest-results.json" }]] : ["default"],
  },
});
