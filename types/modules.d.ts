// The module kinds of wrangler.toml's rules (*.wasm, *.png, ...) are declared in the generated
// worker-configuration.d.ts (`npm run types`).
// The part of workerd's node:zlib (nodejs_compat) that the PNG codec uses (src/codecs/png/inflate-native.ts, deflate.ts).
declare module "node:zlib" {
	const zlib: {
		createInflate(options?: { chunkSize?: number }): unknown;
		deflateSync(data: Uint8Array, options?: { finishFlush?: number }): Uint8Array;
		createDeflate?(options?: { level?: number; strategy?: number }): unknown;
		constants: { Z_NO_FLUSH: number; Z_SYNC_FLUSH: number; Z_FILTERED?: number };
	};
	export default zlib;
}
