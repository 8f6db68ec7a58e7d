/**
 * The wasm heaps of one codec's calls. Every call gets a fresh instance and
 * drops it when it ends, so nothing is held between requests; what /api/status,
 * admission's tests and the benches want to know is what the calls in
 * progress hold now, and the largest and the last heap a call reached.
 */
export class HeapMeter {
	private readonly live = new Set<WebAssembly.Memory>();
	private largest = 0;
	private latest = 0;

	/** A call has made its instance; its heap counts as live until `end`. */
	start(memory: WebAssembly.Memory): void {
		this.live.add(memory);
	}

	/** The call is over: its heap's final size is the last, and perhaps the largest, reached. */
	end(memory: WebAssembly.Memory): void {
		this.live.delete(memory);
		this.latest = memory.buffer.byteLength;
		this.largest = Math.max(this.largest, this.latest);
	}

	/** Bytes the calls in progress hold. */
	liveBytes(): number {
		let sum = 0;
		for (const m of this.live) sum += m.buffer.byteLength;
		return sum;
	}

	/** The largest heap a call has reached in this isolate, calls in progress included. */
	peakBytes(): number {
		let p = this.largest;
		for (const m of this.live) p = Math.max(p, m.buffer.byteLength);
		return p;
	}

	/** The heap of the last call to finish (tests compare it with the estimates). */
	lastBytes(): number {
		return this.latest;
	}

	reset(): void {
		this.largest = 0;
		this.latest = 0;
	}
}

const PAGE = 65536;

/** Linear memory a kernel layout of `bytes` grows to: whole 64 KiB pages, at least one. */
export function wholePages(bytes: number): number {
	return Math.max(PAGE, Math.ceil(bytes / PAGE) * PAGE);
}
