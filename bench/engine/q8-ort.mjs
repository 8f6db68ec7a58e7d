#!/usr/bin/env node
// The int8 convolutions of infer.wasm against onnxruntime-web on the graph
// the 8-bit recogniser really runs: a one-Conv float graph per shape class,
// rewritten by scripts/quantize.mjs (DynamicQuantizeLinear, ConvInteger, Cast,
// Mul by input scale x channel scales, Add bias), run by ORT's wasm backend.
// Prints, per shape, how many u8 codes differ, whether scale and zero point
// match, and the largest output difference in units of the output's magnitude.
// Usage: node scripts/build-kernels.mjs && node bench/engine/q8-ort.mjs
import "../../scripts/relaxed-simd.mjs";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { ROOT, table } from "../lib/server.mjs";

const require = createRequire(join(ROOT, "package.json"));
const { onnx } = require("onnx-proto");
const { quantizeDynamicU8 } = await import(join(ROOT, "scripts", "quantize.mjs"));
const ort = await import(require.resolve("onnxruntime-web"));
ort.env.wasm.numThreads = 1;
ort.env.logLevel = "error";

const k = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(join(ROOT, "build", "kernels", "infer.wasm"))), {
	env: {
		abort: () => {
			throw new Error("abort");
		},
	},
}).exports;

// [cin, h, w, cout, kh, kw, s, pads (t, l, b, r)] of the recogniser (smaller planes where ORT would be slow).
const SHAPES = [
	[3, 48, 64, 16, 3, 3, [2, 2], [1, 1, 1, 1]],
	[3, 13, 21, 5, 3, 3, [2, 2], [1, 1, 1, 1]],
	[16, 24, 40, 32, 1, 1, [1, 1], [0, 0, 0, 0]],
	[64, 6, 50, 128, 1, 1, [1, 1], [0, 0, 0, 0]],
	[480, 1, 80, 120, 1, 1, [1, 1], [0, 0, 0, 0]],
	[120, 1, 1, 480, 1, 1, [1, 1], [0, 0, 0, 0]],
	[240, 1, 37, 60, 1, 1, [1, 1], [0, 0, 0, 0]],
	[480, 1, 80, 60, 1, 3, [1, 1], [0, 1, 0, 1]],
	[960, 1, 23, 60, 1, 3, [1, 1], [0, 1, 0, 1]],
	[7, 5, 9, 6, 3, 3, [1, 2], [0, 2, 1, 0]],
];

function noise(n, seed, lo, hi) {
	const a = new Float32Array(n);
	let s = seed >>> 0;
	for (let i = 0; i < n; i++) {
		s = (s * 1664525 + 1013904223) >>> 0;
		a[i] = lo + (s / 2 ** 32) * (hi - lo);
	}
	return a;
}

const T = onnx.TensorProto.DataType;
const tensor = (name, values, dims) =>
	onnx.TensorProto.create({ name, dataType: T.FLOAT, dims, rawData: new Uint8Array(values.buffer.slice(0)) });
const valueInfo = (name, dims) =>
	onnx.ValueInfoProto.create({
		name,
		type: {
			tensorType: { elemType: T.FLOAT, ...(dims ? { shape: { dim: dims.map((d) => ({ dimValue: d })) } } : {}) },
		},
	});
const ints = (name, values) =>
	onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: values });

/** One float Conv (+ bias) graph, opset 11. */
function convModel(cin, h, w, cout, kh, kw, s, p, weight, bias) {
	const graph = onnx.GraphProto.create({
		name: "conv",
		node: [
			onnx.NodeProto.create({
				opType: "Conv",
				input: ["x", "w", "b"],
				output: ["y"],
				attribute: [ints("kernel_shape", [kh, kw]), ints("strides", s), ints("pads", p), ints("dilations", [1, 1])],
			}),
		],
		initializer: [tensor("w", weight, [cout, cin, kh, kw]), tensor("b", bias, [cout])],
		input: [valueInfo("x", [1, cin, h, w])],
		output: [valueInfo("y")],
	});
	return onnx.ModelProto.create({ irVersion: 7, opsetImport: [{ domain: "", version: 11 }], graph });
}

const dqlModel = (n) =>
	onnx.ModelProto.create({
		irVersion: 7,
		opsetImport: [{ domain: "", version: 11 }],
		graph: onnx.GraphProto.create({
			name: "dql",
			node: [onnx.NodeProto.create({ opType: "DynamicQuantizeLinear", input: ["x"], output: ["q", "s", "z"] })],
			input: [valueInfo("x", [n])],
			output: ["q", "s", "z"].map((o) => onnx.ValueInfoProto.create({ name: o })),
		}),
	});

let top = k.heapBase();
const take = (bytes) => {
	const at = (top + 63) & ~63;
	top = at + bytes;
	const have = k.memory.buffer.byteLength;
	if (top > have) k.memory.grow(Math.ceil((top - have) / 65536));
	return at;
};
const put = (data) => {
	const at = take(data.byteLength);
	new Uint8Array(k.memory.buffer, at, data.byteLength).set(
		new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
	);
	return at;
};

const rows = [];
for (const [i, [cin, h, w, cout, kh, kw, s, p]] of SHAPES.entries()) {
	top = k.heapBase();
	// Activations skewed like post-activation maps (mostly positive), weights and bias as trained nets hold them.
	const x = noise(cin * h * w, 11 + i, -0.7, 2.3);
	const weight = noise(cout * cin * kh * kw, 101 + i, -0.4, 0.4);
	const bias = noise(cout, 1001 + i, -0.5, 0.5);
	const { bytes } = quantizeDynamicU8(
		onnx.ModelProto.encode(convModel(cin, h, w, cout, kh, kw, s, p, weight, bias)).finish(),
	);
	const conv = await ort.InferenceSession.create(bytes, { executionProviders: ["wasm"] });
	const ref = (await conv.run({ x: new ort.Tensor("float32", x, [1, cin, h, w]) })).y;
	const dql = await ort.InferenceSession.create(onnx.ModelProto.encode(dqlModel(x.length)).finish());
	const dq = await dql.run({ x: new ort.Tensor("float32", x, [x.length]) });

	const xp = put(x);
	const q = take(x.length);
	const params = take(k.q8ParamsBytes());
	const src = put(weight);
	const wp = take(k.conv8PackedBytes(cout, cin, kh, kw));
	const bp = put(bias);
	const g = [cin, h, w, cout, kh, kw, s[0], s[1], p[0], p[1], p[2], p[3]];
	const scratch = take(k.conv8ScratchBytes(8, ...g));
	const y = take(ref.data.length * 4);
	k.conv8Pack(src, wp, cout, cin, kh, kw);
	k.quantizeU8(xp, x.length, q, params);
	k.conv8(8, q, params, wp, bp, y, scratch, ...g, 0, 0, 0);

	const codes = new Uint8Array(k.memory.buffer, q, x.length);
	let codesOff = 0;
	for (let j = 0; j < x.length; j++) if (codes[j] !== dq.q.data[j]) codesOff++;
	const scale = new Float32Array(k.memory.buffer, params, 1)[0];
	const zp = new Int32Array(k.memory.buffer, params, 2)[1];
	const got = new Float32Array(k.memory.buffer, y, ref.data.length);
	let diff = 0;
	let mag = 0;
	let equal = 0;
	for (let j = 0; j < got.length; j++) {
		diff = Math.max(diff, Math.abs(got[j] - ref.data[j]));
		mag = Math.max(mag, Math.abs(ref.data[j]));
		if (got[j] === ref.data[j]) equal++;
	}
	rows.push({
		shape: `${cin}->${cout} ${kh}x${kw} s${s.join("x")} @${h}x${w}`,
		"u8 codes off": `${codesOff}/${x.length}`,
		"scale, zp": `${scale === dq.s.data[0] ? "=" : "!="} ${zp}/${dq.z.data[0]}`,
		"outputs equal": `${equal}/${got.length}`,
		"max |diff| / max |y|": (diff / mag).toExponential(2),
	});
}
console.log(table(rows));
