import inferModule from "../../build/kernels/infer.wasm";

/** Exports of build/kernels/infer.wasm used by the engine tests. */
export interface InferKernel {
	memory: WebAssembly.Memory;
	heapBase(): number;
	[name: string]: ((...args: number[]) => number) | WebAssembly.Memory;
}

/** One fresh kernel instance with a bump allocator above heapBase(); every
 * buffer is 64-byte aligned and framed by guard bytes that `guardsIntact`
 * checks, so a kernel writing one float past its output is caught. */
export class Harness {
	readonly k: InferKernel;
	private top: number;
	private readonly guards: number[] = [];
	static readonly GUARD = 64;
	static readonly SENTINEL = 0x7fc0dead;

	constructor() {
		this.k = new WebAssembly.Instance(inferModule, {
			env: {
				abort() {
					throw new WebAssembly.RuntimeError("infer kernel abort");
				},
			},
		}).exports as unknown as InferKernel;
		this.top = this.k.heapBase();
	}

	call(name: string, ...args: number[]): number {
		return (this.k[name] as (...a: number[]) => number)(...args);
	}

	private grow(end: number): void {
		const have = this.k.memory.buffer.byteLength;
		if (end > have) this.k.memory.grow(Math.ceil((end - have) / 65536));
	}

	/** A buffer of `floats` f32 (uninitialised), between two guard bands. */
	alloc(floats: number): number {
		const g = Harness.GUARD;
		const p = this.top + g;
		const end = p + floats * 4 + g;
		this.top = (end + 63) & ~63;
		this.grow(this.top);
		const u = new Uint32Array(this.k.memory.buffer);
		u.fill(Harness.SENTINEL, (p - g) >> 2, p >> 2);
		u.fill(Harness.SENTINEL, (p + floats * 4) >> 2, (end >> 2) + 0);
		this.guards.push(p - g, p, p + floats * 4, end);
		return p;
	}

	/** A buffer whose last byte is the last byte of linear memory (16-byte
	 * aligned start), so reading past it traps. Call last: nothing can follow. */
	allocAtEnd(floats: number): number {
		const bytes = (floats * 4 + 15) & ~15;
		this.grow(this.top + bytes);
		return this.k.memory.buffer.byteLength - bytes;
	}

	guardsIntact(): boolean {
		const u = new Uint32Array(this.k.memory.buffer);
		for (let i = 0; i < this.guards.length; i += 2) {
			for (let q = this.guards[i] >> 2; q < this.guards[i + 1] >> 2; q++) if (u[q] !== Harness.SENTINEL) return false;
		}
		return true;
	}

	f32(p: number, n: number): Float32Array {
		return new Float32Array(this.k.memory.buffer, p, n);
	}

	put(p: number, v: ArrayLike<number>): number {
		this.f32(p, v.length).set(v);
		return p;
	}

	/** alloc + put. */
	load(v: ArrayLike<number>): number {
		return this.put(this.alloc(v.length), v);
	}

	read(p: number, n: number): Float32Array {
		return this.f32(p, n).slice();
	}
}

/** Seeded uniform floats in [lo, hi), rounded to f32. */
export function randomFloats(n: number, seed: number, lo = -1, hi = 1): Float32Array {
	let s = seed >>> 0;
	const out = new Float32Array(n);
	for (let i = 0; i < n; i++) {
		s = (s + 0x6d2b79f5) >>> 0;
		let t = Math.imul(s ^ (s >>> 15), 1 | s);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
		out[i] = lo + (hi - lo) * u;
	}
	return out;
}

/** The spec's activation codes in f64. */
export function actRef(v: number, act: number, alpha: number, beta: number): number {
	const hs = Math.max(0, Math.min(1, alpha * v + beta));
	const sg = 1 / (1 + Math.exp(-v));
	return [v, Math.max(0, v), hs, v * hs, sg, v * sg][act];
}

/** Largest |got - want| over the arrays, and the largest |want|. */
export function maxErr(got: ArrayLike<number>, want: ArrayLike<number>): { err: number; mag: number } {
	let err = 0;
	let mag = 0;
	for (let i = 0; i < want.length; i++) {
		const d = Math.abs(got[i] - want[i]);
		err = Number.isNaN(d) ? Infinity : Math.max(err, d);
		mag = Math.max(mag, Math.abs(want[i]));
	}
	return { err, mag };
}

/** The post affine the kernel tests turn on (setPost): scalars with no exact binary form. */
export const POST_A = 0.7431;
export const POST_B = -0.3127;

/** How many of `post` are not POST_A * plain + POST_B rounded as the Affine op rounds (f32 multiply, then add). */
export function offAffine(plain: ArrayLike<number>, post: ArrayLike<number>): number {
	const [a, b] = [Math.fround(POST_A), Math.fround(POST_B)];
	let off = 0;
	for (let i = 0; i < plain.length; i++) if (!Object.is(post[i], Math.fround(Math.fround(plain[i] * a) + b))) off++;
	return off;
}
