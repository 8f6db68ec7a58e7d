import { TooLargeError, UnavailableError } from "../lib/errors";

/** Kinds of work with their own concurrency cap. */
export type Operation = "ocr" | "filter";

export interface AdmissionOptions {
	/** Bytes of working set all admitted requests may reserve together. */
	budgetBytes: number;
	/** Concurrent requests per operation. */
	caps: Record<Operation, number>;
	/** Requests that may wait for room; past this, 503 at once. */
	queueLimit: number;
	/** How long one request may wait before it gets a 503. */
	maxWaitMs: number;
}

export interface Ticket {
	readonly operation: Operation;
	readonly bytes: number;
	release(): void;
}

interface Waiter {
	operation: Operation;
	bytes: number;
	admit: (t: Ticket) => void;
	refuse: (e: Error) => void;
	timer: ReturnType<typeof setTimeout>;
}

/**
 * Admission control for one isolate. Each request reserves the working set it
 * estimated from the image header before decoding anything, and holds one
 * slot of its operation's cap. Requests that do not fit wait in a bounded FIFO
 * queue; past the queue or the wait limit they get a 503 with Retry-After,
 * which a client can act on, instead of pushing the isolate past its memory.
 */
export class Admission {
	private reserved = 0;
	private peakReserved = 0;
	private readonly running: Record<Operation, number> = { ocr: 0, filter: 0 };
	private readonly queue: Waiter[] = [];
	private refused = 0;

	constructor(private readonly options: AdmissionOptions) {}

	async acquire(operation: Operation, bytes: number): Promise<Ticket> {
		const need = Math.max(0, Math.ceil(bytes));
		if (need > this.options.budgetBytes) {
			throw new TooLargeError(
				"over_memory_budget",
				`this request needs about ${mb(need)} of working memory; the budget is ${mb(this.options.budgetBytes)}`,
				{ estimated_bytes: need, budget_bytes: this.options.budgetBytes },
			);
		}
		if (this.queue.length >= this.options.queueLimit) {
			this.refused++;
			throw new UnavailableError("overloaded", "the server is busy; retry shortly", this.retryAfter());
		}
		return new Promise<Ticket>((admit, refuse) => {
			const waiter: Waiter = {
				operation,
				bytes: need,
				admit,
				refuse,
				timer: setTimeout(() => {
					this.queue.splice(this.queue.indexOf(waiter), 1);
					this.refused++;
					refuse(new UnavailableError("overloaded", "the server stayed busy; retry shortly", this.retryAfter()));
				}, this.options.maxWaitMs),
			};
			this.queue.push(waiter);
			this.pump();
		});
	}

	private fits(operation: Operation, bytes: number): boolean {
		return this.running[operation] < this.options.caps[operation] && this.reserved + bytes <= this.options.budgetBytes;
	}

	private grant(operation: Operation, bytes: number): Ticket {
		this.running[operation]++;
		this.reserved += bytes;
		this.peakReserved = Math.max(this.peakReserved, this.reserved);
		let released = false;
		return {
			operation,
			bytes,
			release: () => {
				if (released) return;
				released = true;
				this.running[operation]--;
				this.reserved -= bytes;
				this.pump();
			},
		};
	}

	/** Admits waiters in arrival order; one blocked only by its own cap does not hold up others. */
	private pump(): void {
		for (let i = 0; i < this.queue.length; ) {
			const w = this.queue[i]!;
			if (this.fits(w.operation, w.bytes)) {
				this.queue.splice(i, 1);
				clearTimeout(w.timer);
				w.admit(this.grant(w.operation, w.bytes));
			} else if (this.reserved + w.bytes > this.options.budgetBytes) {
				break; // memory-bound head of line: later, smaller requests must not starve it
			} else {
				i++;
			}
		}
	}

	private retryAfter(): number {
		return Math.max(1, Math.ceil(this.queue.length / 2));
	}

	stats() {
		return {
			budget_bytes: this.options.budgetBytes,
			reserved_bytes: this.reserved,
			peak_reserved_bytes: this.peakReserved,
			in_flight: { ...this.running },
			caps: { ...this.options.caps },
			queued: {
				ocr: this.queue.filter((w) => w.operation === "ocr").length,
				filter: this.queue.filter((w) => w.operation === "filter").length,
			},
			queue_limit: this.options.queueLimit,
			refused: this.refused,
		};
	}
}

function mb(bytes: number): string {
	return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
