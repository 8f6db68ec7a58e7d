/**
 * A model loaded into the engine: its weights placed (and packed for the
 * convolution kernels) in wasm memory once, its nodes with the pointers they
 * need, and for every value the step after which nothing reads it. Running
 * walks the nodes in order and frees each activation at its last reader, so
 * a run holds only the tensors still to be read.
 */
import { COMPUTE, type Op } from "./compute";
import { ELEMENTWISE } from "./elementwise";
import type { InkFile, InkNode, InkWeight } from "./format";
import type { Block, Heap } from "./heap";
import { RESHAPE } from "./reshape";
import { count, drop, EngineError, type FloatValue, type Value } from "./tensor";
import { weightPacker } from "./weightPacker";

export interface PlannedNode extends InkNode {
	/** Packed or raw weight pointer (0: none). */
	wp: number;
	/** Bias pointer (0: none). */
	bp: number;
	/** Weight dims as stored (Gemm needs [K, N]). */
	wdims?: number[];
	/** Multiply-adds done by this node, summed over runs (profiling). */
	macs: number;
	/** Milliseconds spent in this node, summed over runs (only when profiling). */
	ms: number;
	operands: (string | FloatValue)[];
	/** A conv's post affine a * y + b after its activation: an Affine node fused into it. */
	post?: [number, number];
	/** Values whose last reader this node is. */
	frees: string[];
	/** Per operand: this node is its only remaining reader, so its storage may take the result. */
	dying: boolean[];
}

const OPS: Record<string, Op> = { ...COMPUTE, ...ELEMENTWISE, ...RESHAPE };

/**
 * Each Affine (a * x + b, scalars) whose input only it reads, made by a conv
 * or ConvTranspose, becomes that conv's post affine, applied after its
 * activation: the conv writes its output once, where the Affine pass read it
 * back and wrote it again (16 such passes in the recogniser, 14 in the
 * detector). The kernels run the Affine op's own loop, so the same bits.
 */
function fusePostAffine(nodes: PlannedNode[], outputs: readonly string[]): PlannedNode[] {
	const readers = new Map<string, number>();
	const producer = new Map<string, PlannedNode>();
	for (const n of nodes) {
		for (const o of n.operands) if (typeof o === "string") readers.set(o, (readers.get(o) ?? 0) + 1);
		for (const o of n.outputs) producer.set(o, n);
	}
	const fused = new Set<PlannedNode>();
	for (const n of nodes) {
		const input = n.operands[0];
		if (n.op !== "Affine" || typeof input !== "string" || readers.get(input) !== 1 || outputs.includes(input)) continue;
		const conv = producer.get(input);
		if (!conv || (conv.op !== "Conv" && conv.op !== "ConvTranspose") || conv.post) continue;
		// An Affine without both scalars keeps running as its own node, with that node's defaults.
		if (typeof n.alpha !== "number" || typeof n.beta !== "number") continue;
		conv.post = [n.alpha, n.beta];
		conv.outputs = [...n.outputs];
		fused.add(n);
	}
	return nodes.filter((n) => !fused.has(n));
}

export interface TensorData {
	data: Float32Array;
	dims: readonly number[];
}

export class Plan {
	readonly nodes: PlannedNode[];
	private readonly blocks: Block[] = [];
	private readonly numbers = new Map<string, Value>();
	profile = false;

	constructor(
		private readonly heap: Heap,
		private readonly file: InkFile,
	) {
		const { header } = file;
		for (const [name, n] of Object.entries(header.numbers)) this.numbers.set(name, { kind: "int", ...n });
		const raw = new Map<number, FloatValue>();
		const rawWeight = (index: number): FloatValue => {
			let v = raw.get(index);
			if (!v) {
				const w = header.weights[index];
				if (!w) throw new EngineError(`weight ${index} is missing`);
				if (w.dtype === "i8") throw new EngineError(`weight ${index} is 8-bit where floats are read`);
				const block = this.keep(w.length * 4);
				heap.bytes(block.ptr, w.length * 4).set(file.weights.subarray(w.offset, w.offset + w.length * 4));
				v = { kind: "f32", block, ptr: block.ptr, dims: w.dims };
				raw.set(index, v);
			}
			return v;
		};
		try {
			this.nodes = header.nodes.map((n) => {
				const node: PlannedNode = { ...n, wp: 0, bp: 0, macs: 0, ms: 0, operands: [], frees: [], dying: [] };
				if (!OPS[n.op]) throw new EngineError(`no kernel for ${n.op}`);
				node.operands = n.inputs.map((i) => (typeof i === "string" ? i : rawWeight(i.weight)));
				if (n.b !== undefined && n.b >= 0) node.bp = rawWeight(n.b).ptr;
				if (n.w !== undefined) this.placeWeight(node, n.w, rawWeight);
				return node;
			});
		} catch (err) {
			this.release();
			throw err;
		}
		// Builds of the kernels from before the post affine (a side-by-side benchmark's baseline) run the Affine nodes.
		if (typeof heap.kernels.setPost === "function") this.nodes = fusePostAffine(this.nodes, header.outputs);
		const last = new Map<string, number>();
		this.nodes.forEach((n, i) => {
			for (const o of n.operands) if (typeof o === "string" && o) last.set(o, i);
		});
		for (const o of header.outputs) last.delete(o);
		for (const [name, i] of last) this.nodes[i]?.frees.push(name);
		for (const n of this.nodes) {
			n.dying = n.operands.map(
				(o) => typeof o === "string" && n.frees.includes(o) && n.operands.filter((p) => p === o).length === 1,
			);
		}
	}

	private keep(bytes: number): Block {
		const b = this.heap.alloc(bytes, true);
		this.blocks.push(b);
		return b;
	}

	private placeWeight(node: PlannedNode, index: number, rawWeight: (i: number) => FloatValue): void {
		const dims = this.file.header.weights[index]?.dims ?? [];
		node.wdims = dims;
		const packer = weightPacker(this.heap.kernels, node, dims);
		if (!packer) {
			node.wp = rawWeight(index).ptr;
			return;
		}
		const packed = this.keep(packer.bytes);
		this.withTemp(index, (src) => packer.pack(src, packed.ptr));
		node.wp = packed.ptr;
	}

	/**
	 * Runs `fn` with a weight's floats in a temporary block (packing reads them
	 * once). An 8-bit weight is turned back into code x scale: the packer
	 * derives the same codes and scales from those (scripts/engine-codes.mjs
	 * checked it when writing the file).
	 */
	private withTemp(index: number, fn: (ptr: number) => void): void {
		const { header, weights } = this.file;
		const w = header.weights[index] as InkWeight;
		const tmp = this.heap.alloc(w.length * 4);
		try {
			if (w.dtype === "i8") {
				const s = header.weights[w.scales as number] as InkWeight;
				const scales = new Float32Array(weights.slice(s.offset, s.offset + s.length * 4).buffer);
				const codes = new Int8Array(weights.buffer, weights.byteOffset + w.offset, w.length);
				const out = this.heap.f32(tmp.ptr, w.length);
				// Channels on the first axis (a conv's OIHW) or the last (a Gemm's [K][N]).
				const per = w.length / s.length;
				if (w.axis === 0)
					for (let i = 0; i < w.length; i++) out[i] = (codes[i] as number) * (scales[Math.floor(i / per)] as number);
				else for (let i = 0; i < w.length; i++) out[i] = (codes[i] as number) * (scales[i % s.length] as number);
			} else this.heap.bytes(tmp.ptr, w.length * 4).set(weights.subarray(w.offset, w.offset + w.length * 4));
			fn(tmp.ptr);
		} finally {
			this.heap.release(tmp);
		}
	}

	/** Bytes this model keeps in wasm memory between runs. */
	get weightBytes(): number {
		return this.blocks.reduce((s, b) => s + b.bytes, 0);
	}

	/**
	 * Runs the graph on `feeds`: first dry, to lay out every block the run
	 * will make (arena.ts), then for real inside that layout.
	 */
	run(feeds: Record<string, TensorData>): Record<string, TensorData> {
		return this.runTaking(feeds, (outputs) => {
			const result: Record<string, TensorData> = {};
			for (const [name, v] of outputs)
				result[name] = { data: this.heap.f32(v.ptr, count(v.dims)).slice(), dims: v.dims };
			return result;
		});
	}

	/**
	 * Runs the graph and hands its outputs, still in wasm memory, to `take`,
	 * whose result is the run's: for a caller that needs less of them than a
	 * copy (the recogniser's CTC steps, 3 floats a step of its 6625).
	 */
	runTaking<R>(feeds: Record<string, TensorData>, take: (outputs: Map<string, FloatValue>) => R): R {
		const heap = this.heap;
		heap.beginDry();
		let layout: ReturnType<Heap["endDry"]>;
		try {
			this.walk(feeds);
		} finally {
			layout = heap.endDry();
		}
		heap.beginPlanned(layout);
		try {
			return this.walk(feeds, take) as R;
		} finally {
			heap.endPlanned();
		}
	}

	/** One pass over the nodes; in a dry run (heap.recording, no `take`) nothing is read or written. */
	private walk<R>(feeds: Record<string, TensorData>, take?: (outputs: Map<string, FloatValue>) => R): R | undefined {
		const heap = this.heap;
		const dry = heap.recording !== undefined;
		const values = new Map<string, Value>(this.numbers);
		try {
			for (const input of this.file.header.inputs) {
				const feed = feeds[input.name];
				if (!feed) throw new EngineError(`input ${input.name} is missing`);
				if (feed.data.length !== count(feed.dims)) throw new EngineError("input data does not match its dims");
				const block = heap.alloc(feed.data.length * 4);
				if (!dry) heap.f32(block.ptr, feed.data.length).set(feed.data);
				values.set(input.name, { kind: "f32", block, ptr: block.ptr, dims: [...feed.dims] });
			}
			for (const node of this.nodes) {
				const inputs = node.operands.map((o) => (typeof o === "string" ? (o ? values.get(o) : undefined) : o));
				const timing = this.profile && !dry;
				const t0 = timing ? performance.now() : 0;
				const macs = node.macs;
				const outs = (OPS[node.op] as Op)(heap, node, inputs);
				if (timing) node.ms += performance.now() - t0;
				if (dry) node.macs = macs;
				node.outputs.forEach((name, i) => {
					values.set(name, outs[i] as Value);
				});
				for (const name of node.frees) {
					if (this.numbers.has(name)) continue;
					drop(heap, values.get(name));
					values.delete(name);
				}
			}
			if (dry || !take) return undefined;
			const outputs = new Map<string, FloatValue>();
			for (const name of this.file.header.outputs) {
				const v = values.get(name);
				if (v?.kind !== "f32") throw new EngineError(`output ${name} was not computed`);
				outputs.set(name, v);
			}
			return take(outputs);
		} finally {
			for (const [name, v] of values) if (!this.numbers.has(name)) drop(heap, v);
		}
	}

	/** Gives every weight block back to the heap. */
	release(): void {
		for (const b of this.blocks.splice(0)) this.heap.release(b);
	}
}
