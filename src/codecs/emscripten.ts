import type { HeapMeter } from "./meter";

type Factory = (options: object) => Promise<unknown>;

/**
 * Runs `use` on a fresh instance of an emscripten codec (libwebp, libavif),
 * made from its precompiled module (workerd will not compile wasm from
 * bytes) and referenced by this call alone. A heap never shrinks, so an
 * instance kept between requests would hold what its largest image needed;
 * dropped after each call, its heap is garbage as soon as the call ends, and
 * an aborted runtime can never poison a later call. The meter counts the
 * heap as live while the call runs and records the size it reached.
 */
export async function withEmscripten<M, T>(
	meter: HeapMeter,
	factory: unknown,
	module: WebAssembly.Module,
	use: (m: M) => T,
): Promise<T> {
	let memory: WebAssembly.Memory | undefined;
	const instance = (await (factory as Factory)({
		noInitialRun: true,
		instantiateWasm: (imports: WebAssembly.Imports, done: (i: WebAssembly.Instance) => void) => {
			const created = new WebAssembly.Instance(module, imports);
			memory = Object.values(created.exports).find((e) => e instanceof WebAssembly.Memory);
			done(created);
			return created.exports;
		},
	})) as M;
	if (memory) meter.start(memory);
	try {
		return use(instance);
	} finally {
		if (memory) meter.end(memory);
	}
}
