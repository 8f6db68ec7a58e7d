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
