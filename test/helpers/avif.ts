import avifDecode from "@jsquash/avif/codec/dec/avif_dec.js";
import avifDecWasm from "@jsquash/avif/codec/dec/avif_dec.wasm";
import type { Pixels } from "../../src/lib/pixels";

/**
 * libavif's decoder from the same package as the app's encoder: the tests and
 * the AVIF bench read outputs back with it (the app itself never decodes
 * AVIF). A fresh instance per call, from the precompiled module.
 */
export async function avifDecodeReference(bytes: Uint8Array): Promise<Pixels> {
	type Out = { data: Uint8ClampedArray; width: number; height: number } | null;
	type Dec = { decode(b: ArrayBuffer, bitDepth: number): Out };
	const m = await (avifDecode as unknown as (o: object) => Promise<Dec>)({
		noInitialRun: true,
		instantiateWasm: (imports: WebAssembly.Imports, done: (i: WebAssembly.Instance) => void) => {
			const created = new WebAssembly.Instance(avifDecWasm, imports);
			done(created);
			return created.exports;
		},
	});
	const out = m.decode(bytes.slice().buffer as ArrayBuffer, 8);
	if (!out) throw new Error("libavif could not decode the data");
	return { data: new Uint8ClampedArray(out.data), width: out.width, height: out.height };
}

export interface AvifBoxes {
	/** The ftyp box's major brand and compatible brands. */
	brands: string[];
	/** Width and height from the primary item's ispe property. */
	ispe: { width: number; height: number } | null;
}

const tag = (b: Uint8Array, at: number) => String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);
const u32 = (b: Uint8Array, at: number) => ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;

/**
 * Reads the ISO-BMFF structure of an AVIF file by hand (ftyp, then
 * meta > iprp > ipco > ispe), so a test checks the container independently
 * of libavif's own reader.
 */
export function readAvifBoxes(b: Uint8Array): AvifBoxes {
	const boxes: AvifBoxes = { brands: [], ispe: null };
	const walk = (start: number, end: number) => {
		let at = start;
		while (at + 8 <= end) {
			const size = u32(b, at);
			const type = tag(b, at + 4);
			const next = size === 0 ? end : at + size;
			if (size < 8 && size !== 0) return;
			if (type === "ftyp") {
				boxes.brands.push(tag(b, at + 8));
				for (let p = at + 16; p + 4 <= next; p += 4) boxes.brands.push(tag(b, p));
			} else if (type === "meta") {
				walk(at + 12, next); // a full box: version and flags come first
			} else if (type === "iprp" || type === "ipco") {
				walk(at + 8, next);
			} else if (type === "ispe" && !boxes.ispe) {
				boxes.ispe = { width: u32(b, at + 12), height: u32(b, at + 16) };
			}
			at = next;
		}
	};
	walk(0, b.length);
	return boxes;
}
