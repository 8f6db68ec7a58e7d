// The 8-bit recogniser through the engine reads every line of a batch as it
// reads the line alone: with identical lines the batch's one quantization
// (min and max over the whole tensor) equals each line's, so every image of
// the batch must give the single run's probabilities bit for bit. Each
// conv8's scale and zero point sit behind the input's u8 codes, inside the
// same heap block, whatever the tensor's size.
import { env } from "cloudflare:test";
import { expect, it } from "vitest";
import { loadModel, releaseModel, runModel } from "../src/ocr/engine";

it("gives each line of a batch of 1, 2 and 3 the same probabilities", async () => {
	const res = await env.MODELS.fetch("http://assets/rec.ink");
	expect(res.status).toBe(200);
	await loadModel("rec", new Uint8Array(await res.arrayBuffer()));
	const width = 320;
	const one = 3 * 48 * width;
	const line = new Float32Array(one);
	let s = 5;
	for (let i = 0; i < one; i++) {
		s = (s * 1664525 + 1013904223) >>> 0;
		line[i] = (s / 2 ** 32) * 2 - 1;
	}
	const run = async (n: number) => {
		const data = new Float32Array(n * one);
		for (let b = 0; b < n; b++) data.set(line, b * one);
		const out = Object.values(await runModel("rec", { x: { data, dims: [n, 3, 48, width] } }))[0];
		return out?.data as Float32Array;
	};
	try {
		const alone = await run(1);
		expect(alone.length).toBeGreaterThan(1000);
		for (const n of [2, 3]) {
			const batch = await run(n);
			expect(batch.length).toBe(n * alone.length);
			for (let b = 0; b < n; b++) {
				let off = 0;
				for (let i = 0; i < alone.length; i++) if (batch[b * alone.length + i] !== alone[i]) off++;
				expect(off, `batch ${n}, line ${b}: probabilities differing`).toBe(0);
			}
		}
	} finally {
		await releaseModel("rec");
	}
});
