import type { Pixels } from "../lib/pixels";

/**
 * Finished rows a decoder has pushed and the reader has not yet taken. A
 * decoder finishes rows in bursts (an MCU row of a JPEG, an inflated window
 * of a PNG), so the queue holds a strip being asked for plus at most one
 * burst; it grows to the largest it ever held, never to the frame.
 */
export class RowQueue {
	private buf: Uint8Array;
	private count = 0;
	/** Rows ever pushed (the next row's y). */
	pushed = 0;
	/** Rows ever taken. */
	taken = 0;
	private largest = 0;

	constructor(
		readonly width: number,
		readonly height: number,
		rows: number,
	) {
		this.buf = new Uint8Array(Math.max(1, rows) * width * 4);
	}

	get rows(): number {
		return this.count;
	}

	/** Bytes the queue's buffer has reached (for the memory tests). */
	get heldBytes(): number {
		return this.largest;
	}

	/** Appends row y from `src` (the decoder's row buffer); rows already pushed are ignored (a retried decode repeats them). */
	push(src: Uint8Array, y: number): void {
		if (y !== this.pushed || y >= this.height) return;
		const rowBytes = this.width * 4;
		const need = (this.count + 1) * rowBytes;
		if (need > this.buf.length) {
			const grown = new Uint8Array(Math.max(need, this.buf.length + 16 * rowBytes));
			grown.set(this.buf.subarray(0, this.count * rowBytes));
			this.buf = grown;
		}
		this.buf.set(src.subarray(0, rowBytes), this.count * rowBytes);
		this.count++;
		this.pushed++;
		this.largest = Math.max(this.largest, this.buf.length);
	}

	/** The first n queued rows as a strip of their own. */
	take(n: number): Pixels {
		const rowBytes = this.width * 4;
		const k = Math.min(n, this.count);
		const data = new Uint8ClampedArray(k * rowBytes);
		data.set(this.buf.subarray(0, k * rowBytes));
		this.buf.copyWithin(0, k * rowBytes, this.count * rowBytes);
		this.count -= k;
		this.taken += k;
		return { data, width: this.width, height: k };
	}
}
