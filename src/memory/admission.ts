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
	/**
	 * Wasm bytes held between requests (heaps that never shrink), by the
	 * operation whose runtime holds them. They count against the budget like
	 * reservations, except for a request of that operation, and while one is
	 * admitted: its own reservation includes its runtime's full size.
	 */
	held?: () => Held;
	/**
	 * Makes room for a request that is `shortfall` bytes short: sheds cached
	 * results and drops the runtimes of the operations not marked busy, so
	 * their heaps can be collected; resolves to the bytes it let go of.
	 */
	reclaim?: (busy: Record<Operation, boolean>, shortfall: number) => Promise<number>;
}

/**
 * Bytes held between requests: each operation's runtime heap and the result
 * cache. Cached results live in the same 128 MB as the heaps, so they count
 * like them, and are the first thing given up when a request needs room.
 * Codec heaps are not here: every codec instance is dropped when its call
 * ends, so they live inside the reservation of the request that made them.
 */
export type Held = Record<Operation | "cache", number>;

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
 * slot of its operation's cap. The budget covers those reservations plus the
 * wasm heaps the isolate already holds. Requests that do not fit wait in a
 * bounded FIFO queue, and idle runtimes are dropped to make room; past the
 * queue or the wait limit they get a 503 with Retry-After, which a client can
 * act on, instead of pushing the isolate past its memory.
 */
export class Admission {
	private reserved = 0;
	private peakReserved = 0;
	private readonly running: Record<Operation, number> = { ocr: 0, filter: 0 };
	private readonly queue: Waiter[] = [];
	private refused = 0;
	private reclaiming = false;
	/** Set when a reclaim freed nothing; cleared when anything is released. */
	private reclaimSpent = false;
	private reclaimed = 0;

	constructor(private readonly options: AdmissionOptions) {}

	get budgetBytes(): number {
		return this.options.budgetBytes;
	}

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

	/** Held bytes that count against a request of `operation`. */
	private heldFor(operation: Operation): number {
		const h = this.options.held?.();
		if (!h) return 0;
		let bytes = h.cache;
		for (const op of ["ocr", "filter"] as const) {
			if (op !== operation && this.running[op] === 0) bytes += h[op];
		}
		return bytes;
	}

	private fitsMemory(operation: Operation, bytes: number): boolean {
		return this.reserved + this.heldFor(operation) + bytes <= this.options.budgetBytes;
	}

	private fits(operation: Operation, bytes: number): boolean {
		return this.running[operation] < this.options.caps[operation] && this.fitsMemory(operation, bytes);
	}

	/** Asks for room for `waiter` (cached results, idle runtimes it is not going to use), then admits again. */
	private reclaim(waiter: Waiter): void {
		const reclaim = this.options.reclaim;
		if (!reclaim || this.reclaiming || this.reclaimSpent) return;
		this.reclaiming = true;
		const op = waiter.operation;
		const busy = {
			ocr: op === "ocr" || this.running.ocr > 0,
			filter: op === "filter" || this.running.filter > 0,
		};
		const shortfall = this.reserved + this.heldFor(op) + waiter.bytes - this.options.budgetBytes;
		reclaim(busy, shortfall)
			.catch(() => 0)
			.then((freed) => {
				this.reclaiming = false;
				this.reclaimed += freed;
				if (freed === 0) this.reclaimSpent = true;
				this.pump();
			});
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
				this.reclaimSpent = false;
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
			} else if (!this.fitsMemory(w.operation, w.bytes)) {
				if (this.reserved === 0 && this.reclaimSpent) {
					// Nothing admitted will release memory and nothing idle is left to drop: waiting
					// cannot help, so this is a 413 that says what holds the memory, not a 503.
					this.queue.splice(i, 1);
					clearTimeout(w.timer);
					this.refused++;
					const held = this.heldFor(w.operation);
					w.refuse(
						new TooLargeError(
							"memory_held",
							`this request needs about ${mb(w.bytes)} of working memory, and ${mb(held)} of the ${mb(this.options.budgetBytes)} budget is held by runtimes in use that this server cannot release now`,
							{ estimated_bytes: w.bytes, held_bytes: held, budget_bytes: this.options.budgetBytes },
						),
					);
					continue;
				}
				// Memory-bound head of line: later, smaller requests must not starve it.
				this.reclaim(w);
				break;
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
			held_bytes: this.options.held?.() ?? { ocr: 0, filter: 0, cache: 0 },
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
			reclaimed_bytes: this.reclaimed,
		};
	}
}

function mb(bytes: number): string {
	return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
