import { type ConfigEnv, configFrom } from "../lib/config";
import { UnavailableError } from "../lib/errors";

export interface UploadHold {
	/** Lowers the hold to what the request keeps after reading (never raises it). */
	shrink(bytes: number): void;
	release(): void;
}

/**
 * Bytes of request bodies this isolate holds at once. Bodies are read before
 * admission can look at an image header, so without this, many large
 * uploads arriving together would all sit in memory while they wait. A
 * request holds twice its declared length while it is read (the chunks and
 * their joined copy, or a form's parsed copy), the body cap when it declares
 * none, and only the upload's own bytes afterwards, until it ends. One that
 * does not fit is refused at once with a 503 and Retry-After, before a byte
 * of it is read; an empty pool takes any single request, so the cap, not
 * the pool, bounds one upload.
 */
export class UploadPool {
	private held = 0;
	private peak = 0;
	private refused = 0;

	constructor(readonly limitBytes: number) {}

	hold(bytes: number): UploadHold {
		let current = Math.max(0, Math.ceil(bytes));
		if (this.held > 0 && this.held + current > this.limitBytes) {
			this.refused++;
			throw new UnavailableError("uploads_busy", "too many uploads are arriving at once; retry shortly", 1);
		}
		this.held += current;
		this.peak = Math.max(this.peak, this.held);
		return {
			shrink: (to) => {
				const next = Math.max(0, Math.min(current, Math.ceil(to)));
				this.held -= current - next;
				current = next;
			},
			release: () => {
				this.held -= current;
				current = 0;
			},
		};
	}

	stats() {
		return { limit_bytes: this.limitBytes, held_bytes: this.held, peak_bytes: this.peak, refused: this.refused };
	}
}

let shared: UploadPool | null = null;

/** The isolate's upload pool, sized from the configuration (UPLOAD_POOL_BYTES) on first use. */
export function uploadPool(env: ConfigEnv | undefined): UploadPool {
	shared ??= new UploadPool(configFrom(env).uploadPoolBytes);
	return shared;
}
