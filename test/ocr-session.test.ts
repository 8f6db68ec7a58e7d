import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { AppError } from "../src/lib/errors";
import {
	forgetDroppedRuntimeForTest,
	initRuntime,
	isLoaded,
	loadSession,
	releaseSession,
	run,
	runtimeStatus,
	wasmMemoryBytes,
} from "../src/ocr/session";

async function modelBytes(file: string): Promise<ArrayBuffer> {
	const res = await env.MODELS.fetch(`http://assets/${file}`);
	expect(res.status).toBe(200);
	return res.arrayBuffer();
}

describe("ORT session inside workerd", () => {
	it("starts the runtime from the imported wasm module and reports its memory", async () => {
		// ORT's threaded glue would park an Atomics.waitAsync on its memory; with one thread it must not.
		const atomics = Atomics as unknown as { waitAsync: (...a: unknown[]) => unknown };
		const real = atomics.waitAsync;
		let waits = 0;
		atomics.waitAsync = (...args: unknown[]) => {
			waits++;
			return real.apply(Atomics, args);
		};
		try {
			await initRuntime();
		} finally {
			atomics.waitAsync = real;
		}
		expect(waits).toBe(0);
		expect(atomics.waitAsync).toBe(real);
		expect(runtimeStatus().state).toBe("ready");
		expect(wasmMemoryBytes()).toBeGreaterThanOrEqual(16 * 1024 * 1024);
	});

	it("refuses a corrupt model with a named error and still loads the real one after", async () => {
		const bad = new Uint8Array(4096).fill(7);
		const err = await loadSession("det", bad).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(AppError);
		expect((err as AppError).status).toBe(503);
		expect(isLoaded("det")).toBe(false);
		await loadSession("det", await modelBytes("ch_PP-OCRv4_det_infer.folded.onnx"));
		expect(isLoaded("det")).toBe(true);
	});

	it("runs detection on a blank image and gives a probability map of the input size", async () => {
		const h = 64;
		const w = 96;
		const out = await run("det", { x: { data: new Float32Array(3 * h * w), dims: [1, 3, h, w] } });
		const map = Object.values(out)[0];
		expect(map?.dims).toEqual([1, 1, h, w]);
		expect(Math.max(...(map?.data ?? [1]))).toBeLessThan(0.3);
	});

	it("releases a session and can load it again", async () => {
		expect(await releaseSession("det")).toBe(true);
		expect(isLoaded("det")).toBe(false);
		const err = await run("det", { x: { data: new Float32Array(3 * 32 * 32), dims: [1, 3, 32, 32] } }).catch(
			(e: unknown) => e,
		);
		expect((err as AppError).code).toBe("model_not_loaded");
		await loadSession("det", await modelBytes("ch_PP-OCRv4_det_infer.folded.onnx"));
		expect(isLoaded("det")).toBe(true);
	});

	it("drops the runtime with its last session, and a load before it is collected revives the same heap", async () => {
		// Grow the heap well past what a fresh runtime with det needs.
		const side = 576;
		await run("det", { x: { data: new Float32Array(3 * side * side), dims: [1, 3, side, side] } });
		const before = runtimeStatus();
		expect(before.sessions).toEqual(["det"]);
		const grown = wasmMemoryBytes();
		const det = await modelBytes("ch_PP-OCRv4_det_infer.folded.onnx");

		expect(await releaseSession("det")).toBe(true);
		const after = runtimeStatus();
		expect([after.state, after.wasmBytes, after.sessions]).toEqual(["idle", 0, []]);
		expect(after.dropped.total).toBe(before.dropped.total + 1);

		// No task boundary since the drop, so the collector cannot have taken it yet.
		await loadSession("det", det);
		const revived = runtimeStatus();
		expect(revived).toMatchObject({ state: "ready", started: before.started, sessions: ["det"] });
		expect(revived.dropped.revived).toBe(before.dropped.revived + 1);
		expect(wasmMemoryBytes()).toBe(grown);
	});

	it("starts a fresh, smaller heap once the dropped runtime is gone", async () => {
		const before = runtimeStatus();
		const grown = wasmMemoryBytes();
		expect(await releaseSession("det")).toBe(true);
		forgetDroppedRuntimeForTest();
		await loadSession("det", await modelBytes("ch_PP-OCRv4_det_infer.folded.onnx"));
		expect(runtimeStatus()).toMatchObject({ state: "ready", started: before.started + 1, sessions: ["det"] });
		// A reused heap would still be `grown` bytes: wasm memory never shrinks.
		expect(wasmMemoryBytes()).toBeLessThan(grown);
		const out = await run("det", { x: { data: new Float32Array(3 * 32 * 32), dims: [1, 3, 32, 32] } });
		expect(Object.values(out)[0]?.dims).toEqual([1, 1, 32, 32]);
	});
});
