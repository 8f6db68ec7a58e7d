// Cold start: the first OCR answer of a fresh server, per engine. Each try starts the app
// itself (the root wrangler.toml, a fresh state folder, OCR_ENGINE set), waits for /health
// (the isolate is up and its script evaluated; no model is loaded), then times one
// POST /api/ocr of a small fixture from the client, body read. The models load inside that
// request; the app's Server-Timing gives the stages of its first run and /api/models each
// model's load time, and what neither covers (reading the upload, admission, the answer,
// the HTTP round trip) is the rest. In wrangler dev a request that reads large model files
// is answered some time after its handler returns (bench README), which lands in the rest
// too; the wall time is the client's and holds it all.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, median, ROOT, startServer, table } from "../lib/server.mjs";
import { EngineMismatch, verifyEngine } from "./engines.mjs";

const FIXTURES = join(ROOT, "test", "fixtures", "ocr");
const STAGES = ["decode", "det", "cls", "rec", "post", "total"];

/** Width and height from a PNG's IHDR or a baseline/progressive JPEG's SOF marker. */
export function imageSize(bytes) {
	if (bytes[0] === 0x89 && bytes[1] === 0x50) return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
	for (let i = 2; i + 9 < bytes.length; ) {
		if (bytes[i] !== 0xff) return null;
		const marker = bytes[i + 1];
		const length = bytes.readUInt16BE(i + 2);
		if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
			return { height: bytes.readUInt16BE(i + 5), width: bytes.readUInt16BE(i + 7) };
		i += 2 + length;
	}
	return null;
}

/** The fixture with the fewest pixels among those whose reference has text (COLD_IMAGE=name picks one). */
export function smallestFixture(pick = process.env.COLD_IMAGE) {
	const all = readdirSync(FIXTURES)
		.filter((f) => /\.(png|jpg)$/.test(f))
		.map((file) => {
			const name = file.replace(/\.(png|jpg)$/, "");
			const bytes = readFileSync(join(FIXTURES, file));
			const truth = readFileSync(join(FIXTURES, `${name}.gt.txt`), "utf8").trim();
			const size = imageSize(bytes);
			return { name, file, bytes, truth, ...size, pixels: size ? size.width * size.height : Infinity };
		})
		.filter((f) => f.truth !== "");
	if (pick) {
		const found = all.find((f) => f.name === pick || f.file === pick);
		if (!found) throw new Error(`COLD_IMAGE=${pick}: no such OCR fixture with text`);
		return found;
	}
	return all.sort((a, b) => a.pixels - b.pixels)[0];
}

/** `det;dur=12.3, cache;desc="miss";dur=0.4` to { det: 12.3, cache: 0.4 }. */
export function parseServerTiming(header) {
	const out = {};
	for (const part of (header ?? "").split(",")) {
		const [name, ...params] = part.trim().split(";");
		const dur = params.map((p) => /^\s*dur=([\d.]+)/.exec(p)).find(Boolean);
		if (name && dur) out[name.trim()] = Number(dur[1]);
	}
	return out;
}

/** One fresh server, one timed first request. Throws EngineMismatch if the server runs another engine. */
async function coldOnce(engine, image) {
	const port = await freePort();
	const server = await startServer({ port, vars: { OCR_ENGINE: engine, CACHE_EDGE: "off" } });
	try {
		const t0 = performance.now();
		const res = await fetch(`${server.url}/api/ocr`, {
			method: "POST",
			headers: { "content-type": image.file.endsWith(".png") ? "image/png" : "image/jpeg" },
			body: image.bytes,
		});
		const body = await res.json();
		const wall = performance.now() - t0;
		if (!res.ok) throw new Error(`first POST /api/ocr answered ${res.status}: ${JSON.stringify(body.error)}`);
		// Asked after the timed request, so nothing but /health ran before it.
		const check = await verifyEngine(server.url, engine);
		if (!check.ok) throw new EngineMismatch(check.note);
		const models = (await (await fetch(`${server.url}/api/models`)).json()).data.models;
		const status = (await (await fetch(`${server.url}/api/status`)).json()).data;
		const loadMs = Object.fromEntries(models.map((m) => [m.name, m.load_ms]));
		const timing = parseServerTiming(res.headers.get("server-timing"));
		return {
			wall,
			timing,
			loadMs,
			text: body.data.text,
			wasmBytes: status.memory.ocr_wasm_bytes,
		};
	} finally {
		server.stop();
	}
}

/**
 * `runs` cold starts of each engine on `image`, one server each, the engines taking turns
 * (ort, ink, ort, ink, ...) so a change in load reaches them alike. An engine the server
 * does not run is passed to `mismatch` (which may throw) and left out of later rounds.
 */
export async function coldStarts(engines, image, runs, mismatch) {
	const out = Object.fromEntries(engines.map((e) => [e, []]));
	for (let i = 0; i < runs; i++)
		for (const engine of Object.keys(out)) {
			try {
				out[engine].push(await coldOnce(engine, image));
			} catch (err) {
				if (!(err instanceof EngineMismatch)) throw err;
				delete out[engine];
				mismatch(engine, err);
			}
		}
	return out;
}

const fmt = (ms) => (Number.isFinite(ms) ? ms.toFixed(0) : "-");

/** The table of every try, then each engine's median against the 1.0 s target. */
export function coldTable(byEngine, image) {
	const rows = [];
	for (const [engine, tries] of Object.entries(byEngine)) {
		tries.forEach((t, i) => {
			const loads = ["det", "cls", "rec"].map((m) => t.loadMs[m]);
			const loaded = loads.reduce((s, v) => s + (v ?? 0), 0);
			const row = { engine, try: i + 1, "wall ms": fmt(t.wall) };
			for (const s of STAGES) row[s] = fmt(t.timing[s]);
			row["load det"] = fmt(loads[0]);
			row["load cls"] = fmt(loads[1]);
			row["load rec"] = fmt(loads[2]);
			row.rest = fmt(t.wall - (t.timing.total ?? 0) - loaded);
			row["wasm MiB"] = (t.wasmBytes / 2 ** 20).toFixed(1);
			row.text = JSON.stringify(t.text.slice(0, 24));
			rows.push(row);
		});
	}
	const head = `Cold start: first POST /api/ocr of ${image.file} (${image.width}x${image.height}) on a fresh wrangler dev, ms`;
	const medians = Object.entries(byEngine).map(([engine, tries]) => {
		const walls = tries.map((t) => t.wall);
		const m = median(walls);
		return `${engine}: ${walls.map(fmt).join(", ")} ms; median ${fmt(m)} ms (target <= 1000: ${m <= 1000 ? "met" : "not met"})`;
	});
	return [head, "", table(rows), "", ...medians].join("\n");
}
