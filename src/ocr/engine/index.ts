/**
 * The engine as the OCR pipeline and the model registry see it: the same
 * calls as the ORT wrapper (load, run, release, memory), over one heap that
 * all loaded models share. The heap is made on the first load and dropped
 * with the last release, so an isolate with no model loaded holds no engine
 * memory at all (wasm memory never shrinks; only dropping it frees it).
 */
import { UnavailableError, UnprocessableError } from "../../lib/errors";
import { InkFormatError, readInk } from "./format";
import { Heap } from "./heap";
import { Plan, type TensorData } from "./plan";
import { EngineError } from "./tensor";

let heap: Heap | undefined;
const plans = new Map<string, Plan>();
let peakBytes = 0;
let heaps = 0;
let dropped = 0;
// Dropped heaps, watched weakly so status can tell whether the collector took them.
let watched: WeakRef<WebAssembly.Memory>[] = [];

function notePeak(): void {
	peakBytes = Math.max(peakBytes, heap?.peak ?? 0);
}

/** Places a model's weights in the engine; idempotent. */
export async function loadModel(name: string, bytes: Uint8Array): Promise<void> {
	if (plans.has(name)) return;
	if (!heap) {
		try {
			heap = new Heap();
		} catch {
			// The isolate could not give the instance its memory now; nothing was made, so a retry starts clean.
			throw new UnavailableError("ocr_runtime_unavailable", "the OCR engine could not start; retry later", 5);
		}
		heaps++;
	}
	try {
		plans.set(name, new Plan(heap, readInk(bytes)));
		// Placing and packing the weights is synchronous: yield, as a run does, so other
		// requests are read meanwhile.
		await new Promise((resolve) => setTimeout(resolve, 0));
	} catch (err) {
		dropIfUnused();
		if (err instanceof InkFormatError || err instanceof EngineError)
			throw new UnavailableError("model_invalid", `model "${name}" could not be loaded`, 5);
		throw err;
	} finally {
		notePeak();
	}
}

export async function releaseModel(name: string): Promise<boolean> {
	const plan = plans.get(name);
	if (!plan) return false;
	plans.delete(name);
	plan.release();
	dropIfUnused();
	return true;
}

function dropIfUnused(): void {
	if (plans.size > 0 || !heap) return;
	watched = [...watched.slice(-7), new WeakRef(heap.memory)];
	dropped++;
	heap = undefined;
}

export function isModelLoaded(name: string): boolean {
	return plans.has(name);
}

/**
 * A run of one model's plan: synchronous wasm, its errors on bad input as
 * 422s; like the ORT wrapper, it yields to the event loop afterwards so
 * other requests can be read and admitted.
 */
async function runPlan<R>(name: string, run: (plan: Plan, heap: Heap) => R): Promise<R> {
	const plan = plans.get(name);
	if (!plan || !heap) throw new UnavailableError("model_not_loaded", `model "${name}" is not loaded`, 1);
	let out: R;
	try {
		out = run(plan, heap);
	} catch (err) {
		if (err instanceof EngineError || err instanceof RangeError)
			throw new UnprocessableError("inference_failed", `model "${name}" could not process the input`);
		throw err;
	} finally {
		notePeak();
	}
	await new Promise((resolve) => setTimeout(resolve, 0));
	return out;
}

/** Runs one model; its outputs copied out of wasm memory. */
export function runModel(name: string, feeds: Record<string, TensorData>): Promise<Record<string, TensorData>> {
	return runPlan(name, (plan) => plan.run(feeds));
}

/**
 * Runs a model whose one output is [batch, steps, classes] and returns, per
 * step, the winning class, its value and the value of class `space`
 * (ctcSteps in assembly/_infer_ctc.ts: 3 floats a step, where a copy of the
 * output would be all of them). `sureAbove` gets the first and last steps (views,
 * valid during the call) and names the value above which a class wins its step outright.
 */
export function runModelSteps(
	name: string,
	feeds: Record<string, TensorData>,
	space: number,
	sureAbove: (first: Float32Array, last: Float32Array) => number,
): Promise<{ steps: Float32Array; dims: number[] }> {
	return runPlan(name, (plan, h) =>
		plan.runTaking(feeds, (outputs) => {
			const [v] = outputs.values();
			if (v?.dims.length !== 3) throw new EngineError("the output is not [batch, steps, classes]");
			const [batch, steps, classes] = v.dims as [number, number, number];
			const rows = batch * steps;
			// A class list that does not fit is the caller's to report; its space index is not read.
			const at = space < classes ? space : -1;
			const sure =
				rows > 0 ? sureAbove(h.f32(v.ptr, classes), h.f32(v.ptr + (rows - 1) * classes * 4, classes)) : Infinity;
			const block = h.alloc(rows * 12);
			try {
				h.kernels.ctcSteps(v.ptr, rows, classes, at, sure, block.ptr);
				return { steps: h.f32(block.ptr, rows * 3).slice(), dims: [...v.dims] };
			} finally {
				h.release(block);
			}
		}),
	);
}

export function engineMemoryBytes(): number {
	return heap?.memoryBytes ?? 0;
}

export function enginePeakBytes(): number {
	return peakBytes;
}

/** Weight bytes each loaded model keeps in the engine's memory. */
export function modelBytes(name: string): number {
	return plans.get(name)?.weightBytes ?? 0;
}

/** Turns per-node timing on or off (for the benchmark; costs a clock read per node). */
export function profileModel(name: string, on: boolean): Plan | undefined {
	const plan = plans.get(name);
	if (plan) plan.profile = on;
	return plan;
}

export interface EngineStatus {
	state: "idle" | "ready";
	sessions: string[];
	wasmBytes: number;
	/** Heaps made in this isolate so far. */
	started: number;
	dropped: { total: number; revived: number; alive: number; aliveBytes: number };
}

export function engineStatus(): EngineStatus {
	const alive = watched.map((w) => w.deref()).filter((m): m is WebAssembly.Memory => m !== undefined);
	return {
		state: heap ? "ready" : "idle",
		sessions: [...plans.keys()],
		wasmBytes: engineMemoryBytes(),
		started: heaps,
		dropped: {
			total: dropped,
			revived: 0,
			alive: alive.length,
			aliveBytes: alive.reduce((n, m) => n + m.buffer.byteLength, 0),
		},
	};
}
