/**
 * The nodes that do arithmetic in the kernels: convolutions, GEMMs, the
 * attention MatMul, layer norm, softmax, pooling and resize. Each takes its
 * inputs' storage and returns a new tensor; batch images go through the
 * kernels one at a time (they take batch 1), which for NCHW is just an
 * offset per image.
 */
import type { Heap } from "./heap";
import { ACT } from "./kernels";
import type { PlannedNode } from "./plan";
import { asFloat, count, EngineError, type FloatValue, newFloat, reusable, type Value } from "./tensor";

export type Op = (heap: Heap, node: PlannedNode, inputs: (Value | undefined)[]) => Value[];

/** The fused activation of a compute node: code, alpha, beta. */
const epilogue = (node: PlannedNode) => [node.act ?? ACT.none, node.alpha ?? 0, node.beta ?? 0] as const;

/** Runs a conv node's kernel calls with its post affine (plan.ts fuses a following Affine) on, then off. */
function withPost(heap: Heap, node: PlannedNode, calls: () => void): void {
	if (!node.post) {
		calls();
		return;
	}
	heap.kernels.setPost(1, node.post[0], node.post[1]);
	try {
		calls();
	} finally {
		heap.kernels.setPost(0, 1, 0);
	}
}

function out2d(h: number, k: number, s: number, p0: number, p1: number): number {
	const o = Math.floor((h + p0 + p1 - k) / s) + 1;
	if (!(o >= 1)) throw new EngineError(`a ${k}-wide window does not fit ${h} (+${p0 + p1} padding)`);
	return o;
}

/** The four dims of an NCHW input whose channel count is `channels`; the kernels trust these. */
function nchw(x: FloatValue, channels: number | undefined, what: string): [number, number, number, number] {
	if (x.dims.length !== 4 || (channels !== undefined && x.dims[1] !== channels))
		throw new EngineError(`${what}: input [${x.dims}] is not NCHW with ${channels} channels`);
	return x.dims as [number, number, number, number];
}

const conv: Op = (heap, node, [input]) => {
	const x = asFloat(input, "Conv");
	const [n, cin, h, w] = nchw(x, (node.wdims?.[1] as number) * (node.group as number), "Conv");
	const [kh, kw] = node.kernel as [number, number];
	const [sh, sw] = node.strides as [number, number];
	const [pt, pl, pb, pr] = node.pads as [number, number, number, number];
	const cout = node.cout as number;
	const group = node.group as number;
	const oh = out2d(h, kh, sh, pt, pb);
	const ow = out2d(w, kw, sw, pl, pr);
	const y = newFloat(heap, [n, cout, oh, ow]);
	node.macs += n * cout * oh * ow * (cin / group) * kh * kw;
	if (node.q8 || node.int8) {
		withPost(heap, node, () => conv8(heap, node, x, y));
		return [y];
	}
	const k = heap.kernels;
	const shape = [cin, h, w, cout, kh, kw, sh, sw, pt, pl, pb, pr] as const;
	const scratchBytes = k.convScratchBytes(...shape, group);
	const scratch = scratchBytes > 0 ? heap.alloc(scratchBytes) : undefined;
	try {
		withPost(heap, node, () => {
			for (let i = 0; i < n; i++) {
				const [xi, yi] = [x.ptr + i * cin * h * w * 4, y.ptr + i * cout * oh * ow * 4];
				k.conv2d(xi, node.wp, node.bp, yi, scratch?.ptr ?? 0, ...shape, group, ...epilogue(node));
			}
		});
	} finally {
		if (scratch) heap.release(scratch);
	}
	return [y];
};

/**
 * An 8-bit convolution: the whole input tensor quantized once (one scale
 * and zero point, as DynamicQuantizeLinear gives for the tensor), then the
 * integer kernel per image, which dequantizes in its epilogue.
 */
function conv8(heap: Heap, node: PlannedNode, x: FloatValue, y: FloatValue): void {
	const k = heap.kernels;
	const [n, cin, h, w] = x.dims as [number, number, number, number];
	const [, cout, oh, ow] = y.dims as [number, number, number, number];
	const [kh, kw] = node.kernel as [number, number];
	const [sh, sw] = node.strides as [number, number];
	const [pt, pl, pb, pr] = node.pads as [number, number, number, number];
	const plane = cin * h * w;
	// The quantization header follows the codes at a 64-byte boundary, inside the block.
	const codes = Math.ceil((n * plane) / 64) * 64;
	const q = heap.alloc(codes + k.q8ParamsBytes());
	const params = q.ptr + codes;
	const shape = [cin, h, w, cout, kh, kw, sh, sw, pt, pl, pb, pr] as const;
	// Both on the relaxed 8-bit dot: 7-bit codes as they are, 8-bit ones split (ORT's ConvInteger sums).
	const bits = node.int8 === 7 ? 7 : 8;
	const scratch = heap.alloc(Math.max(16, k.conv8ScratchBytes(bits, ...shape)));
	try {
		if (bits === 7) k.quantize7(x.ptr, n * plane, q.ptr, params);
		else k.quantizeU8(x.ptr, n * plane, q.ptr, params);
		for (let i = 0; i < n; i++) {
			const yi = y.ptr + i * cout * oh * ow * 4;
			k.conv8(bits, q.ptr + i * plane, params, node.wp, node.bp, yi, scratch.ptr, ...shape, ...epilogue(node));
		}
	} finally {
		heap.release(scratch);
		heap.release(q);
	}
}

const convTranspose: Op = (heap, node, [input]) => {
	const x = asFloat(input, "ConvTranspose");
	const [n, cin, h, w] = nchw(x, node.wdims?.[0], "ConvTranspose");
	const [kh, kw] = node.kernel as [number, number];
	const cout = node.cout as number;
	const y = newFloat(heap, [n, cout, h * kh, w * kw]);
	withPost(heap, node, () => {
		for (let i = 0; i < n; i++) {
			const [xi, yi] = [x.ptr + i * cin * h * w * 4, y.ptr + i * cout * h * kh * w * kw * 4];
			heap.kernels.convTranspose2d(xi, node.wp, node.bp, yi, cin, h, w, cout, kh, kw, ...epilogue(node));
		}
	});
	node.macs += n * cin * cout * h * w * kh * kw;
	return [y];
};

/** x [..., K] times a constant [K, N] (+ bias, activation). */
const gemm: Op = (heap, node, [input]) => {
	const x = asFloat(input, "Gemm");
	const [kdim, ndim] = node.wdims as [number, number];
	if (x.dims.at(-1) !== kdim) throw new EngineError(`Gemm: inner size ${x.dims.at(-1)} is not ${kdim}`);
	const m = count(x.dims) / kdim;
	const y = newFloat(heap, [...x.dims.slice(0, -1), ndim]);
	const k = heap.kernels;
	if (node.q8) gemm8(heap, node, x, y, m, kdim, ndim);
	else k.gemm(x.ptr, node.wp, node.bp, y.ptr, m, kdim, ndim, ...epilogue(node));
	node.macs += m * kdim * ndim;
	return [y];
};

/**
 * An 8-bit Gemm: the input quantized once, as a whole tensor, then the
 * integer product with its epilogue (linear8; an older build's i16 kernels
 * when it has no linear8).
 */
function gemm8(
	heap: Heap,
	node: PlannedNode,
	x: FloatValue,
	y: FloatValue,
	m: number,
	kdim: number,
	ndim: number,
): void {
	const k = heap.kernels;
	// Builds of the kernels from before linear8 (a side-by-side benchmark's baseline).
	const old = typeof k.linear8 === "function" ? undefined : k;
	if (old?.quantizeRowsBytes && old.quantizeRows && old.gemmInt8) {
		const q = heap.alloc(old.quantizeRowsBytes(m, kdim));
		try {
			old.quantizeRows(x.ptr, q.ptr, m, kdim);
			old.gemmInt8(q.ptr, node.wp, node.bp, y.ptr, m, kdim, ndim, ...epilogue(node));
		} finally {
			heap.release(q);
		}
		return;
	}
	const scratch = heap.alloc(k.linear8ScratchBytes(m, kdim));
	try {
		k.linear8(x.ptr, m, kdim, node.wp, node.bp, y.ptr, ndim, scratch.ptr, ...epilogue(node));
	} finally {
		heap.release(scratch);
	}
}

/** Both operands computed: [..., M, K] x [..., K, N] with equal leading dims. */
const matmul: Op = (heap, node, [ia, ib]) => {
	const a = asFloat(ia, "MatMul");
	const b = asFloat(ib, "MatMul");
	const [m, k] = a.dims.slice(-2) as [number, number];
	const [k2, nn] = b.dims.slice(-2) as [number, number];
	const batch = count(a.dims.slice(0, -2));
	if (k !== k2 || batch !== count(b.dims.slice(0, -2))) throw new EngineError("MatMul: shapes do not match");
	const y = newFloat(heap, [...a.dims.slice(0, -2), m, nn]);
	heap.kernels.matmulBatched(a.ptr, b.ptr, y.ptr, batch, m, k, nn);
	node.macs += batch * m * k * nn;
	return [y];
};

const layerNorm: Op = (heap, node, [input]) => {
	const x = asFloat(input, "LayerNorm");
	const cols = x.dims.at(-1) as number;
	const y = newFloat(heap, [...x.dims]);
	heap.kernels.layerNorm(x.ptr, node.wp, node.bp, y.ptr, count(x.dims) / cols, cols, node.eps as number);
	return [y];
};

const softmax: Op = (heap, node, [input]) => {
	const x = asFloat(input, "Softmax");
	const rank = x.dims.length;
	const axis = (node.axis ?? -1) < 0 ? (node.axis as number) + rank : (node.axis as number);
	// Opset 11 semantics: flattened to 2-D at `axis`.
	const rows = count(x.dims.slice(0, axis));
	const y = reusable(x, node.dying[0], x.dims) ?? newFloat(heap, [...x.dims]);
	heap.kernels.softmax(x.ptr, y.ptr, rows, count(x.dims) / rows);
	return [y];
};

const globalAvgPool: Op = (heap, _node, [input]) => {
	const x = asFloat(input, "GlobalAveragePool");
	const [n, c] = nchw(x, undefined, "GlobalAveragePool");
	const y = newFloat(heap, [n, c, 1, 1]);
	heap.kernels.globalAvgPool(x.ptr, y.ptr, n * c, count(x.dims.slice(2)));
	return [y];
};

const pool =
	(kind: number): Op =>
	(heap, node, [input]) => {
		const x = asFloat(input, "Pool");
		const [n, c, h, w] = nchw(x, undefined, "Pool");
		const [kh, kw] = node.kernel as [number, number];
		const [sh, sw] = node.strides as [number, number];
		const [pt, pl, pb, pr] = node.pads as [number, number, number, number];
		const oh = out2d(h, kh, sh, pt, pb);
		const ow = out2d(w, kw, sw, pl, pr);
		const y = newFloat(heap, [n, c, oh, ow]);
		heap.kernels.pool2d(kind, x.ptr, y.ptr, n * c, h, w, kh, kw, sh, sw, pt, pl, pb, pr, node.countIncludePad ?? 0);
		return [y];
	};

/** Nearest neighbour (asymmetric, floor), to the size its scales or sizes give. */
/** The height and width a nearest Resize of an h x w map makes, from its sizes or its scales operand. */
export function resizedSize(heap: Heap, h: number, w: number, scales?: Value, sizes?: Value): [number, number] {
	let oh: number;
	let ow: number;
	if (sizes && count(sizes.dims) === 4) {
		const s = sizes.kind === "int" ? sizes.values : Array.from(heap.f32(sizes.ptr, 4));
		[oh, ow] = [s[2] as number, s[3] as number];
	} else {
		const sv = asFloat(scales, "Resize scales");
		const s = heap.f32(sv.ptr, 4);
		oh = Math.floor(h * (s[2] as number));
		ow = Math.floor(w * (s[3] as number));
	}
	if (!(oh >= 1 && ow >= 1 && oh <= 16 * h && ow <= 16 * w)) throw new EngineError(`Resize to ${oh}x${ow}`);
	return [oh, ow];
}

const resize: Op = (heap, _node, [input, , scales, sizes]) => {
	const x = asFloat(input, "Resize");
	const [n, c, h, w] = nchw(x, undefined, "Resize");
	const [oh, ow] = resizedSize(heap, h, w, scales, sizes);
	const y = newFloat(heap, [n, c, oh, ow]);
	heap.kernels.resizeNearest(x.ptr, y.ptr, n * c, h, w, oh, ow);
	return [y];
};

export const COMPUTE: Record<string, Op> = {
	Conv: conv,
	ConvTranspose: convTranspose,
	Gemm: gemm,
	MatMul: matmul,
	LayerNorm: layerNorm,
	Softmax: softmax,
	GlobalAveragePool: globalAvgPool,
	AveragePool: pool(0),
	MaxPool: pool(1),
	Resize: resize,
};

export type { FloatValue };
