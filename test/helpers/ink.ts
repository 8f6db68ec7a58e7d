/** Engine model files as the tests and benchmarks vary them: the same weights under another header. */
import { type InkHeader, readInk } from "../../src/ocr/engine/format";

/** An .ink file of `header` over the weight area `weights`. */
export function inkFile(header: InkHeader, weights: Uint8Array): Uint8Array {
	const json = new TextEncoder().encode(JSON.stringify(header));
	// The weight area starts at the first 64-byte boundary after the header, as readInk expects.
	const start = Math.ceil((8 + json.byteLength) / 64) * 64;
	const out = new Uint8Array(start + weights.byteLength);
	out.set(new TextEncoder().encode("INK1"));
	new DataView(out.buffer).setUint32(4, json.byteLength, true);
	out.set(json, 8);
	out.set(weights, start);
	return out;
}

/** The .ink file `bytes` with its header replaced (the weight area is copied as it is). */
export function withHeader(bytes: Uint8Array, header: InkHeader): Uint8Array {
	return inkFile(header, readInk(bytes).weights);
}

/** The file without the engine's own 8-bit convs (`int8`): ORT's graphs, the recogniser's 8-bit nodes as quantize.mjs made them. */
export function withoutOwnInt8(bytes: Uint8Array): Uint8Array {
	const { header } = readInk(bytes);
	for (const n of header.nodes) delete n.int8;
	return withHeader(bytes, header);
}
