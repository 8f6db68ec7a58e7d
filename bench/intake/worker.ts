// Bench-only Worker for bench/intake/run.mjs: holds one posted file and runs the
// app's intake on it (loadImage from src/codecs, to a max side), then optionally
// one PNG encode of the result, timing both inside workerd. Whatever decoders
// src/codecs uses at the time are what is measured.
import * as codecs from "../../src/codecs";
import { configFrom, type Env } from "../../src/lib/config";

let input: Uint8Array | null = null;
// The last preview's PNG, so run.mjs can check the pixels against vipsthumbnail's.
let lastPng: Uint8Array | null = null;

type Reader = () => unknown;
type Kind = "peak" | "last" | "held";
type Readings = Record<Kind, Record<string, number>>;

/**
 * The codecs module's memory readers, found by name at run time so the bench
 * keeps working while the decoders change. Every zero-argument export of
 * src/codecs whose name has "peak" in it (`codecPeakBytes`, `jpegPeakBytes`,
 * `codecPeaks`, ...) is a peak, one ending in `LastBytes` the heap of the
 * last call to finish, one ending in `Resident/Heap/LiveBytes` what is held
 * now; `reset...Peak...` functions zero the peaks. A reader may return a
 * number or an object of numbers (flattened as `name.key`).
 */
function readers(): { fns: Record<Kind, Record<string, Reader>>; resets: Reader[] } {
	const fns: Record<Kind, Record<string, Reader>> = { peak: {}, last: {}, held: {} };
	const resets: Reader[] = [];
	for (const [name, value] of Object.entries(codecs as Record<string, unknown>)) {
		if (typeof value !== "function" || value.length !== 0) continue;
		const fn = value as Reader;
		if (/^reset.*peak/i.test(name)) resets.push(fn);
		else if (/peak/i.test(name)) fns.peak[name] = fn;
		else if (/last\w*bytes$/i.test(name)) fns.last[name] = fn;
		else if (/(resident|heap|live)bytes$/i.test(name)) fns.held[name] = fn;
	}
	return { fns, resets };
}

function read(fns: Record<Kind, Record<string, Reader>>): Readings {
	const out: Readings = { peak: {}, last: {}, held: {} };
	for (const kind of ["peak", "last", "held"] as const) {
		for (const [name, fn] of Object.entries(fns[kind])) {
			try {
				const v = fn();
				if (typeof v === "number") out[kind][name] = v;
				else if (v && typeof v === "object") {
					for (const [key, n] of Object.entries(v)) if (typeof n === "number") out[kind][`${name}.${key}`] = n;
				}
			} catch {}
		}
	}
	return out;
}

function errorOf(err: unknown): { status: number; code: string; message: string } {
	const e = err as { status?: unknown; code?: unknown; message?: unknown; name?: unknown };
	return {
		status: typeof e?.status === "number" ? e.status : 500,
		code: typeof e?.code === "string" ? e.code : String(e?.name ?? "error"),
		message: String(e?.message ?? err).slice(0, 300),
	};
}

export default {
	async fetch(req: Request, env: Env): Promise<Response> {
		const url = new URL(req.url);
		if (url.pathname === "/health") return new Response("ok");
		if (url.pathname === "/input" && req.method === "POST") {
			input = null;
			input = new Uint8Array(await req.arrayBuffer());
			return Response.json({ bytes: input.byteLength });
		}
		if (url.pathname === "/last.png") {
			return lastPng
				? new Response(lastPng, { headers: { "content-type": "image/png" } })
				: new Response(null, { status: 404 });
		}
		if (url.pathname === "/run") {
			if (!input) return Response.json({ error: { status: 400, code: "no_input", message: "POST /input first" } });
			const maxSide = Number(url.searchParams.get("side") ?? 1024);
			const encode = url.searchParams.get("encode") === "png";
			const { fns, resets } = readers();
			// Each phase reports the readings before and after it; run.mjs decides which count.
			const phase = async <T>(
				run: () => Promise<T>,
			): Promise<{ value: T; ms: number; before: Readings; after: Readings }> => {
				for (const r of resets) r();
				const before = read(fns);
				const t0 = performance.now();
				const value = await run();
				const ms = performance.now() - t0;
				return { value, ms, before, after: read(fns) };
			};
			const result: Record<string, unknown> = { resettable: resets.length > 0 };
			try {
				const load = await phase(() => codecs.loadImage(input as Uint8Array, configFrom(env).limits, maxSide));
				const { pixels, original, scale } = load.value;
				Object.assign(result, {
					load_ms: load.ms,
					width: pixels.width,
					height: pixels.height,
					original,
					scale,
					decode: { before: load.before, after: load.after },
				});
				if (encode) {
					const enc = await phase(() => codecs.encodeImage(pixels, { format: "png", quality: 85 }));
					lastPng = enc.value.bytes;
					Object.assign(result, {
						encode_ms: enc.ms,
						png_bytes: enc.value.bytes.byteLength,
						encode: { before: enc.before, after: enc.after },
					});
				}
			} catch (err) {
				result.error = errorOf(err);
			}
			return Response.json(result);
		}
		return new Response("not found", { status: 404 });
	},
};
