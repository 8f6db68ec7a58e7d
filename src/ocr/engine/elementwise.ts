/**
 * Element-wise nodes: the four arithmetic ops with NumPy broadcasting, and
 * the activations and square root that were not fused into a kernel's
 * epilogue. Broadcasting is reduced to the kernel's three nested loops by
 * merging every run of axes that both operands walk contiguously (or both
 * repeat), so the common cases (same shape, per-channel, scalar) are one
 * kernel call over long contiguous rows.
 */
import { type Op, resizedSize } from "./compute";
import { ACT, BINARY, UNARY } from "./kernels";
import { count, EngineError, type FloatValue, type IntValue, newFloat, reusable, type Value } from "./tensor";

function broadcastDims(a: readonly number[], b: readonly number[]): number[] {
	const rank = Math.max(a.length, b.length);
	const out: number[] = [];
	for (let i = 0; i < rank; i++) {
		const da = a[a.length - rank + i] ?? 1;
		const db = b[b.length - rank + i] ?? 1;
		if (da !== db && da !== 1 && db !== 1) throw new EngineError(`cannot broadcast [${a}] with [${b}]`);
		out.push(Math.max(da, db));
	}
	return out;
}

/** Element strides of `dims` seen through `out` (0 on broadcast axes). */
function stridesIn(dims: readonly number[], out: readonly number[]): number[] {
	const strides = new Array<number>(out.length).fill(0);
	let s = 1;
	for (let i = out.length - 1, j = dims.length - 1; i >= 0; i--, j--) {
		const d = j >= 0 ? (dims[j] as number) : 1;
		strides[i] = d === 1 ? 0 : s;
		s *= d;
	}
	return strides;
}

/** Merges axes into as few loops as the two operands allow (at least 3 returned). */
export function loops(out: number[], sa: number[], sb: number[]): { n: number[]; a: number[]; b: number[] } {
	const n: number[] = [];
	const a: number[] = [];
	const b: number[] = [];
	for (let i = 0; i < out.length; i++) {
		const d = out[i] as number;
		if (d === 1) continue;
		const k = n.length - 1;
		if (k >= 0 && a[k] === (sa[i] as number) * d && b[k] === (sb[i] as number) * d) {
			n[k] = (n[k] as number) * d;
			a[k] = sa[i] as number;
			b[k] = sb[i] as number;
		} else {
			n.push(d);
			a.push(sa[i] as number);
			b.push(sb[i] as number);
		}
	}
	while (n.length < 3) {
		n.unshift(1);
		a.unshift(0);
		b.unshift(0);
	}
	return { n, a, b };
}

function intBinary(op: string, a: IntValue, b: IntValue): IntValue {
	const dims = broadcastDims(a.dims, b.dims);
	const f = {
		Add: (x: number, y: number) => x + y,
		Sub: (x: number, y: number) => x - y,
		Mul: (x: number, y: number) => x * y,
		Div: (x: number, y: number) => Math.trunc(x / y),
	}[op as "Add"];
	const n = count(dims);
	const values: number[] = [];
	for (let i = 0; i < n; i++)
		values.push(
			f(a.values[a.values.length === 1 ? 0 : i] as number, b.values[b.values.length === 1 ? 0 : i] as number),
		);
	return { kind: "int", values, dims };
}

const binary =
	(name: keyof typeof BINARY): Op =>
	(heap, node, [ia, ib]) => {
		if (ia?.kind === "int" && ib?.kind === "int") return [intBinary(name, ia, ib)];
		if (ia?.kind !== "f32" || ib?.kind !== "f32") throw new EngineError(`${name}: mixed or missing operands`);
		const a: FloatValue = ia;
		const b: FloatValue = ib;
		const dims = broadcastDims(a.dims, b.dims);
		// The kernel walks a, b and y in step, so y may be either operand's storage.
		const y = reusable(a, node.dying[0], dims) ?? reusable(b, node.dying[1], dims) ?? newFloat(heap, dims);
		const { n, a: sa, b: sb } = loops(dims, stridesIn(a.dims, dims), stridesIn(b.dims, dims));
		// The kernel takes three loops; anything outside them is walked here.
		const outer = n.length - 3;
		const inner = count(n.slice(outer));
		const total = count(n.slice(0, outer));
		const index = new Array<number>(outer).fill(0);
		for (let t = 0; t < total; t++) {
			let offA = 0;
			let offB = 0;
			for (let i = 0; i < outer; i++) {
				offA += (index[i] as number) * (sa[i] as number);
				offB += (index[i] as number) * (sb[i] as number);
			}
			heap.kernels.binary(
				BINARY[name],
				a.ptr + offA * 4,
				b.ptr + offB * 4,
				y.ptr + t * inner * 4,
				n[outer] as number,
				n[outer + 1] as number,
				n[outer + 2] as number,
				sa[outer] as number,
				sa[outer + 1] as number,
				sa[outer + 2] as number,
				sb[outer] as number,
				sb[outer + 1] as number,
				sb[outer + 2] as number,
			);
			for (let i = outer - 1; i >= 0; i--) {
				index[i] = (index[i] as number) + 1;
				if ((index[i] as number) < (n[i] as number)) break;
				index[i] = 0;
			}
		}
		return [y];
	};

const unary =
	(code: number): Op =>
	(heap, node, [input]) => {
		if (input?.kind !== "f32") throw new EngineError("activation of a non-float tensor");
		const y = reusable(input, node.dying[0], input.dims) ?? newFloat(heap, [...input.dims]);
		heap.kernels.unary(code, input.ptr, y.ptr, count(input.dims), node.alpha ?? 0.2, node.beta ?? 0.5);
		return [y];
	};

/** a + nearest-upsampled b, b's integer scale from the Resize operands, in one kernel call. */
const upsampleAdd: Op = (heap, node, [ia, ib, , scales, sizes]) => {
	if (ia?.kind !== "f32" || ib?.kind !== "f32") throw new EngineError("UpsampleAdd of non-float tensors");
	const [n, c, hh, ww] = ia.dims as [number, number, number, number];
	const [nb, cb, h, w] = ib.dims as [number, number, number, number];
	const [oh, ow] = resizedSize(heap, h, w, scales, sizes);
	if (ia.dims.length !== 4 || nb !== n || cb !== c || oh !== hh || ow !== ww || oh % h !== 0 || ow % w !== 0)
		throw new EngineError(`UpsampleAdd: [${ib.dims}] resized to ${oh}x${ow} is not [${ia.dims}]`);
	const y = reusable(ia, node.dying[0], ia.dims) ?? newFloat(heap, [...ia.dims]);
	heap.kernels.upsampleAdd(ia.ptr, ib.ptr, y.ptr, n * c, h, w, oh / h, ow / w);
	return [y];
};

export const ELEMENTWISE: Record<string, Op> = {
	UpsampleAdd: upsampleAdd,
	Add: binary("Add"),
	Sub: binary("Sub"),
	Mul: binary("Mul"),
	Div: binary("Div"),
	Relu: unary(ACT.relu),
	HardSigmoid: unary(ACT.hardsigmoid),
	Sigmoid: unary(ACT.sigmoid),
	Sqrt: unary(UNARY.sqrt),
	/** alpha * x + beta, rounded as the Mul and Add it replaces. */
	Affine: unary(UNARY.affine),
};

export type { Value };
