// Exact algebraic simplification of PaddleOCR's exported graphs, done once
// at install time so that onnxruntime-web does fewer passes over memory.
//
// PP-OCRv4's backbone (PP-LCNetV3) follows every convolution with a
// learnable scalar affine (Mul, Add), spells hard-swish as four ops
// (Add 3, Clip 0..6, Mul, Div 6) and puts a second scalar affine after it.
// Each of those ops is a full read and write of an activation. Profiled in
// onnxruntime-web 1.30 (wasm, one thread) the recogniser spent about a third
// of its time in such element-wise ops, more once its convolutions are
// quantized (ORT folds a Mul into a float Conv itself, never into a
// ConvInteger). Three rewrites, each exact up to float rounding:
//
// 1. Conv followed by BatchNormalization, or by Mul/Add with a constant
//    scalar (or per-channel) operand, becomes one Conv with new weights and
//    bias, when the Conv's output has no other reader.
// 2. x * Clip(x + 3, 0, 6) / 6 becomes x * HardSigmoid(x) (alpha 1/6, beta
//    1/2): two ops instead of four.
// 3. A scalar affine a*h + b read only by 1x1 Convs without padding moves
//    into those Convs: W' = a W, bias' = bias + b * (sum of W over inputs).
//    Padded convolutions would see b at the border where they saw 0, so
//    they keep the affine.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { onnx } = require("onnx-proto");

const T = onnx.TensorProto.DataType;
const A = onnx.AttributeProto.AttributeType;

export const attr = (node, name) => node.attribute.find((a) => a.name === name);

/** A float32 tensor's values, or undefined for any other type. */
export function floatsOf(t) {
	if (t.dataType !== T.FLOAT) return undefined;
	if (t.rawData?.length) {
		const b = Uint8Array.from(t.rawData);
		return new Float32Array(b.buffer, 0, b.byteLength / 4);
	}
	return Float32Array.from(t.floatData);
}

/** Graph bookkeeping: constants by value name, readers per value. */
function index(graph) {
	const constants = new Map();
	for (const t of graph.initializer) constants.set(t.name, t);
	for (const n of graph.node) {
		const value = n.opType === "Constant" ? attr(n, "value")?.t : undefined;
		if (value) constants.set(n.output[0], value);
	}
	const readers = new Map();
	for (const n of graph.node) for (const i of n.input) if (i) readers.set(i, [...(readers.get(i) ?? []), n]);
	for (const o of graph.output) readers.set(o.name, [...(readers.get(o.name) ?? []), { opType: "(graph output)" }]);
	return { constants, readers };
}

/** Folds the graph in place; returns counts of what was rewritten. */
export function foldGraph(model) {
	const graph = model.graph;
	const done = { intoConv: 0, hardSwish: 0, intoNextConv: 0 };
	let serial = 0;
	const fresh = (base) => `${base}/f${serial++}`;
	let constants;
	let readers;
	const tensor = (values, dims, base) => {
		const t = onnx.TensorProto.create({
			name: fresh(base),
			dataType: T.FLOAT,
			dims,
			rawData: new Uint8Array(Float32Array.from(values).buffer),
		});
		graph.initializer.push(t);
		constants.set(t.name, t);
		return t;
	};
	({ constants, readers } = index(graph));
	const floats = (name) => {
		const t = name ? constants.get(name) : undefined;
		return t ? floatsOf(t) : undefined;
	};
	const only = (value) => {
		const r = readers.get(value) ?? [];
		return r.length === 1 ? r[0] : undefined;
	};
	const removed = new Set();
	const producer = new Map();
	for (const n of graph.node) for (const o of n.output) producer.set(o, n);

	/** Conv weight/bias as arrays, or undefined when they are not constants. */
	const convParams = (conv) => {
		const w = floats(conv.input[1]);
		if (!w) return undefined;
		const dims = constants.get(conv.input[1]).dims.map(Number);
		const out = dims[0];
		const b = conv.input[2] ? floats(conv.input[2]) : new Float32Array(out);
		if (!b || b.length !== out) return undefined;
		return { w: Float32Array.from(w), b: Float32Array.from(b), dims, out, per: w.length / out };
	};
	const setConv = (conv, p) => {
		conv.input = [conv.input[0], tensor(p.w, p.dims, "w").name, tensor(p.b, [p.out], "b").name];
	};
	/** Per-output-channel values of a Mul/Add operand (scalar or [C,1,1]-like), or undefined. */
	const perChannel = (name, out) => {
		const v = floats(name);
		if (!v) return undefined;
		const dims = constants.get(name).dims.map(Number);
		if (v.length === 1) return new Float32Array(out).fill(v[0]);
		const channelShaped = v.length === out && dims.length >= 3 && dims.at(-1) === 1 && dims.at(-2) === 1;
		return channelShaped ? v : undefined;
	};

	// 1. Conv <- BatchNormalization / Mul / Add.
	for (const n of graph.node) {
		if (removed.has(n)) continue;
		if (!["BatchNormalization", "Mul", "Add"].includes(n.opType)) continue;
		const x = n.opType === "BatchNormalization" ? n.input[0] : n.input.find((i) => !constants.has(i));
		const conv = producer.get(x);
		if (conv?.opType !== "Conv" || only(x) !== n) continue;
		const p = convParams(conv);
		if (!p) continue;
		let scale;
		let shift;
		if (n.opType === "BatchNormalization") {
			if (n.output.length !== 1) continue;
			const [gamma, beta, mean, variance] = n.input.slice(1).map(floats);
			if (![gamma, beta, mean, variance].every((v) => v?.length === p.out)) continue;
			const eps = attr(n, "epsilon")?.f ?? 1e-5;
			scale = gamma.map((g, c) => g / Math.sqrt(variance[c] + eps));
			shift = beta.map((b, c) => b - mean[c] * scale[c]);
		} else {
			const k = perChannel(
				n.input.find((i) => i !== x),
				p.out,
			);
			if (!k) continue;
			scale = n.opType === "Mul" ? k : new Float32Array(p.out).fill(1);
			shift = n.opType === "Add" ? k : new Float32Array(p.out);
		}
		for (let c = 0; c < p.out; c++) {
			for (let k = 0; k < p.per; k++) p.w[c * p.per + k] *= scale[c];
			p.b[c] = p.b[c] * scale[c] + shift[c];
		}
		setConv(conv, p);
		conv.output = [n.output[0]];
		producer.set(n.output[0], conv);
		removed.add(n);
		done.intoConv++;
	}
	graph.node = graph.node.filter((n) => !removed.has(n));
	({ constants, readers } = index(graph));

	// 2. Hard-swish in two ops.
	const scalarIs = (name, v) => {
		const f = floats(name);
		return f?.length === 1 && Math.abs(f[0] - v) < 1e-6;
	};
	const clipBounds = (clip) => {
		const lo = attr(clip, "min")?.f ?? floats(clip.input[1])?.[0];
		const hi = attr(clip, "max")?.f ?? floats(clip.input[2])?.[0];
		return [lo, hi];
	};
	const replaced = new Map();
	for (const div of graph.node) {
		if (div.opType !== "Div" || !scalarIs(div.input[1], 6)) continue;
		const mul = producer.get(div.input[0]);
		if (mul?.opType !== "Mul" || only(div.input[0]) !== div) continue;
		for (const [xi, ci] of [
			[0, 1],
			[1, 0],
		]) {
			const x = mul.input[xi];
			const clip = producer.get(mul.input[ci]);
			if (clip?.opType !== "Clip" || only(mul.input[ci]) !== mul) continue;
			const [lo, hi] = clipBounds(clip);
			if (lo !== 0 || hi !== 6) continue;
			const add = producer.get(clip.input[0]);
			if (add?.opType !== "Add" || only(clip.input[0]) !== clip) continue;
			const three = add.input.find((i) => i !== x);
			if (!add.input.includes(x) || !scalarIs(three, 3)) continue;
			const gate = fresh("hardsigmoid");
			const hs = onnx.NodeProto.create({
				opType: "HardSigmoid",
				input: [x],
				output: [gate],
				name: fresh("HardSigmoid"),
				attribute: [
					onnx.AttributeProto.create({ name: "alpha", type: A.FLOAT, f: 1 / 6 }),
					onnx.AttributeProto.create({ name: "beta", type: A.FLOAT, f: 0.5 }),
				],
			});
			const times = onnx.NodeProto.create({ opType: "Mul", input: [x, gate], output: div.output, name: fresh("Mul") });
			for (const gone of [add, clip, mul]) replaced.set(gone, []);
			replaced.set(div, [hs, times]);
			done.hardSwish++;
			break;
		}
	}
	graph.node = graph.node.flatMap((n) => replaced.get(n) ?? [n]);
	({ constants, readers } = index(graph));
	producer.clear();
	for (const n of graph.node) for (const o of n.output) producer.set(o, n);

	// 3. Scalar affine -> the 1x1 Convs that read it.
	const pointwise = (n) => {
		if (n.opType !== "Conv") return false;
		const kernel = constants.get(n.input[1])?.dims.slice(2).map(Number) ?? [];
		const pads = attr(n, "pads")?.ints.map(Number) ?? [];
		const autoPad = attr(n, "auto_pad")?.s;
		return (
			kernel.length > 0 &&
			kernel.every((k) => k === 1) &&
			pads.every((v) => v === 0) &&
			(!autoPad || String.fromCharCode(...autoPad) === "NOTSET")
		);
	};
	removed.clear();
	for (const n of graph.node) {
		if (removed.has(n) || (n.opType !== "Add" && n.opType !== "Mul")) continue;
		const constIn = n.input.find((i) => constants.has(i));
		const k = floats(constIn);
		if (k?.length !== 1) continue;
		const x = n.input.find((i) => i !== constIn);
		let a = n.opType === "Mul" ? k[0] : 1;
		const b = n.opType === "Add" ? k[0] : 0;
		let input = x;
		const chain = [n];
		// A Mul by a scalar just before this Add folds too.
		const before = producer.get(x);
		if (n.opType === "Add" && before?.opType === "Mul" && only(x) === n) {
			const c = before.input.find((i) => constants.has(i));
			const kc = floats(c);
			if (kc?.length === 1) {
				a = kc[0];
				input = before.input.find((i) => i !== c);
				chain.unshift(before);
			}
		}
		const out = n.output[0];
		const targets = readers.get(out) ?? [];
		if (targets.length === 0 || !targets.every(pointwise)) continue;
		const params = targets.map(convParams);
		if (params.some((p) => !p)) continue;
		targets.forEach((conv, t) => {
			const p = params[t];
			for (let c = 0; c < p.out; c++) {
				let sum = 0;
				for (let j = 0; j < p.per; j++) {
					sum += p.w[c * p.per + j];
					p.w[c * p.per + j] *= a;
				}
				p.b[c] += b * sum;
			}
			setConv(conv, p);
			conv.input[0] = input;
		});
		for (const c of chain) removed.add(c);
		done.intoNextConv += chain.length;
	}
	graph.node = graph.node.filter((n) => !removed.has(n));

	// Constants nobody reads any more.
	const read = new Set(graph.node.flatMap((n) => n.input));
	for (const o of graph.output) read.add(o.name);
	graph.node = graph.node.filter((n) => n.opType !== "Constant" || read.has(n.output[0]));
	graph.initializer = graph.initializer.filter((t) => read.has(t.name));
	graph.valueInfo = [];
	return done;
}
