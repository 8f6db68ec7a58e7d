/**
 * A fresh instance of one of our AssemblyScript kernels (assembly/*.ts, built
 * into build/kernels/), from its precompiled module: workerd will not compile
 * wasm from bytes. AssemblyScript's `abort` (an assertion or an out-of-range
 * allocation inside the kernel) becomes a trap, which callers already treat
 * as a failed call whose instance is dropped. `imports` are the kernel's other
 * host functions (assembly/host/env.ts).
 */
export function instantiateKernel<K>(
	module: WebAssembly.Module,
	name: string,
	imports: Record<string, (...args: never[]) => unknown> = {},
): K {
	const env = {
		...imports,
		abort() {
			throw new WebAssembly.RuntimeError(`${name} kernel abort`);
		},
	};
	return new WebAssembly.Instance(module, { env }).exports as unknown as K;
}
