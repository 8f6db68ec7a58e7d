// Dynamic 8-bit quantization of an ONNX graph, for the recogniser: every
// Conv with group 1 and every MatMul whose weight is a constant reads its
// input as uint8 (DynamicQuantizeLinear, scale and zero point found per call)
// and its weight as uint8 with zero point 128 and one scale per output
// channel; the integer product is cast back to float and scaled. Depthwise
// convolutions and the attention MatMuls (no constant operand) stay float.
//
// Why these choices (measured in onnxruntime-web 1.30 wasm, one thread):
// - uint8 weights: int8 weights give the same numbers but run about 4.5x
//   slower than float, while uint8 x uint8 runs about 1.5-1.8x faster.
// - depthwise convolutions quantized ran slower than left in float.
// Weights are symmetric (max |w| maps to 127), so 128 is an exact zero.
//
// PaddleOCR's export is opset 9 with weights in Constant nodes;
// DynamicQuantizeLinear needs opset 11, so the two ops whose form changed on
// the way (Clip, Slice) get their attributes moved into inputs.
import { createRequire } from "node:module";
import { attr, floatsOf } from "./fold.mjs";

const require = createRequire(import.meta.url);
const { onnx } = require("onnx-proto");

const T = onnx.TensorProto.DataType;
const A = onnx.AttributeProto.AttributeType;
// Ops whose opset-9 form means the same at opset 11, or that are rewritten below
// (the recogniser's graph uses only these); anything else stops the build.
const SAFE_TO_OPSET_11 = new Set(
	"Add AveragePool BatchNormalization Cast Clip Concat Constant Conv Div GlobalAveragePool HardSigmoid Identity MatMul Mul Pow ReduceMean Relu Reshape Shape Sigmoid Slice Softmax Sqrt Squeeze Sub Transpose Unsqueeze".split(
		" ",
	),
);

const floats = (t) => {
	const values = floatsOf(t);
	if (!values) throw new Error(`weight ${t.name} is not float32`);
	return values;
};
const raw = (typed) => new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
const floatTensor = (name, values, dims) =>
	onnx.TensorProto.create({ name, dataType: T.FLOAT, dims, rawData: raw(Float32Array.from(values)) });
const int64Tensor = (name, values, dims) =>
	onnx.TensorProto.create({ name, dataType: T.INT64, dims, rawData: raw(BigInt64Array.from(values, BigInt)) });

/**
 * Weights as uint8 around 128, one scale per channel. `index(c, k)` gives
 * the flat position of the k-th of `per` weights of channel c.
 */
function quantizeChannels(w, channels, per, index) {
	const q = new Uint8Array(w.length);
	const scales = new Float32Array(channels);
	for (let c = 0; c < channels; c++) {
		let max = 0;
		for (let k = 0; k < per; k++) max = Math.max(max, Math.abs(w[index(c, k)]));
		const s = max > 0 ? max / 127 : 1;
		scales[c] = s;
		for (let k = 0; k < per; k++) {
			const i = index(c, k);
			q[i] = 128 + Math.max(-127, Math.min(127, Math.round(w[i] / s)));
		}
	}
	return { q, scales };
}

/** Returns the quantized model's bytes and what was done. */
export function quantizeDynamicU8(bytes) {
	const model = onnx.ModelProto.decode(bytes);
	const graph = model.graph;
	let serial = 0;
	const name = (base) => `${base}/q${serial++}`;
	const added = [];
	const init = (tensor) => {
		added.push(tensor);
		return tensor.name;
	};
	const node = (opType, input, output, attribute = []) =>
		onnx.NodeProto.create({ opType, input, output, attribute, name: name(opType) });

	const constants = new Map(graph.initializer.map((t) => [t.name, t]));
	for (const n of graph.node) {
		const value = n.opType === "Constant" ? attr(n, "value")?.t : undefined;
		if (value) constants.set(n.output[0], value);
	}
	const uses = new Map();
	for (const n of graph.node) for (const i of n.input) uses.set(i, (uses.get(i) ?? 0) + 1);

	const opset = model.opsetImport.find((o) => !o.domain || o.domain === "ai.onnx");
	const from = Number(opset.version);
	if (from < 11) {
		for (const n of graph.node) {
			if (!SAFE_TO_OPSET_11.has(n.opType)) throw new Error(`no opset ${from} -> 11 rule for ${n.opType}`);
			if (n.opType === "Clip" && n.attribute.length > 0) {
				const bound = (a, label) => (a ? init(floatTensor(name(label), [a.f], [])) : "");
				n.input = [n.input[0], bound(attr(n, "min"), "clip_min"), bound(attr(n, "max"), "clip_max")];
				n.attribute = [];
			} else if (n.opType === "Slice" && from < 10) {
				const list = (key) => attr(n, key)?.ints.map(Number);
				const tensor = (values, label) => init(int64Tensor(name(label), values, [values.length]));
				const axes = list("axes");
				n.input = [n.input[0], tensor(list("starts"), "starts"), tensor(list("ends"), "ends")];
				if (axes) n.input.push(tensor(axes, "axes"));
				n.attribute = [];
			}
		}
		opset.version = 11;
	}

	const zeroPoint = init(
		onnx.TensorProto.create({ name: name("w_zero"), dataType: T.UINT8, dims: [], rawData: Uint8Array.of(128) }),
	);
	const quantizedInputs = new Map();
	const dropped = new Set();
	const out = [];
	const done = { conv: 0, matmul: 0, kept: 0 };

	/** DynamicQuantizeLinear of `x`, once per activation however many consumers it has. */
	const quantizedInput = (x) => {
		let q = quantizedInputs.get(x);
		if (!q) {
			q = [name(`${x}_u8`), name(`${x}_scale`), name(`${x}_zero`)];
			out.push(node("DynamicQuantizeLinear", [x], q));
			quantizedInputs.set(x, q);
		}
		return q;
	};
	/** int32 product -> float, times (input scale x weight scales). */
	const rescale = (product, inputScale, scales, result) => {
		const asFloat = name("float");
		const scale = name("scale");
		out.push(node("Cast", [product], [asFloat], [onnx.AttributeProto.create({ name: "to", type: A.INT, i: T.FLOAT })]));
		out.push(node("Mul", [inputScale, scales], [scale]));
		out.push(node("Mul", [asFloat, scale], [result]));
	};
	const consume = (input) => {
		if (uses.get(input) === 1) dropped.add(input);
	};

	for (const n of graph.node) {
		const weight = constants.get(n.input[1]);
		const group = Number(attr(n, "group")?.i ?? 1);
		if (n.opType === "Conv" && weight && group === 1) {
			const dims = weight.dims.map(Number);
			const [channels] = dims;
			const per = dims.slice(1).reduce((a, b) => a * b, 1);
			const { q, scales } = quantizeChannels(floats(weight), channels, per, (c, k) => c * per + k);
			const w = init(onnx.TensorProto.create({ name: name("conv_w"), dataType: T.UINT8, dims, rawData: q }));
			const s = init(floatTensor(name("conv_s"), scales, [1, channels, 1, 1]));
			const [xq, xs, xz] = quantizedInput(n.input[0]);
			const product = name("conv_i32");
			const keep = n.attribute.filter((a) =>
				["auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"].includes(a.name),
			);
			out.push(
				onnx.NodeProto.create({
					opType: "ConvInteger",
					input: [xq, w, xz, zeroPoint],
					output: [product],
					attribute: keep,
					name: name("ConvInteger"),
				}),
			);
			const bias = n.input[2] ? constants.get(n.input[2]) : undefined;
			if (n.input[2] && !bias) throw new Error(`Conv ${n.name}: bias is not a constant`);
			const scaled = bias ? name("conv_nobias") : n.output[0];
			rescale(product, xs, s, scaled);
			if (bias) {
				out.push(
					node("Add", [scaled, init(floatTensor(name("conv_b"), floats(bias), [1, channels, 1, 1]))], [n.output[0]]),
				);
				consume(n.input[2]);
			}
			consume(n.input[1]);
			done.conv++;
		} else if (n.opType === "MatMul" && weight?.dims.length === 2) {
			const [rows, cols] = weight.dims.map(Number);
			const { q, scales } = quantizeChannels(floats(weight), cols, rows, (c, k) => k * cols + c);
			const w = init(
				onnx.TensorProto.create({ name: name("mm_w"), dataType: T.UINT8, dims: [rows, cols], rawData: q }),
			);
			const s = init(floatTensor(name("mm_s"), scales, [cols]));
			const [xq, xs, xz] = quantizedInput(n.input[0]);
			const product = name("mm_i32");
			out.push(node("MatMulInteger", [xq, w, xz, zeroPoint], [product]));
			rescale(product, xs, s, n.output[0]);
			consume(n.input[1]);
			done.matmul++;
		} else {
			if (n.opType === "Conv" || n.opType === "MatMul") done.kept++;
			out.push(n);
		}
	}
	graph.node = out.filter((n) => !(n.opType === "Constant" && dropped.has(n.output[0])));
	graph.initializer.push(...added);
	// The float weights now read by nobody (initializers as well as Constant nodes).
	const read = new Set(graph.node.flatMap((n) => n.input));
	graph.initializer = graph.initializer.filter((t) => read.has(t.name));
	graph.valueInfo = []; // shapes of rewritten values are stale; ORT infers them again
	return { bytes: onnx.ModelProto.encode(model).finish(), ...done, opset: { from, to: Number(opset.version) } };
}
