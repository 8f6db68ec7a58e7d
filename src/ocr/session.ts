/**
 * The ONNX Runtime wrapper: the only module that imports onnxruntime-web.
 *
 * workerd refuses to compile wasm from bytes, so ORT's wasm arrives as a
 * WebAssembly.Module through the bundler's CompiledWasm rule. ORT's bundle
 * build still wants bytes (`env.wasm.wasmBinary`) and instantiates them
 * itself; we give it a small marker instead and, only while its
 * initialisation runs, answer that one instantiate call with the imported
 * Module. Every other instantiate call passes through untouched.
 *
 * ORT 1.30 remembers a failed initialisation for the life of its module
 * instance, and a module cannot be re-imported inside an isolate. So we run
 * every check that could fail transiently before handing control to ORT
 * (those failures are retried on a later call), and if ORT itself fails we
 * answer 503 for OCR only: nothing else in the isolate depends on this file.
 */

import ortWasm from "onnxruntime-web/ort-wasm-simd-threaded.wasm";
import * as ort from "onnxruntime-web/wasm";
import { UnavailableError, UnprocessableError } from "../lib/errors";

export interface TensorIn {
	data: Float32Array;
	dims: readonly number[];
}
export interface TensorOut {
	data: Float32Array;
	dims: readonly number[];
}
export type RuntimeState = "idle" | "initializing" | "ready" | "failed";

// "\0asm" followed by a tag no real module carries: recognisable after ORT copies it.
const MARKER = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x69, 0x6e, 0x6b, 0x73, 0x74, 0x6f, 0x6e, 0x65]);
const RETRY_AFTER_S = 5;

const sessions = new Map<string, ort.InferenceSession>();
const pending = new Map<string, Promise<void>>();
let state: RuntimeState = "idle";
let failure: string | undefined;
let memory: WebAssembly.Memory | undefined;
let peakBytes = 0;

ort.env.wasm.numThreads = 1;
ort.env.wasm.proxy = false;
ort.env.wasm.simd = true;
ort.env.wasm.wasmBinary = MARKER;
ort.env.logLevel = "error";

function isMarker(source: unknown): boolean {
	let bytes: Uint8Array | undefined;
	if (source instanceof Uint8Array) bytes = source;
	else if (source instanceof ArrayBuffer) bytes = new Uint8Array(source);
	if (!bytes || bytes.byteLength !== MARKER.byteLength) return false;
	return bytes.every((b, i) => b === MARKER[i]);
}

function findMemory(imports: WebAssembly.Imports | undefined): WebAssembly.Memory | undefined {
	for (const ns of Object.values(imports ?? {})) {
		for (const value of Object.values(ns)) if (value instanceof WebAssembly.Memory) return value;
	}
	return undefined;
}

/** Runs `fn` with WebAssembly.instantiate answering ORT's marker with the imported Module. */
async function withInstantiateHook<T>(fn: () => Promise<T>): Promise<T> {
	const original = WebAssembly.instantiate;
	const hooked = (source: unknown, imports?: WebAssembly.Imports): Promise<unknown> => {
		if (!isMarker(source))
			return (original as (s: unknown, i?: WebAssembly.Imports) => Promise<unknown>)(source, imports);
		memory = findMemory(imports);
		return original(ortWasm, imports).then((instance) => ({ module: ortWasm, instance }));
	};
	WebAssembly.instantiate = hooked as typeof WebAssembly.instantiate;
	// ORT 1.30 ships only its threaded build. Its glue decides while starting up whether
	// Atomics.waitAsync exists and, if so, parks a never-settling wait on the main thread's
	// mailbox in the shared memory (measured: one call). With one thread nothing ever posts
	// there, so hiding the function for this window sends the glue down its no-wait path.
	const atomics = Atomics as unknown as { waitAsync?: unknown };
	const waitAsync = atomics.waitAsync;
	atomics.waitAsync = undefined;
	try {
		return await fn();
	} finally {
		WebAssembly.instantiate = original;
		atomics.waitAsync = waitAsync;
	}
}

/** Checks that can fail for passing reasons; a failure here leaves ORT untouched and retryable. */
function preflight(): void {
	if (typeof SharedArrayBuffer === "undefined") throw new Error("SharedArrayBuffer is unavailable");
	// ORT's glue asks for this exact memory first; if the isolate cannot give it now, try later.
	new WebAssembly.Memory({ initial: 256, maximum: 65536, shared: true });
}

function unavailable(): UnavailableError {
	return new UnavailableError("ocr_runtime_unavailable", "the OCR runtime could not start; retry later", RETRY_AFTER_S);
}

function sessionOptions(): ort.InferenceSession.SessionOptions {
	// No arena and no memory pattern: ORT then mallocs per tensor and frees eagerly, so
	// wasm memory follows the live working set instead of the arena's high-water mark.
	return {
		executionProviders: ["wasm"],
		graphOptimizationLevel: "all",
		enableCpuMemArena: false,
		enableMemPattern: false,
		executionMode: "sequential",
	};
}

// A one-node Identity graph (float[1] -> float[1]), encoded by hand so that starting the
// runtime never depends on a model file: a failure here is the runtime's, not a model's.
function probeModel(): Uint8Array {
	const len = (b: number[]) => [b.length, ...b];
	const msg = (field: number, b: number[]) => [(field << 3) | 2, ...len(b)];
	const str = (field: number, s: string) => msg(field, [...new TextEncoder().encode(s)]);
	const int = (field: number, v: number) => [field << 3, v];
	const tensor = msg(1, [...int(1, 1), ...msg(2, msg(1, int(1, 1)))]);
	const value = (name: string) => [...str(1, name), ...msg(2, tensor)];
	const node = [...str(1, "x"), ...str(2, "y"), ...str(4, "Identity")];
	const graph = [...msg(1, node), ...str(2, "probe"), ...msg(11, value("x")), ...msg(12, value("y"))];
	return new Uint8Array([...int(1, 7), ...msg(7, graph), ...msg(8, [...str(1, ""), ...int(2, 13)])]);
}

let starting: Promise<void> | undefined;

/** Starts ORT once per isolate. Transient failures stay retryable; ORT's own failure is final. */
export function initRuntime(): Promise<void> {
	if (state === "ready") return Promise.resolve();
	if (state === "failed") return Promise.reject(unavailable());
	starting ??= start().finally(() => {
		starting = undefined;
	});
	return starting;
}

async function start(): Promise<void> {
	try {
		preflight();
	} catch {
		throw unavailable();
	}
	state = "initializing";
	try {
		const probe = await withInstantiateHook(() => ort.InferenceSession.create(probeModel(), sessionOptions()));
		await probe.release();
		state = "ready";
		notePeak();
	} catch (err) {
		state = "failed";
		failure = err instanceof Error ? err.message : String(err);
		throw unavailable();
	}
}

async function create(name: string, bytes: Uint8Array): Promise<void> {
	await initRuntime();
	let session: ort.InferenceSession;
	try {
		session = await ort.InferenceSession.create(bytes, sessionOptions());
	} catch {
		throw new UnavailableError("model_invalid", `model "${name}" could not be loaded`, RETRY_AFTER_S);
	}
	sessions.set(name, session);
	notePeak();
}

/** Creates the session for `name` from ONNX bytes; resolves once it can run. Idempotent. */
export function loadSession(name: string, bytes: ArrayBuffer | Uint8Array): Promise<void> {
	if (sessions.has(name)) return Promise.resolve();
	const inFlight = pending.get(name);
	if (inFlight) return inFlight;
	const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
	const p = create(name, view).finally(() => pending.delete(name));
	pending.set(name, p);
	return p;
}

/** Frees the session's weights inside wasm memory (the memory itself never shrinks). */
export async function releaseSession(name: string): Promise<boolean> {
	const session = sessions.get(name);
	if (!session) return false;
	sessions.delete(name);
	await session.release();
	return true;
}

export function isLoaded(name: string): boolean {
	return sessions.has(name);
}

export function loadedSessions(): string[] {
	return [...sessions.keys()];
}

/** Runs one model; outputs are copied out of wasm memory, so they outlive the call. */
export async function run(name: string, feeds: Record<string, TensorIn>): Promise<Record<string, TensorOut>> {
	const session = sessions.get(name);
	if (!session) throw new UnavailableError("model_not_loaded", `model "${name}" is not loaded`, 1);
	const inputs: Record<string, ort.Tensor> = {};
	for (const [key, t] of Object.entries(feeds)) inputs[key] = new ort.Tensor("float32", t.data, t.dims);
	let results: ort.InferenceSession.OnnxValueMapType;
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

/** Current size of ORT's wasm memory in bytes (0 before the runtime starts). */
export function wasmMemoryBytes(): number {
	return memory?.buffer.byteLength ?? 0;
}

/** Largest wasm memory seen after a load or a run; memory never shrinks, so this is also the current size. */
export function wasmPeakBytes(): number {
	return peakBytes;
}

export function runtimeStatus(): { state: RuntimeState; error?: string; sessions: string[]; wasmBytes: number } {
	const status: { state: RuntimeState; error?: string; sessions: string[]; wasmBytes: number } = {
		state,
		sessions: loadedSessions(),
		wasmBytes: wasmMemoryBytes(),
	};
	if (failure) status.error = failure;
	return status;
}
