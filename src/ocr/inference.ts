/**
 * Which runtime runs the OCR models, and the calls the pipeline makes on it.
 * The engine of src/ocr/engine/ is the default; onnxruntime-web (src/ocr/
 * session/) stays selectable with OCR_ENGINE=ort as the reference. The choice
 * is made once per isolate, when its model registry is made, because loaded
 * models live in one runtime or the other.
 */
import type { ModelRuntime } from "../models/registry";
import { type CtcSteps, checkClasses, stepsOf, sureWinner } from "./ctcDecode";
import {
	engineMemoryBytes,
	enginePeakBytes,
	engineStatus,
	isModelLoaded,
	loadModel,
	modelBytes,
	releaseModel,
	runModel,
	runModelSteps,
} from "./engine";
import * as ort from "./session";

export type EngineName = "ink" | "ort";
export type { TensorIn, TensorOut } from "./session";

let selected: EngineName = "ink";

/** Sets the isolate's engine (before any model is loaded; the registry does it). */
export function useEngine(name: EngineName): void {
	selected = name;
}

export function currentEngine(): EngineName {
	return selected;
}

const inkRuntime: ModelRuntime = {
	format: "ink",
	load: loadModel,
	release: releaseModel,
	isLoaded: isModelLoaded,
	memoryBytes: engineMemoryBytes,
	modelBytes,
};

const ortRuntime: ModelRuntime = {
	format: "onnx",
	load: ort.loadSession,
	release: ort.releaseSession,
	isLoaded: ort.isLoaded,
	memoryBytes: ort.wasmMemoryBytes,
};

/** The selected runtime as the model registry drives it. */
export function ocrRuntime(): ModelRuntime {
	return selected === "ink" ? inkRuntime : ortRuntime;
}

export function run(name: string, feeds: Record<string, ort.TensorIn>): Promise<Record<string, ort.TensorOut>> {
	return selected === "ink" ? runModel(name, feeds) : ort.run(name, feeds);
}

export const firstOutput = ort.firstOutput;

/**
 * The recogniser's [batch, steps, classes] output as CTC steps
 * (ctcDecode.ts): the engine finds them where its output lies and hands back
 * 3 floats a step; ORT's probabilities are copied out and scanned here.
 */
export async function runSteps(
	name: string,
	feeds: Record<string, ort.TensorIn>,
	chars: readonly string[],
): Promise<CtcSteps> {
	if (selected !== "ink") {
		const out = firstOutput(await ort.run(name, feeds));
		return stepsOf(out.data, out.dims, chars);
	}
	const { steps, dims } = await runModelSteps(name, feeds, chars.lastIndexOf(" "), sureWinner);
	checkClasses(dims, chars);
	const rows = steps.length / 3;
	const out: CtcSteps = {
		batch: dims[0] as number,
		steps: dims[1] as number,
		best: new Int32Array(rows),
		p: new Float32Array(rows),
		space: new Float32Array(rows),
	};
	for (let r = 0; r < rows; r++) {
		out.best[r] = steps[3 * r] as number;
		out.p[r] = steps[3 * r + 1] as number;
		out.space[r] = steps[3 * r + 2] as number;
	}
	return out;
}

/** Wasm memory the OCR runtimes hold now (both, should the other have been used in this isolate). */
export function wasmMemoryBytes(): number {
	return engineMemoryBytes() + ort.wasmMemoryBytes();
}

export function wasmPeakBytes(): number {
	return selected === "ink" ? enginePeakBytes() : ort.wasmPeakBytes();
}

export type RuntimeStatus = ort.RuntimeStatus & { engine: EngineName };

export function runtimeStatus(): RuntimeStatus {
	const status = selected === "ink" ? engineStatus() : ort.runtimeStatus();
	return { engine: selected, ...status };
}
