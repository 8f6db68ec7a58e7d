/**
 * Reading the engine's model file (written by scripts/engine-models.mjs):
 * "INK1", a u32 header length, the JSON header, then float32 weights on
 * 64-byte boundaries. Only shapes and numbers are parsed here; weights are
 * copied straight from the file into wasm memory by the graph loader.
 */

export interface InkNode {
	op: string;
	inputs: (string | { weight: number })[];
	outputs: string[];
	/** Weight and bias indices of compute nodes (-1: no bias). */
	w?: number;
	b?: number;
	cout?: number;
	kernel?: number[];
	strides?: number[];
	pads?: number[];
	group?: number;
	act?: number;
	alpha?: number;
	beta?: number;
	eps?: number;
	perm?: number[];
	axis?: number;
	axes?: number[];
	starts?: number[];
	ends?: number[];
	to?: number;
	countIncludePad?: number;
	/** 8-bit weights and dynamically quantized input (scripts/quantize.mjs's scheme). */
	q8?: number;
	/** A conv the engine itself runs on 8-bit weights, its input quantized per call to codes of
	 * this many bits: 7 (the relaxed 8-bit dot) or 8 (as q8); chosen in scripts/engine-int8.json. */
	int8?: number;
}

export interface InkWeight {
	dims: number[];
	/** Byte offset in the weight area. */
	offset: number;
	/** Number of values. */
	length: number;
	/** "i8": s8 codes, one scale per channel in weight `scales` (f32), channels on dims[0] (axis 0) or the last dim (axis 1). */
	dtype?: "i8";
	scales?: number;
	axis?: 0 | 1;
}

/** Bytes a weight takes in the file. */
export const storedBytes = (w: InkWeight): number => w.length * (w.dtype === "i8" ? 1 : 4);

export interface InkHeader {
	version: number;
	inputs: { name: string; dims: number[] }[];
	outputs: string[];
	weights: InkWeight[];
	nodes: InkNode[];
	/** Small integer constants (shapes, bounds), by value name. */
	numbers: Record<string, { dims: number[]; values: number[] }>;
}

export interface InkFile {
	header: InkHeader;
	/** The weight area: header.weights offsets are relative to it. */
	weights: Uint8Array;
}

export class InkFormatError extends Error {}

export function readInk(bytes: Uint8Array): InkFile {
	const magic = String.fromCharCode(...bytes.subarray(0, 4));
	if (magic !== "INK1" || bytes.byteLength < 8) throw new InkFormatError("not an engine model file");
	const length = new DataView(bytes.buffer, bytes.byteOffset, 8).getUint32(4, true);
	if (8 + length > bytes.byteLength) throw new InkFormatError("truncated header");
	const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) as InkHeader;
	if (header.version !== 1) throw new InkFormatError(`unknown version ${header.version}`);
	const start = Math.ceil((8 + length) / 64) * 64;
	const weights = bytes.subarray(start);
	for (const w of header.weights) {
		if (w.offset + storedBytes(w) > weights.byteLength) throw new InkFormatError("truncated weights");
		if (w.dtype === "i8" && header.weights[w.scales ?? -1]?.dtype !== undefined)
			throw new InkFormatError("8-bit weight without float scales");
	}
	return { header, weights };
}
