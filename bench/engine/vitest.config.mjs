// Runs the conv microbenchmark inside workerd: npx vitest run --config bench/engine/vitest.config.mjs
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

export default defineConfig({
	plugins: [cloudflareTest({ wrangler: { configPath: "./wrangler.toml" } })],
	test: { include: ["bench/engine/*.workerd.test.ts"], testTimeout: 600_000 },
});
