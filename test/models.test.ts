import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AppError } from "../src/lib/errors";
import { ModelRegistry, type ModelRuntime } from "../src/models";
import { BASE, expectError, expectOk } from "./helpers/api";

const models = env.MODELS;
const realFiles = (file: string) => models.fetch(`https://models.internal/${file}`);

/** A runtime that records what it was asked to do, so registry logic is tested without ORT. */
function recordingRuntime(): ModelRuntime & { loads: string[] } {
	const loaded = new Set<string>();
	const loads: string[] = [];
	return {
		format: "onnx",
		loads,
		async load(name) {
			loads.push(name);
			await new Promise((r) => setTimeout(r, 10));
			loaded.add(name);
		},
		async release(name) {
			loaded.delete(name);
		},
		isLoaded: (name) => loaded.has(name),
		memoryBytes: () => 0,
	};
}

describe("model registry", () => {
	it("loads once for concurrent first users and checks the manifest's sha256", async () => {
		const runtime = recordingRuntime();
		const registry = new ModelRegistry(realFiles, runtime, { idleMs: 0, unloadWaitMs: 100 });
		await Promise.all([registry.use(["cls"], async () => 1), registry.use(["cls"], async () => 2)]);
		expect(runtime.loads).toEqual(["cls"]);
		const listed = (await registry.list()).find((m) => m.name === "cls");
		expect(listed).toMatchObject({ loaded: true, in_use: 0, task: "text-direction" });
		expect(listed?.last_used).not.toBeNull();
	});

	it("refuses a model whose bytes do not match the manifest, and keeps the others working", async () => {
		const runtime = recordingRuntime();
		const tampered = async (file: string) => {
			const res = await realFiles(file);
			if (!file.startsWith("ch_ppocr_mobile")) return res;
			const bytes = new Uint8Array(await res.arrayBuffer());
			bytes[1000] ^= 0xff;
			return new Response(bytes);
		};
		const registry = new ModelRegistry(tampered, runtime, { idleMs: 0, unloadWaitMs: 100 });
		const err = await registry.load("cls").catch((e: AppError) => e);
		expect([(err as AppError).status, (err as AppError).code]).toEqual([503, "model_corrupt"]);
		expect(runtime.loads).toEqual([]);
		await registry.load("det");
		expect(runtime.loads).toEqual(["det"]);
		expect((await registry.list()).find((m) => m.name === "cls")?.last_error).toBe("checksum mismatch");
	});

	it("makes an unload wait for in-flight work, then answers 409 past its bound", async () => {
		const registry = new ModelRegistry(realFiles, recordingRuntime(), { idleMs: 0, unloadWaitMs: 60 });
		let finish!: () => void;
		const running = registry.use(["cls"], () => new Promise<void>((r) => (finish = r)));
		await new Promise((r) => setTimeout(r, 30));
		const busy = await registry.unload("cls").catch((e: AppError) => e);
		expect((busy as AppError).status).toBe(409);
		const waiting = registry.unload("cls");
		finish();
		await running;
		expect(await waiting).toBe(true);
	});

	it("holds every requested model while the later ones load, so a reclaim in between cannot take one", async () => {
		const loaded = new Set<string>();
		let recLoading!: () => void;
		const recStarted = new Promise<void>((r) => (recLoading = r));
		let finishRec!: () => void;
		const runtime: ModelRuntime = {
			format: "onnx",
			async load(name) {
				if (name === "rec") {
					recLoading();
					await new Promise<void>((r) => (finishRec = r));
				}
				loaded.add(name);
			},
			async release(name) {
				loaded.delete(name);
			},
			isLoaded: (name) => loaded.has(name),
			memoryBytes: () => 0,
		};
		const registry = new ModelRegistry(realFiles, runtime, { idleMs: 0, unloadWaitMs: 100 });
		const seen = registry.use(["det", "cls", "rec"], async () => ["det", "cls", "rec"].filter((n) => loaded.has(n)));
		await recStarted;
		// What admission's reclaim does for another request while this one waits for rec to load.
		expect(await registry.unloadIdle()).toEqual([]);
		finishRec();
		expect(await seen).toEqual(["det", "cls", "rec"]);
	});

	it("unloads a model after its idle time", async () => {
		const runtime = recordingRuntime();
		const registry = new ModelRegistry(realFiles, runtime, { idleMs: 40, unloadWaitMs: 100 });
		await registry.use(["cls"], async () => null);
		expect(runtime.isLoaded("cls")).toBe(true);
		await new Promise((r) => setTimeout(r, 120));
		expect(runtime.isLoaded("cls")).toBe(false);
	});
});

describe("/api/models", () => {
	it("lists every model in the manifest and loads and unloads one by hand", async () => {
		const list = await expectOk(await SELF.fetch(`${BASE}/api/models`));
		const names = (list.models as { name: string; bytes: number; sha256: string }[]).map((m) => m.name);
		expect(names.sort()).toEqual(["cls", "det", "rec"]);
		// Every model is the engine's file written at install from the folded graph (the
		// recogniser's group-1 convolutions and MatMuls 8-bit), not the file it came from, and says so.
		const models = list.models as { name: string; file: string; source: string; engine: string }[];
		for (const m of models) {
			expect(m.engine).toBe("ink");
			expect(m.file).toBe(`${m.name}.ink`);
			expect(m.source).toMatch(
				/folded by scripts\/fold\.mjs, compiled by scripts\/engine-models\.mjs \(\d+ nodes; fused: /,
			);
		}
		const rec = models.find((m) => m.name === "rec");
		expect(rec?.source).toMatch(
			/; 33 nodes 8-bit as scripts\/quantize\.mjs makes them, 33 of their weights stored as 8-bit codes\)/,
		);
		const loaded = await expectOk(await SELF.fetch(`${BASE}/api/models/cls/load`, { method: "POST" }));
		expect(loaded.model).toMatchObject({ name: "cls", loaded: true });
		// What the model itself holds: its weights, packed for the kernels, within the heap.
		const held = (loaded.model as { held_bytes: number }).held_bytes;
		expect(held).toBeGreaterThan(500_000);
		expect(held).toBeLessThanOrEqual(loaded.runtime_wasm_bytes as number);
		expect(loaded.runtime_wasm_bytes as number).toBeGreaterThan(0);
		expect((loaded.model as { runtime_wasm_bytes: number }).runtime_wasm_bytes).toBe(loaded.runtime_wasm_bytes);
		const unloaded = await expectOk(await SELF.fetch(`${BASE}/api/models/cls/unload`, { method: "POST" }));
		// cls was the only model loaded, so its runtime was dropped with it.
		expect(unloaded).toMatchObject({ name: "cls", unloaded: true, runtime_wasm_bytes: 0 });
		const after = await expectOk(await SELF.fetch(`${BASE}/api/models`));
		expect(after.runtime).toMatchObject({ state: "idle", wasm_bytes: 0, dropped: 1 });
		for (const m of after.models as { loaded: boolean; runtime_wasm_bytes: number }[]) {
			expect([m.loaded, m.runtime_wasm_bytes]).toEqual([false, 0]);
		}
		await expectError(await SELF.fetch(`${BASE}/api/models/nope/load`, { method: "POST" }), 404, "unknown_model");
	});
});
