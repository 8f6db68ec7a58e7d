import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

export default defineConfig({
	plugins: [
		cloudflareTest({
			wrangler: { configPath: "./wrangler.toml" },
			miniflare: {
				// Every outbound fetch of the Worker goes to this local origin (test/origin/source-origin.mjs).
				workers: [
					{
						name: "source-origin",
						modules: true,
						scriptPath: "./test/origin/source-origin.mjs",
						compatibilityDate: "2026-04-20",
					},
				],
				outboundService: "source-origin",
				// A secret, as `wrangler secret put SIGNING_KEY` sets it; the URL-source tests sign with it.
				bindings: { SIGNING_KEY: "test-signing-key" },
			},
		}),
	],
	test: { include: ["test/**/*.test.ts"], testTimeout: 120_000, hookTimeout: 120_000 },
});
