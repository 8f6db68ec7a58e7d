/**
 * Generators of hostile uploads: damaged copies of real files, headers that
 * lie about their size, animated WebP assembled from still frames, and bodies
 * that arrive slowly or never end. Everything is built at test time, so no
 * binary corpus is committed.
 */
import { SELF } from "cloudflare:test";
import { expect } from "vitest";
import { BASE, expectOk } from "./api";
import { concat } from "./bytes";

/** Cut points spread over the whole file, denser near the start where the headers are. */
export function cutPoints(length: number, count: number): number[] {
	const points = new Set<number>([1, 2, 3, 4, 8, 12, 16, 20, 24, 30, 33, 40, 64, 100, 200]);
	for (let i = 1; i < count; i++) points.add(Math.floor((length * i) / count));
	points.add(length - 2);
	points.add(length - 1);
	return [...points].filter((p) => p > 0 && p < length).sort((a, b) => a - b);
}

/** A small deterministic generator, so a failure names a reproducible seed. */
export function rng(seed: number): () => number {
	let s = seed >>> 0 || 1;
	return () => {
		s ^= s << 13;
		s ^= s >>> 17;
		s ^= s << 5;
		return (s >>> 0) / 2 ** 32;
	};
}

/** A copy with `count` bytes XORed with random non-zero masks at random offsets from `from`. */
export function flipBytes(bytes: Uint8Array, count: number, seed: number, from = 0): Uint8Array {
	const next = rng(seed);
	const out = bytes.slice();
	for (let i = 0; i < count; i++) {
		const at = from + Math.floor(next() * (out.length - from));
		out[at] = out[at]! ^ (1 + Math.floor(next() * 255));
	}
	return out;
}

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
const le32 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];
const le24 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff];

/** SOI plus a baseline SOF0 claiming width x height (up to 65535 each) with 3 components, and EOI. */
export function jpegHeaderClaiming(width: number, height: number, components = 3): Uint8Array {
	const sof = [8, height >> 8, height & 0xff, width >> 8, width & 0xff, components];
	for (let c = 1; c <= components; c++) sof.push(c, 0x11, 0);
	return concat([0xff, 0xd8, 0xff, 0xc0, (sof.length + 2) >> 8, (sof.length + 2) & 0xff], sof, [0xff, 0xd9]);
}

/** A RIFF container around chunks, with the sizes filled in (chunks are padded to even length). */
export function riffWebp(chunks: [string, Uint8Array | number[]][]): Uint8Array {
	const body = chunks.map(([type, data]) => concat(ascii(type), le32(data.length), data, data.length % 2 ? [0] : []));
	const payload = concat(ascii("WEBP"), ...body);
	return concat(ascii("RIFF"), le32(payload.length), payload);
}

/** WebP headers claiming a size, one per first-chunk kind; the bitstream after the header is filler. */
export function webpHeadersClaiming(width: number, height: number): Record<"vp8" | "vp8l" | "vp8x", Uint8Array> {
	const w14 = Math.min(width, 0x3fff);
	const h14 = Math.min(height, 0x3fff);
	const vp8 = [
		0x10,
		0x02,
		0x00,
		0x9d,
		0x01,
		0x2a,
		w14 & 0xff,
		w14 >> 8,
		h14 & 0xff,
		h14 >> 8,
		...new Array(16).fill(0),
	];
	const bits = ((w14 - 1) & 0x3fff) | (((h14 - 1) & 0x3fff) << 14);
	const vp8l = [0x2f, ...le32(bits), ...new Array(16).fill(0)];
	const vp8x = [0, 0, 0, 0, ...le24(width - 1), ...le24(height - 1)];
	return {
		vp8: riffWebp([["VP8 ", vp8]]),
		vp8l: riffWebp([["VP8L", vp8l]]),
		vp8x: riffWebp([
			["VP8X", vp8x],
			["VP8L", vp8l],
		]),
	};
}

/** The chunks of a simple (non-extended) WebP file: its VP8 or VP8L chunk, or ALPH + VP8 from VP8X. */
export function webpChunks(file: Uint8Array): [string, Uint8Array][] {
	const out: [string, Uint8Array][] = [];
	for (let o = 12; o + 8 <= file.length; ) {
		const type = String.fromCharCode(...file.subarray(o, o + 4));
		const size = file[o + 4]! | (file[o + 5]! << 8) | (file[o + 6]! << 16) | (file[o + 7]! << 24);
		out.push([type, file.slice(o + 8, o + 8 + size)]);
		o += 8 + size + (size % 2);
	}
	return out;
}

/** An animated WebP (VP8X + ANIM + one ANMF per frame) from still WebP files of the canvas size. */
export function animatedWebp(frames: Uint8Array[], width: number, height: number, alpha = false): Uint8Array {
	const flags = 0x02 | (alpha ? 0x10 : 0);
	const anmf = frames.map((f) => {
		const image = webpChunks(f).filter(([t]) => t === "ALPH" || t === "VP8 " || t === "VP8L");
		const header = [...le24(0), ...le24(0), ...le24(width - 1), ...le24(height - 1), ...le24(100), 0];
		const inner = image.map(([t, d]) => concat(ascii(t), le32(d.length), d, d.length % 2 ? [0] : []));
		return ["ANMF", concat(header, ...inner)] as [string, Uint8Array];
	});
	return riffWebp([
		["VP8X", [flags, 0, 0, 0, ...le24(width - 1), ...le24(height - 1)]],
		["ANIM", [0, 0, 0, 0, 0, 0]],
		...anmf,
	]);
}

/** A body stream that hands out `chunks` pieces of `bytes`, waiting `delayMs` before each. */
export function trickle(bytes: Uint8Array, chunks: number, delayMs: number): ReadableStream<Uint8Array> {
	const size = Math.ceil(bytes.length / chunks);
	let offset = 0;
	return new ReadableStream({
		async pull(controller) {
			await new Promise((r) => setTimeout(r, delayMs));
			if (offset >= bytes.length) return controller.close();
			controller.enqueue(bytes.slice(offset, offset + size));
			offset += size;
		},
	});
}

/** A body stream of endless base64 text inside a JSON string; counts what the server pulled. */
export function endlessBase64Json(): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
	const piece = new TextEncoder().encode("QUJD".repeat(16384)); // 64 KiB of valid base64
	let sent = 0;
	const stream = new ReadableStream<Uint8Array>({
		pull(controller) {
			if (sent === 0) controller.enqueue(new TextEncoder().encode('{"image":"'));
			controller.enqueue(piece);
			sent += piece.length;
		},
	});
	return { stream, pulled: () => sent };
}

/** Asserts the isolate holds no admitted work or reserved pixels, and still serves a good request. */
export async function expectSettled(good: Uint8Array): Promise<void> {
	const status = await expectOk(await SELF.fetch(`${BASE}/api/status`));
	const memory = status.memory as { live_pixel_bytes: number };
	const admission = status.admission as { in_flight: Record<string, number>; queued: Record<string, number> };
	expect(memory.live_pixel_bytes).toBe(0);
	expect(Object.values(admission.in_flight).every((n) => n === 0)).toBe(true);
	expect(Object.values(admission.queued).every((n) => n === 0)).toBe(true);
	const res = await SELF.fetch(`${BASE}/api/style/sketch?max_side=32&format=png`, { method: "POST", body: good });
	expect(res.status).toBe(200);
	expect(res.headers.get("content-type")).toBe("image/png");
	await res.arrayBuffer();
}
