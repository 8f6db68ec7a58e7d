/**
 * Which runtime runs the OCR models, and the calls the pipeline makes on it.
 * The engine of src/ocr/engine/ is the default; onnxruntime-web (src/ocr/
 * session/) stays selectable with OCR_ENGINE=ort as the reference. The choice
 * is made once per isolate, when its model registry is made, because loaded
 * models live in one runtime or the other.
 */
import type { ModelRuntime } from "../models/registry";
import {
	engineMemoryBytes,
	enginePeakBytes,
	engineStatus,
	isModelLoaded,
	loadModel,
	modelBytes,
	releaseModel,
	runModel,
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
