/**
 * Nodes that only move or rename data: Reshape, Squeeze, Unsqueeze and
 * leading-axis Slice are views of their input's storage; Transpose, Concat
 * and other slices copy. Shape, Cast and the integer forms of Slice and
 * Concat compute the recogniser's dynamic reshape targets in JS.
 */
import type { Op } from "./compute";
import type { PlannedNode } from "./plan";
import { asFloat, asInts, axisOf, count, EngineError, type IntValue, newFloat, type Value, view } from "./tensor";

const ints = (values: number[], dims = [values.length]): IntValue => ({ kind: "int", values, dims });

const shape: Op = (_heap, _node, [x]) => {
	if (!x) throw new EngineError("Shape of nothing");
	return [ints([...x.dims])];
};

const cast: Op = (_heap, _node, [x]) => {
	if (!x) throw new EngineError("Cast of nothing");
	return [x.kind === "int" ? ints([...x.values], [...x.dims]) : view(x, [...x.dims])];
};

function reshapeTo(dims: readonly number[], target: readonly number[]): number[] {
	const out = target.map((d, i) => (d === 0 ? (dims[i] as number) : d));
	const known = out.reduce((a, d) => (d === -1 ? a : a * d), 1);
	const free = out.indexOf(-1);
	if (free >= 0) out[free] = count(dims) / known;
	if (count(out) !== count(dims)) throw new EngineError(`cannot reshape [${dims}] to [${target}]`);
	return out;
}

const reshape: Op = (_heap, _node, [x, target]) => {
	const dims = reshapeTo(x?.dims ?? [], asInts(target, "Reshape shape"));
	if (x?.kind === "int") return [ints([...x.values], dims)];
	return [view(asFloat(x, "Reshape"), dims)];
};

const squeeze: Op = (_heap, node, [x]) => {
	if (!x) throw new EngineError("Squeeze of nothing");
	const axes = (node.axes ?? x.dims.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0)).map((a) =>
		axisOf(a, x.dims.length),
	);
	const dims = x.dims.filter((_, i) => !axes.includes(i));
	return [x.kind === "int" ? ints([...x.values], dims) : view(x, dims)];
};

const unsqueeze: Op = (_heap, node, [x]) => {
	if (!x) throw new EngineError("Unsqueeze of nothing");
	const rank = x.dims.length + (node.axes?.length ?? 0);
	const axes = (node.axes ?? []).map((a) => axisOf(a, rank));
	const dims: number[] = [];
	let j = 0;
	for (let i = 0; i < rank; i++) dims.push(axes.includes(i) ? 1 : (x.dims[j++] as number));
	return [x.kind === "int" ? ints([...x.values], dims) : view(x, dims)];
};

/** Start, end per axis from attributes (opset 9) or inputs (opset 10+), clamped as ONNX says. */
function sliceBounds(node: PlannedNode, x: Value, rest: (Value | undefined)[]) {
	const starts = node.starts ?? asInts(rest[0], "Slice starts");
	const ends = node.ends ?? asInts(rest[1], "Slice ends");
	const axes = node.axes ?? (rest[2] ? asInts(rest[2], "Slice axes") : starts.map((_, i) => i));
	const lo = x.dims.map(() => 0);
	const hi = [...x.dims];
	axes.forEach((a, i) => {
		const axis = axisOf(a, x.dims.length);
		const d = x.dims[axis] as number;
		const clamp = (v: number) => Math.max(0, Math.min(d, v < 0 ? v + d : v));
		lo[axis] = clamp(starts[i] as number);
		hi[axis] = Math.max(lo[axis] as number, clamp(ends[i] as number));
	});
	return { lo, hi };
}

const slice: Op = (heap, node, [x, ...rest]) => {
	if (!x) throw new EngineError("Slice of nothing");
	const { lo, hi } = sliceBounds(node, x, rest);
	const dims = hi.map((h, i) => h - (lo[i] as number));
	if (x.kind === "int") {
		if (x.dims.length !== 1) throw new EngineError("Slice of a multi-axis integer tensor");
		return [ints(x.values.slice(lo[0], hi[0]))];
	}
	// Only the first axis that is cut changes: a view when every axis after it is whole.
	const first = dims.findIndex((d, i) => d !== x.dims[i]);
	if (first < 0) return [view(x, dims)];
	const innerWhole = dims.every((d, i) => i <= first || d === x.dims[i]);
	const outerOne = x.dims.slice(0, first).every((d) => d === 1);
	if (innerWhole && outerOne) return [view(x, dims, (lo[first] as number) * count(x.dims.slice(first + 1)) * 4)];
	const y = newFloat(heap, dims);
	if (heap.recording) return [y];
	const src = heap.f32(x.ptr, count(x.dims));
	const dst = heap.f32(y.ptr, count(dims));
	const strides = x.dims.map((_, i) => count(x.dims.slice(i + 1)));
	const index = dims.map(() => 0);
	for (let t = 0; t < dst.length; t++) {
		let s = 0;
		for (let i = 0; i < dims.length; i++) s += ((index[i] as number) + (lo[i] as number)) * (strides[i] as number);
		dst[t] = src[s] as number;
		for (let i = dims.length - 1; i >= 0; i--) {
			index[i] = (index[i] as number) + 1;
			if ((index[i] as number) < (dims[i] as number)) break;
			index[i] = 0;
		}
	}
	return [y];
};

const concat: Op = (heap, node, inputs) => {
	const present = inputs.filter((v): v is Value => v !== undefined);
	const first = present[0];
	if (!first) throw new EngineError("Concat of nothing");
	if (present.every((v) => v.kind === "int")) {
		const values = present.flatMap((v) => (v as IntValue).values);
		return [ints(values)];
	}
	const rank = first.dims.length;
	const axis = axisOf(node.axis ?? 0, rank);
	const parts = present.map((v) => asFloat(v, "Concat"));
	const dims = [...first.dims];
	dims[axis] = parts.reduce((s, p) => s + (p.dims[axis] as number), 0);
	const y = newFloat(heap, dims);
	if (heap.recording) return [y];
	const outer = count(dims.slice(0, axis));
	const rowOut = count(dims.slice(axis)) * 4;
	const mem = heap.bytes(0, heap.memoryBytes);
	let at = 0;
	for (const p of parts) {
		const row = count(p.dims.slice(axis)) * 4;
		for (let o = 0; o < outer; o++) mem.copyWithin(y.ptr + o * rowOut + at, p.ptr + o * row, p.ptr + (o + 1) * row);
		at += row;
	}
	return [y];
};

const transpose: Op = (heap, node, [input]) => {
	const x = asFloat(input, "Transpose");
	const rank = x.dims.length;
	if (rank > 5) throw new EngineError("Transpose above rank 5");
	const perm = node.perm ?? x.dims.map((_, i) => rank - 1 - i);
	const dims = perm.map((p) => x.dims[p] as number);
	const y = newFloat(heap, dims);
	// Padded to rank 5 with leading axes of 1.
	const lead = 5 - rank;
	const d = [...new Array<number>(lead).fill(1), ...x.dims];
	const p = [...Array.from({ length: lead }, (_, i) => i), ...perm.map((v) => v + lead)];
	heap.kernels.transpose(
		x.ptr,
		y.ptr,
		d[0] as number,
		d[1] as number,
		d[2] as number,
		d[3] as number,
		d[4] as number,
		p[0] as number,
		p[1] as number,
		p[2] as number,
		p[3] as number,
		p[4] as number,
	);
	return [y];
};

export const RESHAPE: Record<string, Op> = {
	Shape: shape,
	Cast: cast,
	Reshape: reshape,
	Squeeze: squeeze,
	Unsqueeze: unsqueeze,
	Slice: slice,
	Concat: concat,
	Transpose: transpose,
};
