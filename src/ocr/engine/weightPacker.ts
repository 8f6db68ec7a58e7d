/**
 * How each node's weight is laid out for its kernel: the packed form's size
 * and the call that fills it from the weight's floats, or nothing for a node
 * whose kernel reads the floats as stored. The plan places the packed bytes
 * once, at load, so every run reads them as the kernels want them.
 */
import type { InkNode } from "./format";
import type { Kernels } from "./kernels";
import { EngineError } from "./tensor";

export interface WeightPacker {
	bytes: number;
	pack: (src: number, dst: number) => void;
}

/**
 * The 8-bit GEMMs list a panel's flagged quad blocks by a 14-bit index
 * (_infer_q8_panels.ts), so a node's depth (K = input channels x kernel taps)
 * is at most 65536; a file past that is refused at load rather than misread.
 */
export const MAX_DEPTH_8BIT = 65536;

function checkDepth8(depth: number): void {
	if (depth > MAX_DEPTH_8BIT) throw new EngineError(`an 8-bit node of depth ${depth} exceeds ${MAX_DEPTH_8BIT}`);
}

/** The packed form `node`'s kernel reads of a weight of `dims`, if it reads one. */
export function weightPacker(k: Kernels, node: InkNode, dims: readonly number[]): WeightPacker | undefined {
	const [a, b, c, d] = dims as [number, number, number, number];
	if (node.op === "Conv" && (node.q8 || node.int8)) {
		checkDepth8(b * c * d);
		return { bytes: k.conv8PackedBytes(a, b, c, d), pack: (src, dst) => k.conv8Pack(src, dst, a, b, c, d) };
	}
	if (node.op === "Conv") {
		const g = node.group ?? 1;
		return { bytes: k.convPackedBytes(a, b, c, d, g), pack: (src, dst) => k.convPack(src, dst, a, b, c, d, g) };
	}
	if (node.op === "ConvTranspose")
		return {
			bytes: k.convTransposePackedBytes(a, b, c, d),
			pack: (src, dst) => k.convTransposePack(src, dst, a, b, c, d),
		};
	if (node.op === "Gemm" && node.q8) {
		// Builds of the kernels from before linear8 (a side-by-side benchmark's baseline) pack for their gemmInt8.
		if (k.gemmInt8Pack && k.gemmInt8PackedBytes && typeof k.linear8Pack !== "function") {
			const [bytes, pack] = [k.gemmInt8PackedBytes, k.gemmInt8Pack];
			return { bytes: bytes(a, b), pack: (src, dst) => pack(src, dst, a, b) };
		}
		checkDepth8(a);
		return { bytes: k.conv8PackedBytes(b, a, 1, 1), pack: (src, dst) => k.linear8Pack(src, dst, a, b) };
	}
	return undefined;
}
