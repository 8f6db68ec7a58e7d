// Fusions of the engine's converter (scripts/engine-models.mjs) that rewrite
// nodes of a graph already lowered to the engine's ops: each pass takes the
// converter's graph context (nodes, constants, readers, producer) and leaves
// it re-indexed. Each is exact up to float rounding.
import { createRequire } from "node:module";
import { attr } from "./fold.mjs";

const require = createRequire(import.meta.url);
const { onnx } = require("onnx-proto");
const T = onnx.TensorProto.DataType;

/** The ten-op layer norm (ReduceMean, Sub, Pow 2, ReduceMean, Add eps, Sqrt, Div, Mul, Add) as one node. */
export function fuseLayerNorm(ctx) {
	const { nodes, readers, only, kill, scalar, constWeight, counts } = ctx;
	// Layer norm.
	for (const n of nodes) {
		if (n.dead || n.op !== "ReduceMean") continue;
		const x = n.inputs[0];
		const sub = only(n.outputs[0]);
		if (sub?.op !== "Sub" || sub.inputs[0] !== x) continue;
		const d = sub.outputs[0];
		const uses = readers.get(d) ?? [];
		const pow = uses.find((m) => m.op === "Pow");
		const div = uses.find((m) => m.op === "Div");
		if (uses.length !== 2 || !pow || !div || scalar(pow.inputs[1]) !== 2) continue;
		const mean2 = only(pow.outputs[0]);
		const addEps = mean2 && only(mean2.outputs[0]);
		const sqrt = addEps && only(addEps.outputs[0]);
		if (mean2?.op !== "ReduceMean" || addEps?.op !== "Add" || sqrt?.op !== "Sqrt" || div.inputs[1] !== sqrt.outputs[0])
			continue;
		const eps = scalar(addEps.inputs[1]);
		const mul = only(div.outputs[0]);
		const add = mul && only(mul.outputs[0]);
		if (eps === undefined || mul?.op !== "Mul" || add?.op !== "Add") continue;
		const gamma = mul.inputs.find((i) => i !== div.outputs[0]);
		const betaIn = add.inputs.find((i) => i !== mul.outputs[0]);
		for (const m of [sub, pow, mean2, addEps, sqrt, div, mul]) kill(m);
		Object.assign(n, { op: "LayerNorm", eps, w: constWeight(gamma), b: constWeight(betaIn), outputs: add.outputs });
		kill(add);
		counts.layerNorm++;
	}
	ctx.reindex();
}

/** x + x * g becomes x * (g + 1). */
export function fuseGatedResidual(ctx) {
	const { nodes, consts, producer, only, counts } = ctx;
	// x + x * g (a squeeze-excite gate with a residual) becomes x * (g + 1): one pass that
	// can write over x, where the two ops held a second full map (measured: the detector's
	// peak at a 480x480 tile was the neck's 96-channel map and its gated copy).
	for (const add of nodes) {
		if (add.dead || add.op !== "Add" || add.inputs.length !== 2) continue;
		for (const [xi, mi] of [
			[0, 1],
			[1, 0],
		]) {
			const x = add.inputs[xi];
			const mul = producer.get(add.inputs[mi]);
			if (mul?.op !== "Mul" || mul.dead || only(add.inputs[mi]) !== add || !mul.inputs.includes(x)) continue;
			const gate = mul.inputs.find((i) => i !== x);
			if (!gate || consts.has(gate) || consts.has(x)) continue;
			const plusOne = `${gate}/plus1`;
			const one = `${gate}/one`;
			consts.set(
				one,
				onnx.TensorProto.create({
					name: one,
					dataType: T.FLOAT,
					dims: [],
					rawData: new Uint8Array(Float32Array.of(1).buffer),
				}),
			);
			Object.assign(mul, { op: "Add", inputs: [gate, one], outputs: [plusOne] });
			Object.assign(add, { op: "Mul", inputs: [x, plusOne] });
			counts.gatedResidual++;
			break;
		}
	}
	ctx.reindex();
}

/** a + nearest Resize(b) becomes one UpsampleAdd. */
export function fuseUpsampleAdd(ctx) {
	const { nodes, producer, only, kill, counts } = ctx;
	// a + Resize(b) (the feature pyramid's top-down path) becomes one UpsampleAdd that reads b
	// where the nearest-neighbour map would be, so the upsampled copy is never held.
	for (const add of nodes) {
		if (add.dead || add.op !== "Add" || add.inputs.length !== 2) continue;
		for (const [ai, ri] of [
			[0, 1],
			[1, 0],
		]) {
			const resize = producer.get(add.inputs[ri]);
			if (resize?.op !== "Resize" || resize.dead || only(add.inputs[ri]) !== add) continue;
			if (Buffer.from(attr(resize.src, "mode")?.s ?? []).toString() !== "nearest") continue;
			Object.assign(add, { op: "UpsampleAdd", inputs: [add.inputs[ai], ...resize.inputs] });
			kill(resize);
			counts.upsampleAdd++;
			break;
		}
	}
	ctx.reindex();
}

/** Scalar a * x + b becomes one Affine pass. */
export function fuseAffine(ctx) {
	const { nodes, only, kill, scalar, counts } = ctx;
	// a * x + b with scalar constants (the recogniser's learnable affine after each hard-swish
	// that the folding could not move into a padded convolution) becomes one Affine pass.
	for (const mul of nodes) {
		if (mul.dead || mul.op !== "Mul" || mul.inputs.length !== 2) continue;
		const ka = mul.inputs.findIndex((i) => scalar(i) !== undefined);
		if (ka < 0 || scalar(mul.inputs[1 - ka]) !== undefined) continue;
		const add = only(mul.outputs[0]);
		const kb = add?.op === "Add" ? add.inputs.findIndex((i) => i !== mul.outputs[0]) : -1;
		const b = kb >= 0 ? scalar(add.inputs[kb]) : undefined;
		if (b === undefined) continue;
		Object.assign(mul, {
			op: "Affine",
			alpha: scalar(mul.inputs[ka]),
			beta: b,
			inputs: [mul.inputs[1 - ka]],
			outputs: add.outputs,
		});
		kill(add);
		counts.affine++;
	}
	ctx.reindex();
}
