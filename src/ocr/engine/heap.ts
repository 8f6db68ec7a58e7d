/**
 * One engine instance: the kernels' wasm instance and the allocator over its
 * memory. The kernels own no memory: every tensor, packed weight and scratch
 * area is a block handed out here, so what a model holds is exactly the
 * blocks it keeps, and a run's activations go back to the free list the
 * moment their last reader has run.
 *
 * Wasm memory only grows, so the allocator places blocks first-fit from the
 * bottom and merges neighbours on free: the high-water mark then follows the
 * largest live set rather than the sum of every tensor a run made.
 */
import inferModule from "../../../build/kernels/infer.wasm";
import type { Kernels } from "./kernels";

const ALIGN = 64;
const PAGE = 65536;

export interface Block {
	readonly ptr: number;
	readonly bytes: number;
	/** Tensors viewing this block; freed when it drops to 0 (never for weights). */
	refs: number;
	readonly pinned: boolean;
}

export class Heap {
	readonly kernels: Kernels;
	readonly memory: WebAssembly.Memory;
	private readonly base: number;
	/** Free ranges [ptr, bytes], sorted by ptr, never adjacent. */
	private free: [number, number][] = [];
	private top: number;
	private live = 0;
	private pinnedBytes = 0;
	peak = 0;

	constructor() {
		const instance = new WebAssembly.Instance(inferModule, { env: { abort: () => {} } });
		this.kernels = instance.exports as unknown as Kernels;
		this.memory = this.kernels.memory;
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

	alloc(bytes: number, pinned = false): Block {
		const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
		let ptr = -1;
		for (let i = 0; i < this.free.length; i++) {
			const range = this.free[i] as [number, number];
			if (range[1] < size) continue;
			ptr = range[0];
			if (range[1] === size) this.free.splice(i, 1);
			else {
				range[0] += size;
				range[1] -= size;
			}
			break;
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
