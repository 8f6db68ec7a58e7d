// Converts a folded PP-OCR ONNX graph into the engine's own file (".ink"),
// once, at install time, so that nothing parses protobuf at request time.
//
// The file is "INK1", a u32 (little endian) header length, the header as
// JSON, zero padding to a multiple of 64, then the float32 weights, each
// starting on a 64-byte boundary. The header lists the graph inputs and
// outputs, the weights (offset, dims) and the nodes in execution order.
//
// On the way, chains the kernels run as one step are fused (each exact up to
// float rounding):
// - Conv / ConvTranspose / MatMul-with-constant-weight followed by its bias
//   Add, BatchNormalization (ConvTranspose), and an activation: Relu,
//   HardSigmoid, Sigmoid, hard-swish x*HardSigmoid(x), swish x*Sigmoid(x).
// - Mul by 1 (the exporter's swish "beta") disappears.
// - then the passes of scripts/engine-fuse.mjs: layer norm, gated residual,
//   upsample-add, scalar affine.
// Small integer tensors (shapes, slice bounds) stay in the header as
// numbers: the engine evaluates Shape/Cast/Slice/Concat on them in JS.
import { createRequire } from "node:module";
import { eightBit } from "./engine-codes.mjs";
import { fuseAffine, fuseGatedResidual, fuseLayerNorm, fuseUpsampleAdd } from "./engine-fuse.mjs";
import { attr, floatsOf } from "./fold.mjs";

const require = createRequire(import.meta.url);
const { onnx } = require("onnx-proto");
const T = onnx.TensorProto.DataType;

const ACT = { Relu: 1, HardSigmoid: 2, hardswish: 3, Sigmoid: 4, swish: 5 };

function intsOf(t) {
	const raw = t.rawData?.length ? Uint8Array.from(t.rawData) : undefined;
	if (t.dataType === T.INT64) {
		if (raw) return Array.from(new BigInt64Array(raw.buffer), Number);
		return t.int64Data.map(Number);
	}
	if (t.dataType === T.INT32) return raw ? Array.from(new Int32Array(raw.buffer)) : [...t.int32Data];
	return undefined;
}

const ints = (node, name, fallback) => attr(node, name)?.ints?.map(Number) ?? fallback;
const float = (node, name, fallback) => attr(node, name)?.f ?? fallback;
const int = (node, name, fallback) => {
	const a = attr(node, name);
	return a ? Number(a.i) : fallback;
};

/** Graph bookkeeping over plain node records. */
function graphOf(model) {
	const g = model.graph;
	const consts = new Map();
	for (const t of g.initializer) consts.set(t.name, t);
	const nodes = [];
	for (const n of g.node) {
		const value = n.opType === "Constant" ? attr(n, "value")?.t : undefined;
		if (value) consts.set(n.output[0], value);
		else nodes.push({ op: n.opType, inputs: [...n.input], outputs: [...n.output], src: n });
	}
	return { g, consts, nodes };
}

/**
 * Compiles one ONNX model (already folded) to the engine's bytes; returns
 * bytes and counts. With `quantize`, the nodes scripts/quantize.mjs makes
 * 8-bit for onnxruntime (group-1 Conv, MatMul with a constant weight) are
 * marked `q8`: the engine packs their weights as int8 at load, with the same
 * scales, and quantizes their inputs per call as DynamicQuantizeLinear does.
 * `int8` names group-1 convolutions (by output) the engine itself runs on
 * 8-bit weights, in any graph: `int8["7"]` on 7-bit input codes (which the
 * relaxed 8-bit dot multiplies), `int8["8"]` on 8-bit codes as q8 nodes are.
 */
export function compileGraph(bytes, { quantize = false, int8 = {} } = {}) {
	const model = onnx.ModelProto.decode(bytes);
	const { g, consts, nodes } = graphOf(model);
	const floats = (name) => {
		const t = consts.get(name);
		return t ? floatsOf(t) : undefined;
	};
	const dims = (name) => consts.get(name).dims.map(Number);
	const scalar = (name) => {
		const f = floats(name);
		return f?.length === 1 ? f[0] : undefined;
	};
	const readers = new Map();
	const producer = new Map();
	const reindex = () => {
		readers.clear();
		producer.clear();
		for (const n of nodes) {
			if (n.dead) continue;
			for (const i of n.inputs) if (i) readers.set(i, [...(readers.get(i) ?? []), n]);
			for (const o of n.outputs) producer.set(o, n);
		}
		for (const o of g.output) readers.set(o.name, [...(readers.get(o.name) ?? []), { op: "(output)" }]);
	};
	const only = (v) => {
		const r = readers.get(v) ?? [];
		return r.length === 1 ? r[0] : undefined;
	};
	const rename = (from, to) => {
		for (const n of nodes) n.inputs = n.inputs.map((i) => (i === from ? to : i));
	};
	const counts = {
		mulOne: 0,
		act: 0,
		bias: 0,
		batchNorm: 0,
		layerNorm: 0,
		gatedResidual: 0,
		upsampleAdd: 0,
		affine: 0,
		q8: 0,
		int8: 0,
		eightBitStored: 0,
	};
	const kill = (n) => {
		n.dead = true;
	};

	// Mul by the constant 1: its output is its input.
	for (const n of nodes) {
		if (n.op !== "Mul") continue;
		const k = n.inputs.findIndex((i) => scalar(i) === 1);
		if (k < 0) continue;
		rename(n.outputs[0], n.inputs[1 - k]);
		kill(n);
		counts.mulOne++;
	}
	reindex();

	// Compute nodes with weights.
	const weights = [];
	const weightOf = new Map();
	const addWeight = (values, shape) => {
		weights.push({ values: Float32Array.from(values), dims: shape });
		return weights.length - 1;
	};
	const constWeight = (name) => {
		if (!weightOf.has(name)) weightOf.set(name, addWeight(floats(name), dims(name)));
		return weightOf.get(name);
	};
	for (const n of nodes) {
		if (n.dead) continue;
		if (n.op === "Conv") {
			if (ints(n.src, "dilations", [1, 1]).some((d) => d !== 1)) throw new Error("dilated Conv");
			const w = dims(n.inputs[1]);
			Object.assign(n, {
				w: constWeight(n.inputs[1]),
				b: n.inputs[2] ? constWeight(n.inputs[2]) : -1,
				cout: w[0],
				kernel: [w[2], w[3]],
				strides: ints(n.src, "strides", [1, 1]),
				pads: ints(n.src, "pads", [0, 0, 0, 0]),
				group: int(n.src, "group", 1),
			});
			n.inputs = [n.inputs[0]];
		} else if (n.op === "ConvTranspose") {
			const w = dims(n.inputs[1]);
			const strides = ints(n.src, "strides", [1, 1]);
			const pads = ints(n.src, "pads", [0, 0, 0, 0]);
			if (w[2] !== strides[0] || w[3] !== strides[1] || pads.some((p) => p) || int(n.src, "group", 1) !== 1)
				throw new Error("ConvTranspose other than kernel == stride");
			let values = Float32Array.from(floats(n.inputs[1]));
			let bias = n.inputs[2] ? Float32Array.from(floats(n.inputs[2])) : new Float32Array(w[1]);
			let out = n.outputs[0];
			const cout = w[1];
			const per = w[2] * w[3];
			// Bias Add, then BatchNormalization, folded into weights and bias.
			let next = only(out);
			if (next?.op === "Add") {
				const c = next.inputs.find((i) => i !== out);
				const v = floats(c);
				if (v?.length === cout) {
					bias = bias.map((b, i) => b + v[i]);
					out = next.outputs[0];
					kill(next);
					counts.bias++;
				}
			}
			next = only(out);
			if (next?.op === "BatchNormalization") {
				const [gamma, beta, mean, variance] = next.inputs.slice(1).map(floats);
				const eps = float(next.src, "epsilon", 1e-5);
				const s = gamma.map((v, c) => v / Math.sqrt(variance[c] + eps));
				values = values.map((v, i) => v * s[Math.floor(i / per) % cout]);
				bias = bias.map((b, c) => (b - mean[c]) * s[c] + beta[c]);
				out = next.outputs[0];
				kill(next);
				counts.batchNorm++;
			}
			Object.assign(n, { w: addWeight(values, w), b: addWeight(bias, [cout]), cout, kernel: [w[2], w[3]] });
			n.inputs = [n.inputs[0]];
			n.outputs = [out];
		} else if (n.op === "MatMul" && consts.has(n.inputs[1])) {
			const w = dims(n.inputs[1]);
			if (w.length !== 2) continue;
			n.op = "Gemm";
			n.w = constWeight(n.inputs[1]);
			n.b = -1;
			n.inputs = [n.inputs[0]];
			const add = only(n.outputs[0]);
			const c = add?.op === "Add" ? add.inputs.find((i) => i !== n.outputs[0]) : undefined;
			if (c && floats(c)?.length === w[1]) {
				n.b = constWeight(c);
				n.outputs = [add.outputs[0]];
				kill(add);
				counts.bias++;
			}
		}
	}
	reindex();

	// Activations into the node that computes their input.
	const fusable = new Set(["Conv", "ConvTranspose", "Gemm"]);
	for (const n of nodes) {
		if (n.dead || !fusable.has(n.op) || n.act) continue;
		const x = n.outputs[0];
		const r = (readers.get(x) ?? []).filter((m) => !m.dead);
		let act;
		let out;
		let alpha = 0;
		let beta = 0;
		if (r.length === 2) {
			const gate = r.find((m) => m.op === "HardSigmoid" || m.op === "Sigmoid");
			const mul = r.find((m) => m.op === "Mul");
			if (gate && mul?.inputs.includes(gate.outputs[0]) && only(gate.outputs[0]) === mul) {
				act = gate.op === "HardSigmoid" ? "hardswish" : "swish";
				alpha = float(gate.src, "alpha", 0.2);
				beta = float(gate.src, "beta", 0.5);
				out = mul.outputs[0];
				kill(gate);
				kill(mul);
			}
		} else if (r.length === 1 && ["Relu", "HardSigmoid", "Sigmoid"].includes(r[0].op)) {
			act = r[0].op;
			alpha = float(r[0].src, "alpha", 0.2);
			beta = float(r[0].src, "beta", 0.5);
			out = r[0].outputs[0];
			kill(r[0]);
		}
		if (!act) continue;
		Object.assign(n, { act: ACT[act], alpha, beta });
		n.outputs = [out];
		counts.act++;
	}
	reindex();

	const ctx = { nodes, consts, producer, readers, only, kill, scalar, floats, constWeight, counts, reindex };
	fuseLayerNorm(ctx);
	fuseGatedResidual(ctx);
	fuseUpsampleAdd(ctx);
	fuseAffine(ctx);

	// In a float graph the weights of these convs stay floats in the file; the packer quantizes them at load.
	for (const n of nodes) {
		if (n.dead || n.op !== "Conv" || n.group !== 1) continue;
		const bits = ["7", "8"].find((b) => (int8[b] ?? []).includes(n.outputs[0]));
		if (!bits) continue;
		n.int8 = Number(bits);
		counts.int8++;
	}
	if (quantize) {
		for (const n of nodes) {
			if (n.dead || !((n.op === "Conv" && n.group === 1) || n.op === "Gemm")) continue;
			n.q8 = 1;
			counts.q8++;
			const w = weights[n.w];
			const e = eightBit(w.values, w.dims, n.op === "Conv" ? 0 : 1);
			if (!e) continue;
			weights[n.w] = { dims: w.dims, codes: e.codes, scales: addWeight(e.scales, [e.scales.length]), axis: e.axis };
			counts.eightBitStored++;
		}
	}

	// What is left: attributes as plain fields, constants as weights or numbers.
	const numbers = {};
	const header = { version: 1, inputs: [], outputs: g.output.map((o) => o.name), weights: [], nodes: [] };
	const inits = new Set(g.initializer.map((t) => t.name));
	for (const i of g.input) {
		if (inits.has(i.name)) continue;
		header.inputs.push({
			name: i.name,
			dims: i.type.tensorType.shape.dim.map((d) => (d.dimParam ? -1 : Number(d.dimValue))),
		});
	}
	const operand = (name) => {
		if (!consts.has(name)) return name;
		const t = consts.get(name);
		const iv = intsOf(t);
		if (iv) {
			numbers[name] = { dims: t.dims.map(Number), values: iv };
			return name;
		}
		return { weight: constWeight(name) };
	};
	const ATTRS = {
		Transpose: (s) => ({ perm: ints(s, "perm") }),
		Softmax: (s) => ({ axis: int(s, "axis", 1) }),
		Squeeze: (s) => ({ axes: ints(s, "axes") }),
		Unsqueeze: (s) => ({ axes: ints(s, "axes") }),
		Concat: (s) => ({ axis: int(s, "axis") }),
		Slice: (s) => ({ axes: ints(s, "axes"), starts: ints(s, "starts"), ends: ints(s, "ends") }),
		Cast: (s) => ({ to: int(s, "to") }),
		HardSigmoid: (s) => ({ alpha: float(s, "alpha", 0.2), beta: float(s, "beta", 0.5) }),
		AveragePool: (s) => ({
			kernel: ints(s, "kernel_shape"),
			strides: ints(s, "strides", [1, 1]),
			pads: ints(s, "pads", [0, 0, 0, 0]),
			countIncludePad: int(s, "count_include_pad", 0),
		}),
		MaxPool: (s) => ({
			kernel: ints(s, "kernel_shape"),
			strides: ints(s, "strides", [1, 1]),
			pads: ints(s, "pads", [0, 0, 0, 0]),
		}),
		Resize: (s) => {
			const mode = Buffer.from(attr(s, "mode")?.s ?? []).toString();
			if (mode !== "nearest") throw new Error(`Resize mode ${mode}`);
			return {};
		},
		ReduceMean: (s) => ({ axes: ints(s, "axes"), keepdims: int(s, "keepdims", 1) }),
	};
	for (const n of nodes) {
		if (n.dead) continue;
		const { src, dead, inputs, ...rest } = n;
		const extra = ATTRS[n.op]?.(src) ?? {};
		header.nodes.push({ ...rest, ...extra, inputs: inputs.map(operand) });
	}
	header.numbers = numbers;
	let offset = 0;
	for (const w of weights) {
		if (w.codes) {
			header.weights.push({
				dims: w.dims,
				offset,
				length: w.codes.length,
				dtype: "i8",
				scales: w.scales,
				axis: w.axis,
			});
			offset += Math.ceil(w.codes.length / 64) * 64;
		} else {
			header.weights.push({ dims: w.dims, offset, length: w.values.length });
			offset += Math.ceil((w.values.length * 4) / 64) * 64;
		}
	}
	const json = new TextEncoder().encode(JSON.stringify(header));
	const start = Math.ceil((8 + json.length) / 64) * 64;
	const out = new Uint8Array(start + offset);
	out.set([0x49, 0x4e, 0x4b, 0x31]);
	new DataView(out.buffer).setUint32(4, json.length, true);
	out.set(json, 8);
	weights.forEach((w, i) => {
		const data = w.codes ?? w.values;
		out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), start + header.weights[i].offset);
	});
	return { bytes: out, counts, nodes: header.nodes.length };
}
