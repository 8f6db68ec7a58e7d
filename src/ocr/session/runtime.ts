/**
 * Building and starting one ORT runtime: a fresh copy of onnxruntime-web from
 * the generated factory, configured for one thread, with its wasm handed over
 * as the Module workerd gave us. Part of the session module (the only place
 * that imports onnxruntime-web); the lifecycle of runtimes lives in index.ts.
 *
 * workerd refuses to compile wasm from bytes, so ORT's wasm arrives as a
 * WebAssembly.Module through the bundler's CompiledWasm rule. ORT still wants
 * bytes (`env.wasm.wasmBinary`) and instantiates them itself; we give it a
 * small marker instead and, only while it starts, answer that one
 * instantiate call with the imported Module. Every other call passes through.
 */

import ortWasm from "onnxruntime-web/ort-wasm-simd-threaded.wasm";
import type { InferenceSession } from "onnxruntime-web/wasm";
import { createOrt, type Ort } from "../../../build/ort/factory.mjs";

// "\0asm" followed by a tag no real module carries: recognisable after ORT copies it.
const MARKER = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x69, 0x6e, 0x6b, 0x73, 0x74, 0x6f, 0x6e, 0x65]);

export interface Runtime {
	readonly ort: Ort;
	readonly sessions: Map<string, InferenceSession>;
	memory: WebAssembly.Memory | undefined;
}

/** A new, not yet started copy of ORT, set up for one thread and our wasm hand-over. */
export function newRuntime(): Runtime {
	const runtime: Runtime = { ort: createOrt(), sessions: new Map(), memory: undefined };
	const { env } = runtime.ort;
	env.wasm.numThreads = 1;
	env.wasm.proxy = false;
	env.wasm.simd = true;
	env.wasm.wasmBinary = MARKER;
	env.logLevel = "error";
	return runtime;
}

/** Starts the runtime by creating and releasing a probe session; throws ORT's own error. */
export async function boot(runtime: Runtime): Promise<void> {
	const probe = await withInstantiateHook(runtime, () =>
		runtime.ort.InferenceSession.create(probeModel(), sessionOptions()),
	);
	await probe.release();
}

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
export function preflight(): void {
	if (typeof SharedArrayBuffer === "undefined") throw new Error("SharedArrayBuffer is unavailable");
	// ORT's glue asks for this exact memory first; if the isolate cannot give it now, try later.
	new WebAssembly.Memory({ initial: 256, maximum: 65536, shared: true });
}

export function sessionOptions(): InferenceSession.SessionOptions {
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
