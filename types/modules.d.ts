// Module kinds that wrangler's rules (wrangler.toml) turn into values.
declare module "*.wasm" {
	const module: WebAssembly.Module;
	export default module;
}
declare module "*.png" {
	const bytes: ArrayBuffer;
	export default bytes;
}
declare module "*.jpg" {
	const bytes: ArrayBuffer;
	export default bytes;
}
declare module "*.webp" {
	const bytes: ArrayBuffer;
	export default bytes;
}
declare module "*.ppm" {
	const bytes: ArrayBuffer;
	export default bytes;
}
declare module "*.pgm" {
	const bytes: ArrayBuffer;
	export default bytes;
}
declare module "*.bin" {
	const bytes: ArrayBuffer;
	export default bytes;
}
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
