// Bundles the app's TypeScript for Node with esbuild, for benches that run the
// app's own code and kernels without workerd. The Worker imports each .wasm as
// a compiled WebAssembly.Module; under Node the same bytes are compiled here,
// so the kernels measured are the ones the Worker loads.
import { createRequire } from "node:module";
import { join } from "node:path";
import { build } from "esbuild";

const wasmModules = {
	name: "wasm-module",
	setup(b) {
		// Relative imports (our kernels) and package ones (the jsquash references) alike.
		b.onResolve({ filter: /\.wasm$/ }, (a) => ({
			path: a.path.startsWith(".")
				? join(a.resolveDir, a.path)
				: createRequire(join(a.resolveDir, "x.js")).resolve(a.path),
			namespace: "wasm",
		}));
		b.onLoad({ filter: /.*/, namespace: "wasm" }, (a) => ({
			contents: `import { readFileSync } from "node:fs"; export default new WebAssembly.Module(readFileSync(${JSON.stringify(a.path)}));`,
			loader: "js",
		}));
	},
};

/** Bundles `entry` (a file path, or { contents, resolveDir } for an inline entry) to `outfile` as Node ESM. */
export async function bundleForNode(entry, outfile) {
	const input = typeof entry === "string" ? { entryPoints: [entry] } : { stdin: { ...entry, loader: "ts" } };
	await build({
		...input,
		bundle: true,
		platform: "node",
		format: "esm",
		outfile,
		logLevel: "warning",
		plugins: [wasmModules],
	});
	return outfile;
}
