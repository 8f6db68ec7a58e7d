/**
 * One engine instance: the kernels' wasm instance and the allocator over its
 * memory. The kernels own no memory: every tensor, packed weight and scratch
 * area is a block handed out here, so what a model holds is exactly the
 * blocks it keeps, and a run's activations go back to the free list the
 * moment their last reader has run.
 *
 * Wasm memory only grows, so the allocator places blocks best-fit and merges
 * neighbours on free: the high-water mark then follows the largest live set
 * rather than the sum of every tensor a run made.
 */
import inferModule from "../../../build/kernels/infer.wasm";
import { type Layout, layOut, Recording } from "./arena";
import type { Kernels } from "./kernels";

const ALIGN = 64;
const PAGE = 65536;

export interface Block {
	readonly ptr: number;
	readonly bytes: number;
	/** Tensors viewing this block; freed when it drops to 0 (never for weights). */
	refs: number;
	readonly pinned: boolean;
	/** Index in a dry run's recording, or in the arena a planned run draws from. */
	slot?: number;
}

/** Kernels that compute nothing, for a dry run: the size queries still answer. */
function dryKernels(real: Kernels): Kernels {
	const dry: Record<string, unknown> = {};
	for (const [name, value] of Object.entries(real)) {
		dry[name] = typeof value !== "function" || name.endsWith("Bytes") ? value : () => {};
	}
	return dry as unknown as Kernels;
}

export class Heap {
	kernels: Kernels;
	private readonly real: Kernels;
	private dry: Kernels | undefined;
	readonly memory: WebAssembly.Memory;
	/** Set during a dry run: blocks are only counted, and nothing reads or writes tensor data. */
	recording: Recording | undefined;
	private arena: { block: Block; layout: Layout; next: number } | undefined;
	private readonly base: number;
	/** Free ranges [ptr, bytes], sorted by ptr, never adjacent. */
	private free: [number, number][] = [];
	private top: number;
	private live = 0;
	private pinnedBytes = 0;
	peak = 0;

	/** `module`: the kernels to run on, another build of infer.wasm for a benchmark's side-by-side. */
	constructor(module: WebAssembly.Module = inferModule) {
		const instance = new WebAssembly.Instance(module, { env: { abort: () => {} } });
		this.real = instance.exports as unknown as Kernels;
		this.kernels = this.real;
		this.memory = this.real.memory;
		this.base = this.kernels.heapBase();
		this.top = this.base;
	}

	/** Bytes of wasm memory this instance has reserved from the isolate. */
	get memoryBytes(): number {
		return this.memory.buffer.byteLength;
	}

	/** Bytes in blocks that outlive a run (weights). */
	get weightBytes(): number {
		return this.pinnedBytes;
	}

	/** Bytes in blocks now in use. */
	get liveBytes(): number {
		return this.live;
	}

	/** Starts a dry run: from here, blocks are recorded, not placed, and kernels do nothing. */
	beginDry(): void {
		this.recording = new Recording();
		this.dry ??= dryKernels(this.real);
		this.kernels = this.dry;
	}

	/** Ends the dry run with the layout of what it asked for. */
	endDry(): Layout {
		const rec = this.recording as Recording;
		this.recording = undefined;
		this.kernels = this.real;
		return layOut(rec);
	}

	/** Serves the next run's blocks from one arena laid out by `layout`. */
	beginPlanned(layout: Layout): void {
		this.arena = { block: this.alloc(layout.bytes), layout, next: 0 };
	}

	endPlanned(): void {
		const arena = this.arena;
		this.arena = undefined;
		if (arena) this.release(arena.block);
	}

	alloc(bytes: number, pinned = false): Block {
		const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
		if (this.recording && !pinned) {
			return { ptr: 0, bytes: size, refs: 1, pinned: false, slot: this.recording.alloc(size) };
		}
		const arena = this.arena;
		if (arena && !pinned) {
			const i = arena.next;
			// The run asks for what its dry run did, in the same order; anything else (a bug) is
			// served by the free list instead, so a wrong layout can only cost memory.
			if (arena.layout.sizes[i] === size) {
				arena.next++;
				return {
					ptr: arena.block.ptr + (arena.layout.offsets[i] as number),
					bytes: size,
					refs: 1,
					pinned: false,
					slot: i,
				};
			}
		}
		let ptr = -1;
		// Best fit: the smallest free range that holds the block, so large holes stay whole
		// for the large maps that come later (first fit left 6 MiB of holes in a detector run).
		let best = -1;
		for (let i = 0; i < this.free.length; i++) {
			const range = this.free[i] as [number, number];
			if (range[1] >= size && (best < 0 || range[1] < (this.free[best] as [number, number])[1])) best = i;
		}
		if (best >= 0) {
			const range = this.free[best] as [number, number];
			ptr = range[0];
			if (range[1] === size) this.free.splice(best, 1);
			else {
				range[0] += size;
				range[1] -= size;
			}
		}
		if (ptr < 0) {
			// Extend from the top, taking a free range that ends there as the start.
			const last = this.free.at(-1);
			if (last && last[0] + last[1] === this.top) {
				ptr = last[0];
				this.free.pop();
			} else ptr = this.top;
			this.top = ptr + size;
			const need = this.top - this.memory.buffer.byteLength;
			if (need > 0) this.memory.grow(Math.ceil(need / PAGE));
		}
		this.live += size;
		if (pinned) this.pinnedBytes += size;
		this.peak = Math.max(this.peak, this.memory.buffer.byteLength);
		return { ptr, bytes: size, refs: 1, pinned };
	}

	release(block: Block): void {
		if (block.slot !== undefined) {
			// The arena's bytes are counted once, as its own block.
			if (this.recording) this.recording.release(block.slot);
			return;
		}
		this.live -= block.bytes;
		if (block.pinned) this.pinnedBytes -= block.bytes;
		let lo = 0;
		let hi = this.free.length;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if ((this.free[mid] as [number, number])[0] < block.ptr) lo = mid + 1;
			else hi = mid;
		}
		const range: [number, number] = [block.ptr, block.bytes];
		this.free.splice(lo, 0, range);
		const next = this.free[lo + 1];
		if (next && range[0] + range[1] === next[0]) {
			range[1] += next[1];
			this.free.splice(lo + 1, 1);
		}
		const prev = this.free[lo - 1];
		if (prev && prev[0] + prev[1] === range[0]) {
			prev[1] += range[1];
			this.free.splice(lo, 1);
		}
	}

	/** A fresh view of `length` floats at `ptr` (views die when memory grows). */
	f32(ptr: number, length: number): Float32Array {
		return new Float32Array(this.memory.buffer, ptr, length);
	}

	bytes(ptr: number, length: number): Uint8Array {
		return new Uint8Array(this.memory.buffer, ptr, length);
	}
}
