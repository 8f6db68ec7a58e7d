/**
 * The values a graph run passes between nodes. Float tensors live in the
 * engine's wasm memory (a block, possibly shared by views: a reshape or a
 * leading-axis slice costs nothing); small integer tensors (shapes, slice
 * bounds) are plain numbers in JS, as nothing computes on them but shape
 * arithmetic.
 */
import type { Block, Heap } from "./heap";

export interface FloatValue {
	kind: "f32";
	block: Block;
	/** Absolute byte offset of the first element. */
	ptr: number;
	dims: number[];
}

export interface IntValue {
	kind: "int";
	values: number[];
	dims: number[];
}

export type Value = FloatValue | IntValue;

export class EngineError extends Error {}

export const count = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

/** A new float tensor of `dims` in its own block. */
export function newFloat(heap: Heap, dims: number[]): FloatValue {
	const block = heap.alloc(count(dims) * 4);
	return { kind: "f32", block, ptr: block.ptr, dims };
}

/** Another name for (part of) a tensor's storage. */
export function view(of: FloatValue, dims: number[], byteOffset = 0): FloatValue {
	of.block.refs++;
	return { kind: "f32", block: of.block, ptr: of.ptr + byteOffset, dims };
}

/**
 * The operand's storage as the result's, when nothing else will read it: the
 * node is its last reader, no view shares it, and it has the result's size.
 * Saves a tensor's worth of memory at each element-wise step (a residual add
 * after a squeeze-excite multiply held three full maps at once without it).
 */
export function reusable(
	v: Value | undefined,
	dying: boolean | undefined,
	dims: readonly number[],
): FloatValue | undefined {
	if (!dying || v?.kind !== "f32" || v.block.pinned || v.block.refs !== 1 || v.ptr !== v.block.ptr) return undefined;
	if (v.dims.length !== dims.length || v.dims.some((d, i) => d !== dims[i])) return undefined;
	// The caller's result: the run drops the operand after this node, which leaves the result the one reference.
	return view(v, [...dims]);
}

export function drop(heap: Heap, v: Value | undefined): void {
	if (v?.kind !== "f32" || v.block.pinned) return;
	if (--v.block.refs === 0) heap.release(v.block);
}

export function asFloat(v: Value | undefined, what: string): FloatValue {
	if (v?.kind !== "f32") throw new EngineError(`${what}: expected a float tensor`);
	return v;
}

export function asInts(v: Value | undefined, what: string): number[] {
	if (v?.kind !== "int") throw new EngineError(`${what}: expected an integer tensor`);
	return v.values;
}

/** Normalises a possibly negative axis of a rank-`rank` tensor. */
export function axisOf(axis: number, rank: number): number {
	const a = axis < 0 ? axis + rank : axis;
	if (a < 0 || a >= rank) throw new EngineError(`axis ${axis} out of range for rank ${rank}`);
	return a;
}
