/**
 * The ONNX Runtime wrapper: the only module that imports onnxruntime-web.
 *
 * Each runtime is a fresh copy of ORT that runtime.ts builds and starts
 * (workerd hands over ORT's wasm as an imported Module; runtime.ts says how
 * ORT is made to take it). This file owns their lifecycle and the sessions.
 *
 * ORT keeps its emscripten instance in module state, remembers a failed
 * start for that instance's life, and its heap never shrinks. So we do not
 * use the package's module directly: `build/ort/factory.mjs` (generated at
 * install) evaluates ORT afresh per call, and each runtime is a closure held
 * only by `current` and its sessions. When the last session is released we
 * drop it, and the garbage collector can take the whole heap; a weak
 * reference to each dropped heap lets status see whether it was collected.
 * V8 takes a dropped heap only in a later full collection, so until then the
 * dropped runtime stays weakly reachable, and a load in that window revives
 * it instead of building a second heap beside it. A runtime whose start
 * failed is thrown away for good, so the next request starts a new one.
 */

import type { InferenceSession, Tensor } from "onnxruntime-web/wasm";
import { UnavailableError, UnprocessableError } from "../../lib/errors";
import { boot, newRuntime, preflight, type Runtime, sessionOptions } from "./runtime";

export interface TensorIn {
	data: Float32Array;
	dims: readonly number[];
}
export interface TensorOut {
	data: Float32Array;
	dims: readonly number[];
}
/** idle: no runtime; failed: the last start failed (the next call tries a new runtime). */
export type RuntimeState = "idle" | "initializing" | "ready" | "failed";

const RETRY_AFTER_S = 5;

// Dropped heaps we keep watching (weakly); older ones only count.
const WATCH_LIMIT = 8;

let current: Runtime | undefined;
let starting: Promise<Runtime> | undefined;
const pending = new Map<string, Promise<void>>();
let state: RuntimeState = "idle";
let failure: string | undefined;
let peakBytes = 0;
let started = 0;
let dropped = 0;
let revived = 0;
let watched: WeakRef<WebAssembly.Memory>[] = [];
/** The last cleanly dropped runtime, until the collector takes it. */
let dormant: WeakRef<Runtime> | undefined;

function unavailable(): UnavailableError {
	return new UnavailableError("ocr_runtime_unavailable", "the OCR runtime could not start; retry later", RETRY_AFTER_S);
}

/** The running runtime, started on first use; concurrent callers share one start. */
function runtime(): Promise<Runtime> {
	if (current) return Promise.resolve(current);
	const asleep = dormant?.deref();
	dormant = undefined;
	if (asleep) {
		watched = watched.filter((w) => w.deref() !== asleep.memory);
		current = asleep;
		state = "ready";
		revived++;
		return Promise.resolve(asleep);
	}
	starting ??= start().finally(() => {
		starting = undefined;
	});
	return starting;
}

/** Starts the runtime if it is not running. A failed start leaves nothing behind to retry against. */
export async function initRuntime(): Promise<void> {
	await runtime();
}

async function start(): Promise<Runtime> {
	try {
		preflight();
	} catch {
		throw unavailable();
	}
	state = "initializing";
	const fresh = newRuntime();
	try {
		await boot(fresh);
	} catch (err) {
		state = "failed";
		failure = err instanceof Error ? err.message : String(err);
		drop(fresh, false);
		throw unavailable();
	}
	current = fresh;
	state = "ready";
	failure = undefined;
	started++;
	notePeak();
	return fresh;
}

/** Lets go of a runtime: from here on only weak references point at it and its heap. */
function drop(runtime: Runtime, reusable: boolean): void {
	if (current === runtime) current = undefined;
	if (runtime.memory) {
		dropped++;
		watched = [...watched.slice(1 - WATCH_LIMIT), new WeakRef(runtime.memory)];
	}
	runtime.sessions.clear();
	dormant = reusable ? new WeakRef(runtime) : undefined;
	if (state === "ready") state = "idle";
}

/** Forgets the dropped runtime as the collector would, so tests can take the fresh-start path. */
export function forgetDroppedRuntimeForTest(): void {
	dormant = undefined;
}

async function create(name: string, bytes: Uint8Array): Promise<void> {
	const rt = await runtime();
	let session: InferenceSession;
	try {
		session = await rt.ort.InferenceSession.create(bytes, sessionOptions());
	} catch {
		throw new UnavailableError("model_invalid", `model "${name}" could not be loaded`, RETRY_AFTER_S);
	}
	rt.sessions.set(name, session);
	notePeak();
}

/** Creates the session for `name` from ONNX bytes; resolves once it can run. Idempotent. */
export function loadSession(name: string, bytes: ArrayBuffer | Uint8Array): Promise<void> {
	if (current?.sessions.has(name)) return Promise.resolve();
	const inFlight = pending.get(name);
	if (inFlight) return inFlight;
	const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
	const p = create(name, view).finally(() => {
		pending.delete(name);
		dropIfUnused();
	});
	pending.set(name, p);
	return p;
}

/**
 * Releases the session. When it was the last one (and no load is under
 * way) the runtime itself is dropped, so its heap can be collected.
 */
export async function releaseSession(name: string): Promise<boolean> {
	const rt = current;
	const session = rt?.sessions.get(name);
	if (!rt || !session) return false;
	rt.sessions.delete(name);
	await session.release();
	dropIfUnused();
	return true;
}

function dropIfUnused(): void {
	if (current && current.sessions.size === 0 && pending.size === 0) drop(current, true);
}

export function isLoaded(name: string): boolean {
	return current?.sessions.has(name) ?? false;
}

export function loadedSessions(): string[] {
	return [...(current?.sessions.keys() ?? [])];
}

/** Runs one model; outputs are copied out of wasm memory, so they outlive the call. */
export async function run(name: string, feeds: Record<string, TensorIn>): Promise<Record<string, TensorOut>> {
	const rt = current;
	const session = rt?.sessions.get(name);
	if (!rt || !session) throw new UnavailableError("model_not_loaded", `model "${name}" is not loaded`, 1);
	const inputs: Record<string, Tensor> = {};
	for (const [key, t] of Object.entries(feeds)) inputs[key] = new rt.ort.Tensor("float32", t.data, t.dims);
	let results: InferenceSession.OnnxValueMapType;
	try {
		results = await session.run(inputs);
	} catch {
		throw new UnprocessableError("inference_failed", `model "${name}" could not process the input`);
	} finally {
		notePeak();
	}
	const out: Record<string, TensorOut> = {};
	for (const [key, t] of Object.entries(results)) {
		out[key] = { data: t.data as Float32Array, dims: t.dims };
		t.dispose();
	}
	// A run is one long synchronous wasm call and ORT's promise chain never
	// yields to the event loop, so without this a whole OCR request would hold
	// the isolate: no other request could be read, reach admission or be refused.
	await new Promise((resolve) => setTimeout(resolve, 0));
	return out;
}

function notePeak(): void {
	peakBytes = Math.max(peakBytes, wasmMemoryBytes());
}

/** A model's first output: each OCR model has exactly one. */
export function firstOutput(out: Record<string, TensorOut>): TensorOut {
	const t = Object.values(out)[0];
	if (!t) throw new UnprocessableError("inference_failed", "a model returned no output");
	return t;
}

/** Current size of the running runtime's wasm memory in bytes (0 when none runs). */
export function wasmMemoryBytes(): number {
	return current?.memory?.buffer.byteLength ?? 0;
}

/** Largest wasm memory any runtime of this isolate reached. */
export function wasmPeakBytes(): number {
	return peakBytes;
}

/**
 * Heaps of dropped runtimes, and how many of the last few are still alive.
 * V8 frees a dropped wasm memory only in a full collection, which workerd
 * runs when memory is short (measured: ten 200 MB memories made and dropped
 * in turn left RSS where one put it), so "alive" is normal for a while.
 */
export function droppedHeaps(): { total: number; revived: number; alive: number; aliveBytes: number } {
	const alive = watched.map((w) => w.deref()).filter((m): m is WebAssembly.Memory => m !== undefined);
	return {
		total: dropped,
		revived,
		alive: alive.length,
		aliveBytes: alive.reduce((n, m) => n + m.buffer.byteLength, 0),
	};
}

export interface RuntimeStatus {
	state: RuntimeState;
	error?: string;
	sessions: string[];
	wasmBytes: number;
	/** Runtimes started in this isolate so far. */
	started: number;
	dropped: ReturnType<typeof droppedHeaps>;
}

export function runtimeStatus(): RuntimeStatus {
	const status: RuntimeStatus = {
		state,
		sessions: loadedSessions(),
		wasmBytes: wasmMemoryBytes(),
		started,
		dropped: droppedHeaps(),
	};
	if (failure) status.error = failure;
	return status;
}
