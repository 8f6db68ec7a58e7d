// Bench-only Worker: sets up one group of cases of bench/engine/ops-core.mjs
// (a gemm shape or the element-wise kernels) on a fresh kernel instance, then
// runs one case `reps` times per request. The driver times the requests:
// workerd's clock does not advance while a request computes.
import inferModule from "../../build/kernels/infer.wasm";
import { elementCases, GEMM_SHAPES, gemmCases } from "./ops-core.mjs";

let calls = [];

function kernel() {
	return new WebAssembly.Instance(inferModule, {
		env: {
			abort() {
				throw new Error("infer kernel abort");
			},
		},
	}).exports;
}

export default {
	async fetch(req) {
		const url = new URL(req.url);
		const q = (name) => Number(url.searchParams.get(name));
		if (url.pathname === "/noop") return new Response("ok");
		if (url.pathname === "/gemm") {
			const set = gemmCases(kernel(), GEMM_SHAPES[q("shape")]);
			calls = Object.values(set.fns);
			return Response.json({ names: Object.keys(set.fns), macs: set.macs, int8Err: set.int8Err });
		}
		if (url.pathname === "/elements") {
			const cases = elementCases(kernel());
			calls = cases.map((c) => c[2]);
			return Response.json({ names: cases.map((c) => c[0]), bytes: cases.map((c) => c[1]) });
		}
		if (url.pathname === "/run") {
			const fn = calls[q("case")];
			for (let i = q("reps"); i > 0; i--) fn();
			return new Response("ok");
		}
		return new Response("not found", { status: 404 });
	},
};
