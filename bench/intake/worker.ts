// Bench-only Worker for bench/intake/run.mjs: holds one posted file and runs the
// app's intake on it (loadImage from src/codecs, to a max side), then optionally
// one PNG encode of the result, timing both inside workerd. Whatever decoders
// src/codecs uses at the time are what is measured.
import * as codecs from "../../src/codecs";
import { type Env, limitsFrom } from "../../src/lib/config";

let input: Uint8Array | null = null;

type Reader = () => unknown;

/**
 * The codecs module's memory readers, found by name at run time so the bench
 * keeps working while the decoders change: every zero-argument export whose
 * name has "peak" in it (`codecPeakBytes`, `jpegPeakBytes`, `codecPeaks`, ...),
 * the ones that say what is held now (`codecResidentBytes`, `codecHeapBytes`,
 * `...LiveBytes`), and the `reset...Peak...` functions that zero the peaks.
 * A reader may return a number or an object of numbers (flattened as
 * `name.key`).
 */
function readers(): { peaks: Record<string, Reader>; held: Record<string, Reader>; resets: Reader[] } {
	const peaks: Record<string, Reader> = {};
	const held: Record<string, Reader> = {};
	const resets: Reader[] = [];
	for (const [name, value] of Object.entries(codecs as Record<string, unknown>)) {
		if (typeof value !== "function" || value.length !== 0) continue;
		const fn = value as Reader;
		if (/^reset.*peak/i.test(name)) resets.push(fn);
		else if (/peak/i.test(name)) peaks[name] = fn;
		else if (/(resident|heap|live)bytes$/i.test(name)) held[name] = fn;
	}
	return { peaks, held, resets };
}

function read(fns: Record<string, Reader>): Record<string, number> {
	const out: Record<string, number> = {};
	for (const [name, fn] of Object.entries(fns)) {
		try {
			const v = fn();
			if (typeof v === "number") out[name] = v;
			else if (v && typeof v === "object") {
				for (const [key, n] of Object.entries(v)) if (typeof n === "number") out[`${name}.${key}`] = n;
			}
		} catch {}
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
		if (url.pathname === "/run") {
			if (!input) return Response.json({ error: { status: 400, code: "no_input", message: "POST /input first" } });
			const maxSide = Number(url.searchParams.get("side") ?? 1024);
			const encode = url.searchParams.get("encode") === "png";
			const { peaks, held, resets } = readers();
			const reset = () => {
				for (const r of resets) r();
			};
			const result: Record<string, unknown> = { resettable: resets.length > 0 };
			try {
				reset();
				const heldBefore = read(held);
				const t0 = performance.now();
				const loaded = await codecs.loadImage(input, limitsFrom(env), maxSide);
				const t1 = performance.now();
				Object.assign(result, {
					load_ms: t1 - t0,
					width: loaded.pixels.width,
					height: loaded.pixels.height,
					original: loaded.original,
					scale: loaded.scale,
					decode_peaks: read(peaks),
					held_before: heldBefore,
					held_after_decode: read(held),
				});
				if (encode) {
					reset();
					const t2 = performance.now();
					const out = await codecs.encodeImage(loaded.pixels, { format: "png", quality: 85 });
					result.encode_ms = performance.now() - t2;
					result.png_bytes = out.bytes.byteLength;
					result.encode_peaks = read(peaks);
					result.held_after_encode = read(held);
				}
			} catch (err) {
				result.error = errorOf(err);
			}
			return Response.json(result);
		}
		return new Response("not found", { status: 404 });
	},
};
