// The engine's own bookkeeping inside workerd: the heap's free list, what a
// loaded model holds, that a run gives back every activation, that a failed
// run leaves nothing behind, and that unloading the last model drops the heap.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { AppError } from "../src/lib/errors";
import {
	engineMemoryBytes,
	engineStatus,
	isModelLoaded,
	loadModel,
	modelBytes,
	releaseModel,
	runModel,
} from "../src/ocr/engine";
import { layOut, Recording } from "../src/ocr/engine/arena";
import { readInk } from "../src/ocr/engine/format";
import { Heap } from "../src/ocr/engine/heap";
import { Plan } from "../src/ocr/engine/plan";
import { MAX_DEPTH_8BIT } from "../src/ocr/engine/weightPacker";
import { LINE_HEIGHT } from "../src/ocr/lineTensor";
import { OCR_RUNTIME_BYTES, REC_LIMITS } from "../src/ocr/memory";
import { inkFile, withHeader } from "./helpers/ink";
import { receiptInputs } from "./helpers/receipt";

async function file(name: string): Promise<Uint8Array> {
	const res = await env.MODELS.fetch(`http://assets/${name}`);
	expect(res.status).toBe(200);
	return new Uint8Array(await res.arrayBuffer());
}

function noise(n: number): Float32Array {
	const a = new Float32Array(n);
	let s = 12345;
	for (let i = 0; i < n; i++) {
		s = (s * 1103515245 + 12345) >>> 0;
		a[i] = s / 2 ** 31 - 1;
	}
	return a;
}

describe("engine heap", () => {
	it("reuses freed space first-fit and merges neighbours", () => {
		const heap = new Heap();
		const a = heap.alloc(1000);
		const b = heap.alloc(1000);
		const c = heap.alloc(1000);
		expect(b.ptr - a.ptr).toBe(1024);
		heap.release(a);
		heap.release(c);
		// a's hole fits; c's space merged back into the top.
		expect(heap.alloc(500).ptr).toBe(a.ptr);
		heap.release(b);
		const big = heap.alloc(3000);
		expect(big.ptr).toBe(a.ptr + 512);
		expect(heap.liveBytes).toBe(512 + 3008);
	});
});

describe("engine plan", () => {
	it("keeps only its weights between runs, and a run gives back every activation", async () => {
		const heap = new Heap();
		const plan = new Plan(heap, readInk(await file("cls.ink")));
		const kept = heap.liveBytes;
		expect(kept).toBe(plan.weightBytes);
		const dims = [2, 3, 48, 192];
		const out = plan.run({ x: { data: noise(2 * 3 * 48 * 192), dims } });
		const probs = Object.values(out)[0]!;
		expect(probs.dims).toEqual([2, 2]);
		expect((probs.data[0] as number) + (probs.data[1] as number)).toBeCloseTo(1, 5);
		expect(heap.liveBytes).toBe(kept);
		// The same input twice gives the same answer: nothing of the first run leaks into the second.
		const again = Object.values(plan.run({ x: { data: noise(2 * 3 * 48 * 192), dims } }))[0]!;
		expect(Array.from(again.data)).toEqual(Array.from(probs.data));
		plan.release();
		expect(heap.liveBytes).toBe(0);
	});

	it("fuses each Affine into the conv before it, and the outputs keep their bits", async () => {
		const { tile, strip } = await receiptInputs();
		for (const [name, input, affines] of [
			["rec", strip, 16],
			["det", tile, 14],
		] as const) {
			const bytes = await file(`${name}.ink`);
			const { header } = readInk(bytes);
			// The same graph with every Affine's input also a graph output: a value read twice is not fused.
			const inputs = header.nodes.filter((n) => n.op === "Affine").map((n) => n.inputs[0] as string);
			expect(inputs.length).toBe(affines);
			const apart = withHeader(bytes, { ...header, outputs: [...header.outputs, ...inputs] });
			const heap = new Heap();
			const fused = new Plan(heap, readInk(bytes));
			const separate = new Plan(heap, readInk(apart));
			expect(fused.nodes.filter((n) => n.op === "Affine").length).toBe(0);
			expect(fused.nodes.filter((n) => n.post).length).toBe(affines);
			expect(separate.nodes.filter((n) => n.op === "Affine").length).toBe(affines);
			const main = header.outputs[0] as string;
			const a = fused.run({ x: input })[main]!;
			const b = separate.run({ x: input })[main]!;
			expect(a.dims).toEqual(b.dims);
			const [ua, ub] = [a, b].map((t) => new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length));
			let differ = 0;
			for (let i = 0; i < a.data.length; i++) if (ua![i] !== ub![i]) differ++;
			expect(differ, `${name}: values whose bits differ`).toBe(0);
			fused.release();
			separate.release();
		}
		// An Affine that lacks one of its scalars is left as its own node (with the op's defaults).
		const bytes = await file("rec.ink");
		const { header } = readInk(bytes);
		delete header.nodes.find((n) => n.op === "Affine")!.alpha;
		const heap = new Heap();
		const partial = new Plan(heap, readInk(withHeader(bytes, header)));
		expect(partial.nodes.filter((n) => n.op === "Affine").length).toBe(1);
		expect(partial.nodes.filter((n) => n.post).length).toBe(15);
		partial.release();
	});

	it("frees what a failed run had made", async () => {
		const heap = new Heap();
		const plan = new Plan(heap, readInk(await file("rec.ink")));
		const kept = heap.liveBytes;
		// Four channels where the graph wants three: the kernels would read a wrong layout, so the
		// engine refuses at the first convolution, after the input block was placed.
		expect(() => plan.run({ x: { data: noise(4 * 48 * 64), dims: [1, 4, 48, 64] } })).toThrow(/3 channels/);
		// Too short for the strided convolutions: refused where a window no longer fits.
		expect(() => plan.run({ x: { data: noise(3 * 2 * 64), dims: [1, 3, 2, 64] } })).toThrow(/does not fit/);
		expect(heap.liveBytes).toBe(kept);
		plan.release();
	});
});

describe("engine models", () => {
	it("reports what each model holds and drops the heap with the last one", async () => {
		for (const name of ["det", "cls"]) await loadModel(name, await file(`${name}.ink`));
		expect(isModelLoaded("det")).toBe(true);
		const det = modelBytes("det");
		const cls = modelBytes("cls");
		expect(det).toBeGreaterThan(4_000_000);
		expect(cls).toBeGreaterThan(400_000);
		expect(engineMemoryBytes()).toBeGreaterThanOrEqual(det + cls);
		expect(engineStatus().sessions.sort()).toEqual(["cls", "det"]);
		expect(await releaseModel("det")).toBe(true);
		expect(modelBytes("det")).toBe(0);
		expect(engineStatus().state).toBe("ready");
		expect(await releaseModel("cls")).toBe(true);
		expect(engineStatus().state).toBe("idle");
		expect(engineMemoryBytes()).toBe(0);
		expect(engineStatus().dropped.total).toBeGreaterThanOrEqual(1);
	});

	it("refuses a file that is not an engine model, and runs of unloaded models", async () => {
		const onnx = await file("ch_ppocr_mobile_v2.0_cls_infer.folded.onnx");
		await expect(loadModel("cls", onnx)).rejects.toMatchObject({ code: "model_invalid" });
		expect(isModelLoaded("cls")).toBe(false);
		const err = await runModel("cls", { x: { data: new Float32Array(1), dims: [1] } }).catch((e) => e);
		expect(err).toBeInstanceOf(AppError);
		expect((err as AppError).code).toBe("model_not_loaded");
	});

	it("refuses an 8-bit conv deeper than its panel lists can index, and loads one at the bound", async () => {
		// One 1x1 conv on the engine's own 8-bit scheme over `depth` input channels.
		const conv8 = (depth: number): Uint8Array => {
			const header = {
				version: 1,
				inputs: [{ name: "x", dims: [1, depth, 1, 1] }],
				outputs: ["y"],
				weights: [{ dims: [1, depth, 1, 1], offset: 0, length: depth }],
				nodes: [
					{
						op: "Conv",
						inputs: ["x", { weight: 0 }],
						outputs: ["y"],
						w: 0,
						b: -1,
						cout: 1,
						kernel: [1, 1],
						strides: [1, 1],
						pads: [0, 0, 0, 0],
						group: 1,
						act: 0,
						int8: 8,
					},
				],
				numbers: {},
			};
			return inkFile(header, new Uint8Array(new Float32Array(depth).fill(0.5).buffer));
		};
		await loadModel("deep", conv8(MAX_DEPTH_8BIT));
		const y = await runModel("deep", {
			x: { data: new Float32Array(MAX_DEPTH_8BIT).fill(1), dims: [1, MAX_DEPTH_8BIT, 1, 1] },
		});
		// 65536 products of 0.5 and 1, both exact as codes: the 8-bit sum is exact too.
		expect(Object.values(y)[0]!.data[0]).toBeCloseTo(MAX_DEPTH_8BIT / 2, 0);
		await releaseModel("deep");
		await expect(loadModel("deep", conv8(MAX_DEPTH_8BIT + 4))).rejects.toMatchObject({ code: "model_invalid" });
		expect(isModelLoaded("deep")).toBe(false);
	});

	it("answers inference_failed for an input the graph cannot take, and stays usable", async () => {
		await loadModel("cls", await file("cls.ink"));
		const err = await runModel("cls", { x: { data: noise(4 * 48 * 192), dims: [1, 4, 48, 192] } }).catch((e) => e);
		expect((err as AppError).code).toBe("inference_failed");
		const ok = await runModel("cls", { x: { data: noise(3 * 48 * 192), dims: [1, 3, 48, 192] } });
		expect(Object.values(ok)[0]!.dims).toEqual([1, 2]);
		await releaseModel("cls");
	});
});

describe("engine arena", () => {
	it("lays blocks alive at once apart, in no more bytes than the most alive at once", () => {
		const rec = new Recording();
		const sizes = [100, 50, 100, 150, 30, 120];
		const ids: number[] = [];
		// a, b; a goes; c; b goes; d; c goes; e, f; d, e, f go.
		ids.push(rec.alloc(sizes[0]!), rec.alloc(sizes[1]!));
		rec.release(ids[0]!);
		ids.push(rec.alloc(sizes[2]!));
		rec.release(ids[1]!);
		ids.push(rec.alloc(sizes[3]!));
		rec.release(ids[2]!);
		ids.push(rec.alloc(sizes[4]!), rec.alloc(sizes[5]!));
		for (const i of [3, 4, 5]) rec.release(ids[i]!);
		const { offsets, bytes } = layOut(rec);
		for (let i = 0; i < ids.length; i++) {
			for (let j = i + 1; j < ids.length; j++) {
				const together = rec.start[i]! < rec.end[j]! && rec.start[j]! < rec.end[i]!;
				const apart = offsets[i]! + sizes[i]! <= offsets[j]! || offsets[j]! + sizes[j]! <= offsets[i]!;
				if (together) expect(apart, `${i} and ${j}`).toBe(true);
			}
		}
		// Most alive at once: d, e and f (300 bytes); the layout needs no more.
		expect(bytes).toBe(300);
	});

	it("keeps a run within the largest set of blocks it holds at once, not the sum of its tensors", async () => {
		const heap = new Heap();
		const plan = new Plan(heap, readInk(await file("det.ink")));
		const dims = [1, 3, 448, 512];
		plan.run({ x: { data: noise(3 * 448 * 512), dims } });
		// Measured: the 448x512 tile's arena is 10.8 MiB over 4.3 MiB of weights (first-fit
		// placement without the dry run rose to 16.6 MiB above the weights).
		expect(heap.memoryBytes - plan.weightBytes).toBeLessThan(12 * 2 ** 20);
		expect(heap.liveBytes).toBe(plan.weightBytes);
	});
});

describe("engine at the pipeline's bounds", () => {
	it("holds the three models and a run at the largest tile and the widest line within what OCR reserves", async () => {
		const heap = new Heap();
		const plans = await Promise.all(
			["det", "cls", "rec"].map(async (m) => new Plan(heap, readInk(await file(`${m}.ink`)))),
		);
		const [det, cls, rec] = plans as [Plan, Plan, Plan];
		det.run({ x: { data: noise(3 * 480 * 480), dims: [1, 3, 480, 480] } });
		cls.run({ x: { data: noise(6 * 3 * 48 * 192), dims: [6, 3, 48, 192] } });
		rec.run({ x: { data: noise(3 * 48 * 3200), dims: [1, 3, LINE_HEIGHT, REC_LIMITS.maxWidth] } });
		expect(heap.memoryBytes).toBeLessThanOrEqual(OCR_RUNTIME_BYTES.ink);
		// The figure is measured, not padded: within 1 MiB of what the runs took.
		expect(OCR_RUNTIME_BYTES.ink - heap.memoryBytes).toBeLessThan(2 ** 20);
	});
});
