// Bench inputs made at run time from the fixtures (nothing large is committed):
// decode a fixture with the same jsquash codecs the app uses, resize it with
// bilinear sampling to the wanted size, and encode it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./server.mjs";

const NM = join(ROOT, "node_modules", "@jsquash");
const wasm = (p) => WebAssembly.compile(readFileSync(join(NM, p)));

let codecs;
async function load() {
	if (codecs) return codecs;
	const pngDec = await import(join(NM, "png", "decode.js"));
	const pngEnc = await import(join(NM, "png", "encode.js"));
	const jpegEnc = await import(join(NM, "jpeg", "encode.js"));
	const pngWasm = await wasm("png/codec/pkg/squoosh_png_bg.wasm");
	await pngDec.init(pngWasm);
	await pngEnc.init(pngWasm);
	const png = { decode: pngDec.default, encode: pngEnc.default };
	await jpegEnc.init(await wasm("jpeg/codec/enc/mozjpeg_enc.wasm"));
	codecs = { png, jpegEnc };
	return codecs;
}

export async function decodePng(path) {
	const { png } = await load();
	return png.decode(readFileSync(path));
}

export function resizeBilinear(img, w, h) {
	const out = new Uint8ClampedArray(w * h * 4);
	const sx = img.width / w;
	const sy = img.height / h;
	for (let y = 0; y < h; y++) {
		const fy = Math.max(0, (y + 0.5) * sy - 0.5);
		const y0 = Math.min(img.height - 1, Math.floor(fy));
		const y1 = Math.min(img.height - 1, y0 + 1);
		const wy = fy - y0;
		for (let x = 0; x < w; x++) {
			const fx = Math.max(0, (x + 0.5) * sx - 0.5);
			const x0 = Math.min(img.width - 1, Math.floor(fx));
			const x1 = Math.min(img.width - 1, x0 + 1);
			const wx = fx - x0;
			for (let c = 0; c < 4; c++) {
				const a = img.data[(y0 * img.width + x0) * 4 + c] * (1 - wx) + img.data[(y0 * img.width + x1) * 4 + c] * wx;
				const b = img.data[(y1 * img.width + x0) * 4 + c] * (1 - wx) + img.data[(y1 * img.width + x1) * 4 + c] * wx;
				out[(y * w + x) * 4 + c] = a * (1 - wy) + b * wy;
			}
		}
	}
	return { data: out, width: w, height: h };
}

// Baseline, as cameras write them: a progressive 12 MP JPEG needs more decode
// memory than the default budget and is refused with a 413.
export async function encodeJpeg(img, quality = 90) {
	const { jpegEnc } = await load();
	return new Uint8Array(await jpegEnc.default(img, { quality, progressive: false }));
}

export async function encodePng(img) {
	const { png } = await load();
	return new Uint8Array(await png.encode(img));
}

/** A JPEG photo of about `megapixels`, upscaled from a fixture photo. */
export async function photoJpeg(name, megapixels) {
	const src = await decodePng(join(ROOT, "..", "shared", "fixtures", "npr", `${name}.input.png`));
	const scale = Math.sqrt((megapixels * 1e6) / (src.width * src.height));
	const img = resizeBilinear(src, Math.round(src.width * scale), Math.round(src.height * scale));
	return { bytes: await encodeJpeg(img), width: img.width, height: img.height };
}
