import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { kernelMemoryBytes, trapKernelForTest } from "../src/filters";
import type { AppError } from "../src/lib/errors";
import { ModelRegistry, type ModelRuntime } from "../src/models";
import { initRuntime, runtimeStatus } from "../src/ocr/session";
import pngFile from "./fixtures/tools.input.png";
import { BASE, expectError, expectOk, postImage } from "./helpers/api";
import { expectSettled } from "./helpers/hostile";

const png = new Uint8Array(pngFile);
const STYLE = "/api/style/sketch?max_side=40&format=png";
const models = env.MODELS;
const realFiles = (file: string) => models.fetch(`https://models.internal/${file}`);

/**
 * Runs `fn` with WebAssembly.Instance wrapped so that the next kernel
 * instance traps inside its first filter call, exactly as a kernel bug would.
 * The test and the Worker share one module graph in this isolate (checked
 * below), so dropping the live kernel makes the Worker create a wrapped one.
 */
async function withTrappingKernel<T>(fn: () => Promise<T>): Promise<T> {
	const Real = WebAssembly.Instance;
	let armed = true;
	// A Proxy keeps it constructible: the kernel module calls `new WebAssembly.Instance`.
	const Wrapped = new Proxy(Real, {
		construct(target, [module, imports]: [WebAssembly.Module, WebAssembly.Imports?]) {
			const inst = new target(module, imports);
			const ex = inst.exports as Record<string, unknown>;
			if (typeof ex.trap !== "function" || typeof ex.pencil !== "function") return inst;
			const pencil = ex.pencil as (...a: number[]) => void;
			const exports = {
				...ex,
				pencil: (...a: number[]) => {
					if (armed) {
						armed = false;
						(ex.trap as () => void)();
					}
					return pencil(...a);
				},
			};
			return { exports };
		},
	});
	WebAssembly.Instance = Wrapped;
	try {
		expect(() => trapKernelForTest()).toThrow(); // drops the live instance
		return await fn();
	} finally {
		WebAssembly.Instance = Real;
	}
}

describe("a kernel trap", () => {
	it("fails only the request it hit, with a named error, and the next request gets a fresh kernel", async () => {
		const before = await postImage(STYLE, png);
		expect(before.status).toBe(200);
		const reference = new Uint8Array(await before.arrayBuffer());
		// The Worker's kernel is the one this file imports: its memory shows the request above.
		expect(kernelMemoryBytes()).toBeGreaterThan(0);
		await withTrappingKernel(async () => {
			const hit = await postImage("/api/style/sketch?max_side=41&format=png", png);
			const body = await expectError(hit, 500, "kernel_failed");
			expect(body.error?.message).toMatch(/sketch filter failed.*kernel was reset/);
			expect(kernelMemoryBytes()).toBe(0);
		});
		await SELF.fetch(`${BASE}/api/cache`, { method: "DELETE" });
		const after = await postImage(STYLE, png);
		expect(after.status).toBe(200);
		expect(new Uint8Array(await after.arrayBuffer())).toEqual(reference);
		await expectSettled(png);
	});
});

/** A runtime that loads instantly, so only the files decide the outcome. */
function instantRuntime(): ModelRuntime {
	const loaded = new Set<string>();
	return {
		format: "onnx",
		async load(name) {
			loaded.add(name);
		},
		async release(name) {
			loaded.delete(name);
		},
		isLoaded: (name) => loaded.has(name),
		memoryBytes: () => 0,
	};
}

describe("model files", () => {
	it("a missing model file gives 503 model_missing with Retry-After, and loads once it is back", async () => {
		let missing = true;
		const files = (file: string) =>
			missing && file.endsWith(".onnx") ? Promise.resolve(new Response("", { status: 404 })) : realFiles(file);
		const registry = new ModelRegistry(files, instantRuntime(), { idleMs: 0, unloadWaitMs: 50 });
		const err = (await registry.load("det").catch((e: unknown) => e)) as AppError & { retryAfter?: number };
		expect([err.status, err.code, err.retryAfter]).toEqual([503, "model_missing", 30]);
		expect(err.message).not.toMatch(/\.onnx|\/models\//);
		expect((await registry.list()).find((m) => m.name === "det")?.last_error).toBe("file missing");
		missing = false;
		await registry.load("det");
		expect((await registry.list()).find((m) => m.name === "det")).toMatchObject({ loaded: true, last_error: null });
	});

	it("a missing manifest gives 503 models_missing and is read again on the next call", async () => {
		let missing = true;
		const files = (file: string) =>
			missing ? Promise.resolve(new Response("not found", { status: 404 })) : realFiles(file);
		const registry = new ModelRegistry(files, instantRuntime(), { idleMs: 0, unloadWaitMs: 50 });
		const err = (await registry.list().catch((e: unknown) => e)) as AppError;
		expect([err.status, err.code]).toEqual([503, "models_missing"]);
		missing = false;
		expect((await registry.list()).map((m) => m.name).sort()).toEqual(["cls", "det", "rec"]);
	});

	it("a corrupt model fails only the work that needs it, with 503 model_corrupt; work on other models runs", async () => {
		const files = async (file: string) => {
			const res = await realFiles(file);
			if (!file.includes("rec")) return res;
			const bytes = new Uint8Array(await res.arrayBuffer());
			return new Response(bytes.subarray(0, bytes.length >> 1)); // a half-copied file
		};
		const registry = new ModelRegistry(files, instantRuntime(), { idleMs: 0, unloadWaitMs: 50 });
		const err = (await registry.use(["det", "rec"], async () => "ran").catch((e: unknown) => e)) as AppError;
		expect([err.status, err.code]).toEqual([503, "model_corrupt"]);
		expect(await registry.use(["det", "cls"], async () => "ran")).toBe("ran");
	});
});

describe("the ORT runtime", () => {
	it("a transient start failure answers 503 with Retry-After and the next call starts it", async () => {
		// This file has its own module instances: the runtime has not been started here yet.
		expect(runtimeStatus().state).toBe("idle");
		const RealMemory = WebAssembly.Memory;
		WebAssembly.Memory = new Proxy(RealMemory, {
			construct() {
				throw new RangeError("could not allocate memory");
			},
		});
		let err: AppError & { retryAfter?: number };
		try {
			err = (await initRuntime().catch((e: unknown) => e)) as AppError & { retryAfter?: number };
		} finally {
			WebAssembly.Memory = RealMemory;
		}
		expect([err.status, err.code, err.retryAfter]).toEqual([503, "ocr_runtime_unavailable", 5]);
		expect(runtimeStatus().state).toBe("idle");
		await initRuntime();
		expect(runtimeStatus().state).toBe("ready");
		await expectSettled(png);
	});
});

describe("the engine", () => {
	it("a failure to make its instance answers 503 with Retry-After and the next load makes it", async () => {
		await expectOk(await SELF.fetch(`${BASE}/api/models/unload`, { method: "POST" }));
		const Real = WebAssembly.Instance;
		WebAssembly.Instance = new Proxy(Real, {
			construct() {
				throw new RangeError("could not allocate memory");
			},
		});
		let failed: Response;
		try {
			failed = await SELF.fetch(`${BASE}/api/models/cls/load`, { method: "POST" });
		} finally {
			WebAssembly.Instance = Real;
		}
		await expectError(failed, 503, "ocr_runtime_unavailable");
		expect(failed.headers.get("retry-after")).toBe("5");
		const loaded = await expectOk(await SELF.fetch(`${BASE}/api/models/cls/load`, { method: "POST" }));
		expect(loaded.model).toMatchObject({ name: "cls", engine: "ink", loaded: true });
		await expectSettled(png);
	});
});
