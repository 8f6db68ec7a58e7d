import { LRUCache } from "lru-cache";

/** One computed result: the bytes sent to the client and how to label them. */
export interface CachedResult {
	body: Uint8Array;
	contentType: string;
	/** Extra headers worth replaying on a hit (Server-Timing of the original run, say). */
	headers?: Record<string, string>;
}

export type CacheSource = "HIT" | "MISS" | "EDGE";

export interface CacheOptions {
	maxBytes: number;
	ttlMs: number;
	/** Second tier shared across isolates (the Workers Cache API); absent in pure unit use. */
	edge?: EdgeTier | null;
}

export interface EdgeTier {
	get(key: string): Promise<CachedResult | null>;
	put(key: string, value: CachedResult, ttlMs: number): Promise<void>;
}

// Map bookkeeping per entry, so a flood of tiny results cannot exceed the bound either.
const ENTRY_OVERHEAD = 256;

/**
 * A byte-bounded LRU of finished results, with in-flight deduplication: two
 * identical requests arriving together run the work once and share the
 * answer. A failed computation is not cached and does not block a retry.
 */
export class ResultCache {
	private readonly lru: LRUCache<string, CachedResult>;
	private readonly inflight = new Map<string, Promise<{ value: CachedResult; source: CacheSource }>>();
	private readonly options: CacheOptions;
	private counters = { hits: 0, edge_hits: 0, misses: 0, evictions: 0, too_large: 0, shared: 0, shed_bytes: 0 };

	constructor(options: CacheOptions) {
		this.options = options;
		this.lru = new LRUCache<string, CachedResult>({
			maxSize: options.maxBytes,
			maxEntrySize: Math.floor(options.maxBytes / 4),
			sizeCalculation: (v, k) => v.body.byteLength + k.length * 2 + ENTRY_OVERHEAD,
			ttl: options.ttlMs,
			updateAgeOnGet: false,
			dispose: (_v, _k, reason) => {
				if (reason === "evict") this.counters.evictions++;
			},
		});
	}

	/** The cached value for key, from this isolate first, then the edge tier. */
	async lookup(key: string): Promise<{ value: CachedResult; source: CacheSource } | null> {
		const local = this.lru.get(key);
		if (local) {
			this.counters.hits++;
			return { value: local, source: "HIT" };
		}
		const edge = await this.options.edge?.get(key).catch(() => null);
		if (edge) {
			this.counters.edge_hits++;
			this.store(key, edge);
			return { value: edge, source: "EDGE" };
		}
		return null;
	}

	/**
	 * Returns the cached result or computes it once. The in-flight entry is
	 * registered before any await, so concurrent callers with the same key
	 * always share one edge lookup and one computation.
	 */
	async getOrCompute(
		key: string,
		compute: () => Promise<CachedResult>,
		waitUntil?: (p: Promise<unknown>) => void,
	): Promise<{ value: CachedResult; source: CacheSource }> {
		const local = this.lru.get(key);
		if (local) {
			this.counters.hits++;
			return { value: local, source: "HIT" };
		}
		const running = this.inflight.get(key);
		if (running) {
			this.counters.shared++;
			return { value: (await running).value, source: "HIT" };
		}
		const job = this.fill(key, compute, waitUntil);
		this.inflight.set(key, job);
		try {
			return await job;
		} finally {
			this.inflight.delete(key);
		}
	}

	private async fill(
		key: string,
		compute: () => Promise<CachedResult>,
		waitUntil?: (p: Promise<unknown>) => void,
	): Promise<{ value: CachedResult; source: CacheSource }> {
		const edge = await this.options.edge?.get(key).catch(() => null);
		if (edge) {
			this.counters.edge_hits++;
			this.store(key, edge);
			return { value: edge, source: "EDGE" };
		}
		this.counters.misses++;
		const value = await compute();
		this.store(key, value);
		const edgeWrite = this.options.edge?.put(key, value, this.options.ttlMs).catch(() => {});
		if (edgeWrite) waitUntil?.(edgeWrite);
		return { value, source: "MISS" };
	}

	private store(key: string, value: CachedResult): void {
		if (!this.lru.set(key, value).has(key)) this.counters.too_large++;
	}

	/** Bytes held, entry bookkeeping included. */
	get bytes(): number {
		return this.lru.calculatedSize;
	}

	/**
	 * Gives up least recently used results until `bytes` are freed or the
	 * cache is empty, for a request that needs the memory; returns the bytes freed.
	 */
	shed(bytes: number): number {
		const before = this.lru.calculatedSize;
		while (this.lru.size > 0 && before - this.lru.calculatedSize < bytes) this.lru.pop();
		const freed = before - this.lru.calculatedSize;
		this.counters.shed_bytes += freed;
		return freed;
	}

	clear(): number {
		const n = this.lru.size;
		this.lru.clear();
		return n;
	}

	stats() {
		return {
			entries: this.lru.size,
			bytes: this.lru.calculatedSize,
			max_bytes: this.options.maxBytes,
			ttl_s: Math.round(this.options.ttlMs / 1000),
			edge_tier: Boolean(this.options.edge),
			in_flight: this.inflight.size,
			...this.counters,
		};
	}
}
