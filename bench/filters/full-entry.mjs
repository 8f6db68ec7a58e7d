// Node entry of the strip bench (bundled by run.mjs with esbuild): filters a
// raw RGBA frame in strips on the built kernel and writes the result beside it.
import { readFileSync, writeFileSync } from "node:fs";
import { filterStrips, kernelMemoryBytes, pixelRows, pixelsSink, releaseKernel } from "../../src/filters";

const [path, ws, hs, name, query, outPath, budgetS, haloS] = process.argv.slice(2);
const w = Number(ws);
const h = Number(hs);
const params = {};
for (const [k, v] of new URLSearchParams(query)) params[k] = Number(v);
const data = new Uint8ClampedArray(readFileSync(path).buffer);
const frame = { data, width: w, height: h };
// Warm-up on a crop so V8 has tiered the kernel up before the timed run.
const crop = { data: data.subarray(0, w * 4 * 256), width: w, height: 256 };
await filterStrips(name, pixelRows(crop), pixelsSink(w, 256), params);
releaseKernel();
const sink = pixelsSink(w, h);
const options = { budget: budgetS ? Number(budgetS) : undefined, halo: haloS ? Number(haloS) : undefined };
const t0 = performance.now();
const run = await filterStrips(name, pixelRows(frame), sink, params, options);
const ms = performance.now() - t0;
writeFileSync(outPath, sink.pixels.data);
const { output, ...stats } = run;
console.log(JSON.stringify({ ms, kernelBytes: kernelMemoryBytes(), ...stats }));
