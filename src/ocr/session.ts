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

import ortWasm from "onnxruntime-web/ort-wasm-simd-threaded.wasm";
import type { InferenceSession, Tensor } from "onnxruntime-web/wasm";
import { createOrt, type Ort } from "../../build/ort/factory.mjs";
import { UnavailableError, UnprocessableError } from "../lib/errors";

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

// "\0asm" followed by a tag no real module carries: recognisable after ORT copies it.
const MARKER = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x69, 0x6e, 0x6b, 0x73, 0x74, 0x6f, 0x6e, 0x65]);
const RETRY_AFTER_S = 5;

interface Runtime {
	readonly ort: Ort;
	readonly sessions: Map<string, InferenceSession>;
	memory: WebAssembly.Memory | undefined;
}

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
async function withInstantiateHook<T>(runtime: Runtime, fn: () => Promise<T>): Promise<T> {
	const original = WebAssembly.instantiate;
	const hooked = (source: unknown, imports?: WebAssembly.Imports): Promise<unknown> => {
		if (!isMarker(source))
			return (original as (s: unknown, i?: WebAssembly.Imports) => Promise<unknown>)(source, imports);
		runtime.memory = findMemory(imports);
		return original(ortWasm, imports).then((instance) => ({ module: ortWasm, instance }));
	};
	WebAssembly.instantiate = hooked as typeof WebAssembly.instantiate;
	// ORT 1.30 ships only its threaded build. Its glue decides while starting up whether
	// Atomics.waitAsync exists and, if so, parks a never-settling wait on the main thread's
	// mailbox in the shared memory (measured: one call). With one thread nothing ever posts
	// there, and that parked wait would keep the heap reachable after we drop the runtime,
	// so hiding the function for this window sends the glue down its no-wait path.
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

/** Checks that can fail for passing reasons, before any runtime is built. */
function preflight(): void {
	if (typeof SharedArrayBuffer === "undefined") throw new Error("SharedArrayBuffer is unavailable");
	// ORT's glue asks for this exact memory first; if the isolate cannot give it now, try later.
	new WebAssembly.Memory({ initial: 256, maximum: 65536, shared: true });
}

function unavailable(): UnavailableError {
	return new UnavailableError("ocr_runtime_unavailable", "the OCR runtime could not start; retry later", RETRY_AFTER_S);
}

function sessionOptions(): InferenceSession.SessionOptions {
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
	const fresh: Runtime = { ort: createOrt(), sessions: new Map(), memory: undefined };
	fresh.ort.env.wasm.numThreads = 1;
	fresh.ort.env.wasm.proxy = false;
	fresh.ort.env.wasm.simd = true;
	fresh.ort.env.wasm.wasmBinary = MARKER;
	fresh.ort.env.logLevel = "error";
	try {
		const probe = await withInstantiateHook(fresh, () =>
			fresh.ort.InferenceSession.create(probeModel(), sessionOptions()),
		);
		await probe.release();
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
