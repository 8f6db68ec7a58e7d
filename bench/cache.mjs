// bench/cache: hit vs miss latency of a ~1 MP styled preview over HTTP to
// `wrangler dev`. Misses use a fresh option value each time (a new cache key,
// full decode + filter + encode); hits repeat one request. Target: hit >= 20x faster.

import { photoJpeg } from "./lib/images.mjs";
import { median, percentile, startServer, table } from "./lib/server.mjs";

const ROUNDS = Number(process.env.ROUNDS ?? 15);
const photo = await photoJpeg("orange", 1.0);
console.log(
	`input: orange upscaled to ${photo.width}x${photo.height} JPEG, ${(photo.bytes.length / 1024).toFixed(0)} KB`,
);
const server = await startServer({ port: 8791 });
try {
	const post = async (query) => {
		const t = performance.now();
		const res = await fetch(`${server.url}/api/style/watercolor?max_side=1200&format=jpeg&${query}`, {
			method: "POST",
			headers: { "content-type": "image/jpeg" },
			body: photo.bytes,
		});
		const body = new Uint8Array(await res.arrayBuffer());
		if (res.status !== 200) throw new Error(`status ${res.status}: ${new TextDecoder().decode(body).slice(0, 200)}`);
		return { ms: performance.now() - t, cache: res.headers.get("x-cache"), bytes: body.length };
	};
	await post("sigma_s=60"); // warm: kernels instantiated, codecs initialised
	const miss = [];
	const hit = [];
	for (let i = 0; i < ROUNDS; i++) {
		const m = await post(`sigma_s=${(50 + i * 0.37).toFixed(2)}`);
		if (m.cache !== "MISS") throw new Error(`expected MISS, got ${m.cache}`);
		miss.push(m.ms);
		const h = await post("sigma_s=60");
		if (h.cache !== "HIT") throw new Error(`expected HIT, got ${h.cache}`);
		hit.push(h.ms);
	}
	const rows = [
		{ case: "miss", p50_ms: median(miss).toFixed(1), p95_ms: percentile(miss, 95).toFixed(1), n: miss.length },
		{ case: "hit", p50_ms: median(hit).toFixed(1), p95_ms: percentile(hit, 95).toFixed(1), n: hit.length },
	];
	console.log(table(rows));
	console.log(`hit is ${(median(miss) / median(hit)).toFixed(1)}x faster than miss (target >= 20x)`);
} finally {
	server.stop();
}
