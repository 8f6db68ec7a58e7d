import { describe, expect, it } from "vitest";
import {
	decodePlanned,
	openRowSink,
	openRowSource,
	planDecode,
	probeImage,
	rowSinkBytes,
	rowSourceBytes,
} from "../src/codecs";
import {
	encodeJpeg,
	jpegEncodeLastBytes,
	jpegLastHeapBytes,
	jpegSink,
	jpegSinkBytes,
	jpegSinkSymbolBytes,
} from "../src/codecs/jpeg";
import { encodePng } from "../src/codecs/png";
import { pngLastBytes } from "../src/codecs/png/kernel";
import type { Pixels } from "../src/lib/pixels";
import { pump, type RowSource } from "../src/lib/strips";
import labelJpg from "./fixtures/dev_en_label_01.jpg";
import labelWebp from "./fixtures/dev_en_label_01.webp";
import appleIn from "./fixtures/npr/apple.input.png";
import toolsIn from "./fixtures/npr/tools.input.png";
import rgba8 from "./fixtures/png/rgba8.png";
import progressive12 from "./fixtures/progressive_12mp.jpg";
import { psnr } from "./helpers/metrics";

const MB = 1024 * 1024;

function plan(buf: ArrayBuffer | Uint8Array, maxSide = Infinity) {
	const bytes = buf instanceof Uint8Array ? buf : new Uint8Array(buf);
	return { bytes, plan: planDecode(bytes, probeImage(bytes), maxSide) };
}

/** Reads a source to its end in strips of `rows` (cycling through the list), joined into one frame. */
async function drain(source: RowSource, rows: number[]): Promise<Pixels> {
	const data = new Uint8ClampedArray(source.width * source.height * 4);
	let y = 0;
	for (let i = 0; ; i++) {
		const strip = await source.read(rows[i % rows.length]!);
		if (strip === null) break;
		expect(strip.width).toBe(source.width);
		data.set(strip.data, y * source.width * 4);
		y += strip.height;
	}
	expect(y).toBe(source.height);
	expect(await source.read(8)).toBeNull();
	return { data, width: source.width, height: y };
}

function same(a: Pixels, b: Pixels): boolean {
	return a.width === b.width && a.height === b.height && a.data.every((v, i) => v === b.data[i]);
}

/** Bilinear enlargement of a fixture, to make a camera-sized frame. */
function enlarge(p: Pixels, w: number, h: number): Pixels {
	const data = new Uint8ClampedArray(w * h * 4);
	for (let y = 0; y < h; y++) {
		const fy = Math.min(p.height - 1.001, Math.max(0, ((y + 0.5) * p.height) / h - 0.5));
		const y0 = Math.floor(fy);
		const ty = fy - y0;
		for (let x = 0; x < w; x++) {
			const fx = Math.min(p.width - 1.001, Math.max(0, ((x + 0.5) * p.width) / w - 0.5));
			const x0 = Math.floor(fx);
			const tx = fx - x0;
			const i00 = (y0 * p.width + x0) * 4;
			const i10 = i00 + p.width * 4;
			for (let c = 0; c < 4; c++) {
				const a = p.data[i00 + c]! * (1 - tx) + p.data[i00 + 4 + c]! * tx;
				const b = p.data[i10 + c]! * (1 - tx) + p.data[i10 + 4 + c]! * tx;
				data[(y * w + x) * 4 + c] = a * (1 - ty) + b * ty;
			}
		}
	}
	return { data, width: w, height: h };
}

describe("row sources", () => {
	it("give the rows of the whole-frame decode, in any strip heights", async () => {
		const cases: [string, ArrayBuffer, number][] = [
			["baseline JPEG, full size", labelJpg, Infinity],
			["baseline JPEG, 1/2 and resampled", labelJpg, 300],
			["progressive 12 MP JPEG to 1024", progressive12, 1024],
			["PNG, full size", toolsIn, Infinity],
			["PNG, resampled", appleIn, 200],
			["RGBA PNG", rgba8, Infinity],
			["WebP (decoded whole)", labelWebp, Infinity],
		];
		for (const [name, buf, side] of cases) {
			const { bytes, plan: p } = plan(buf, side);
			const whole = await decodePlanned(bytes, p);
			for (const rows of [[16], [1, 7, 33], [5000]]) {
				const got = await drain(openRowSource(bytes, p), rows);
				expect(same(got, whole), `${name}, strips of ${rows}`).toBe(true);
			}
		}
	});

	it("stop early on close and release the decoder", async () => {
		const { jpegLiveBytes } = await import("../src/codecs/jpeg");
		const { pngLiveBytes } = await import("../src/codecs/png");
		for (const buf of [labelJpg, toolsIn]) {
			const { bytes, plan: p } = plan(buf);
			const source = openRowSource(bytes, p);
			expect((await source.read(10))?.height).toBe(10);
			// The decoder's heap is live while the source is open...
			expect(jpegLiveBytes() + pngLiveBytes()).toBeGreaterThan(0);
			source.close();
			source.close();
			await expect(source.read(10)).rejects.toThrow(RangeError);
			// ...and released on close (the PNG inflater stops at its next window).
			for (let i = 0; i < 20 && jpegLiveBytes() + pngLiveBytes() > 0; i++) await new Promise((r) => setTimeout(r, 5));
			expect(jpegLiveBytes() + pngLiveBytes()).toBe(0);
		}
	});

	it("give a corrupt file's error, as the whole-frame decode does, never a hang", async () => {
		for (const buf of [labelJpg, toolsIn]) {
			const good = new Uint8Array(buf);
			let s = 99;
			for (let n = 0; n < 40; n++) {
				const bad = good.slice();
				for (let k = 0; k < 6; k++) {
					s = (Math.imul(s, 1103515245) + 12345) >>> 0;
					// Past the headers, so the plan still stands.
					bad[200 + (s % (bad.length - 200))] = s >>> 24;
				}
				let whole: Pixels | string;
				let p: ReturnType<typeof planDecode>;
				try {
					p = planDecode(bad, probeImage(bad), Infinity);
				} catch {
					continue;
				}
				try {
					whole = await decodePlanned(bad, p);
				} catch (e) {
					whole = String((e as { code?: string }).code);
				}
				let strips: Pixels | string;
				try {
					strips = await drain(openRowSource(bad, p), [16]);
				} catch (e) {
					strips = String((e as { code?: string }).code);
				}
				if (typeof whole === "string" || typeof strips === "string") {
					expect(typeof strips === "string" ? strips : "decoded", `mutation ${n}`).toMatch(
						/^(corrupt_image|truncated_image|undecodable_image|unsupported_variant)$/,
					);
					expect(typeof whole === "string" ? whole : "decoded", `mutation ${n}`).toMatch(
						/^(corrupt_image|truncated_image|undecodable_image|unsupported_variant)$/,
					);
				} else {
					expect(same(strips, whole), `mutation ${n}`).toBe(true);
				}
			}
		}
	});

	it("report a cut file as truncated once its rows run out", async () => {
		for (const buf of [labelJpg, toolsIn]) {
			const full = new Uint8Array(buf);
			const { bytes, plan: p } = plan(full.slice(0, Math.floor(full.length * 0.6)));
			const source = openRowSource(bytes, p);
			let err: unknown = null;
			try {
				while ((await source.read(16)) !== null) {}
			} catch (e) {
				err = e;
			}
			expect((err as { code?: string } | null)?.code).toMatch(/truncated_image|undecodable_image|corrupt_image/);
		}
	});
});

describe("row sinks", () => {
	it("JPEG: strips of any height give encodeJpeg's file, byte for byte (in libjpeg mode while the symbols fit)", async () => {
		const { bytes, plan: p } = plan(toolsIn);
		const src = await decodePlanned(bytes, p);
		for (const [q, mode] of [
			[50, "compact"],
			[85, "compact"],
			[95, "compact"],
			[85, "libjpeg"],
		] as const) {
			const want = encodeJpeg(src, q, mode);
			for (const rows of [16, 1, 23]) {
				const sink = jpegSink(src.width, src.height, q, mode);
				for (let y = 0; y < src.height; y += rows) {
					const n = Math.min(rows, src.height - y);
					const data = src.data.slice(y * src.width * 4, (y + n) * src.width * 4);
					await sink.write({ data, width: src.width, height: n });
				}
				const got = await sink.end();
				expect(got.length, `${mode} q${q} strips of ${rows}`).toBe(want.length);
				expect(
					got.every((b, i) => b === want[i]),
					`${mode} q${q} strips of ${rows}`,
				).toBe(true);
			}
		}
	});

	it("JPEG: symbols past the buffer get tables from the counts so far, in the same memory", async () => {
		// Noise at q100 holds about 4 symbol bytes a pixel: it passes the buffer before half the rows.
		const w = 1000;
		const h = 1000;
		const data = new Uint8ClampedArray(w * h * 4);
		let s = 11;
		for (let i = 0; i < data.length; i++) {
			s = (s * 1103515245 + 12345) >>> 0;
			data[i] = i % 4 === 3 ? 255 : (((i >> 2) % w) / 4 + (s >>> 25)) & 255;
		}
		const src = { data, width: w, height: h };
		expect(jpegSinkSymbolBytes(w, h)).toBeLessThan(2 * w * h);
		const sink = jpegSink(w, h, 100, "libjpeg");
		for (let y = 0; y < h; y += 50)
			await sink.write({ data: data.slice(y * w * 4, (y + 50) * w * 4), width: w, height: 50 });
		const got = await sink.end();
		const sinkHeap = jpegEncodeLastBytes();
		const whole = encodeJpeg(src, 100, "libjpeg");
		const { decodeJpeg } = await import("../src/codecs/jpeg");
		// The same coefficients, other Huffman tables: the same pixels back.
		expect(same(decodeJpeg(got, w, h), decodeJpeg(whole, w, h))).toBe(true);
		console.log(
			`noise 1000x1000 q100: sink ${got.length} B, re-feeding encode ${whole.length} B, sink heap ${(sinkHeap / MB).toFixed(2)} MiB`,
		);
		expect(got.length).toBeLessThan(whole.length * 1.02);
		expect(sinkHeap).toBeLessThanOrEqual(jpegSinkBytes(w, h));
	});

	it("PNG: strips give encodePng's file, byte for byte", async () => {
		for (const buf of [toolsIn, rgba8]) {
			const { bytes, plan: p } = plan(buf);
			const src = await decodePlanned(bytes, p);
			const want = await encodePng(src);
			const alpha = want[25] === 6;
			const got = await pump(
				openRowSource(bytes, p),
				openRowSink("png", src.width, src.height, { quality: 85, alpha }),
				13,
			);
			expect(got.length).toBe(want.length);
			expect(got.every((b, i) => b === want[i])).toBe(true);
		}
	});

	it("source -> sink of a real JPEG equals the whole-frame path, byte for byte", async () => {
		const { bytes, plan: p } = plan(labelJpg);
		const whole = encodeJpeg(await decodePlanned(bytes, p), 85);
		const got = await pump(openRowSource(bytes, p), openRowSink("jpeg", p.width, p.height, { quality: 85 }), 16);
		expect(got).toEqual(whole);
		// WebP's sink gathers the frame and encodes it whole.
		const webp = await pump(openRowSource(bytes, p), openRowSink("webp", p.width, p.height, { quality: 80 }), 40);
		expect([...webp.subarray(8, 12)].map((c) => String.fromCharCode(c)).join("")).toBe("WEBP");
	});
});

describe("the strip pipeline at 12 MP", () => {
	it("decodes and re-encodes 4000x3000 within the estimates, with no frame-sized buffer", async () => {
		// A camera-sized baseline JPEG of a real photo (the fixture enlarged), written by our encoder.
		const { bytes: tb, plan: tp } = plan(toolsIn);
		const photo = enlarge(await decodePlanned(tb, tp), 4000, 3000);
		const big = encodeJpeg(photo, 90);
		const frameBytes = 4000 * 3000 * 4;
		for (const [name, file] of [
			["baseline 12 MP", big],
			["progressive 12 MP", new Uint8Array(progressive12)],
		] as const) {
			const { bytes, plan: p } = plan(file);
			expect([p.width, p.height]).toEqual([4000, 3000]);
			const source = openRowSource(bytes, p);
			const sink = openRowSink("jpeg", p.width, p.height, { quality: 85 });
			let largestStrip = 0;
			const out = await pump(source, sink, 16, (s) => {
				largestStrip = Math.max(largestStrip, s.data.byteLength);
				return s;
			});
			const decodeHeap = jpegLastHeapBytes();
			const encodeHeap = jpegEncodeLastBytes();
			const held = decodeHeap + source.heldBytes + largestStrip + encodeHeap;
			console.log(
				`${name}: decode heap ${(decodeHeap / MB).toFixed(2)} MiB (plan ${(p.decoderBytes / MB).toFixed(2)}), row queue ${(source.heldBytes / MB).toFixed(2)} MiB, sink heap ${(encodeHeap / MB).toFixed(2)} MiB (estimate ${(rowSinkBytes("jpeg", 4000, 3000) / MB).toFixed(2)}), output ${(out.length / MB).toFixed(2)} MiB`,
			);
			expect(decodeHeap).toBeLessThanOrEqual(p.decoderBytes);
			expect(decodeHeap + source.heldBytes + largestStrip).toBeLessThanOrEqual(rowSourceBytes(p, 16));
			expect(encodeHeap).toBeLessThanOrEqual(rowSinkBytes("jpeg", 4000, 3000));
			// Everything the pipeline held, the upload and the output aside, is a fraction of one frame.
			expect(held).toBeLessThan(frameBytes / 2);
			// The row queue: the strip asked for, one MCU row past it, one growth step.
			expect(source.heldBytes).toBeLessThanOrEqual(48 * 4000 * 4);
		}
		// The PNG sink at 12 MP: its kernel heap is a strip's.
		const sink = openRowSink("png", 4000, 3000, { quality: 85, alpha: false });
		for (let y = 0; y < 3000; y += 16) {
			const n = Math.min(16, 3000 - y);
			await sink.write({ data: photo.data.subarray(y * 16000, (y + n) * 16000), width: 4000, height: n });
		}
		const png = await sink.end();
		expect(pngLastBytes()).toBeLessThanOrEqual(rowSinkBytes("png", 4000, 3000));
		expect(pngLastBytes()).toBeLessThan(frameBytes / 20);
		expect(png.length).toBeGreaterThan(1000);
	});
});

describe("JPEG sink estimate", () => {
	it("covers the kernel's heap for any size, and psnr holds through the pipeline", async () => {
		for (const [w, h] of [
			[1, 1],
			[17, 9],
			[1024, 768],
			[8000, 100],
			[4000, 3000],
		] as const) {
			const sink = jpegSink(w, h, 75);
			const data = new Uint8ClampedArray(w * h * 4).fill(128);
			await sink.write({ data, width: w, height: h });
			await sink.end();
			expect(jpegEncodeLastBytes(), `${w}x${h}`).toBeLessThanOrEqual(jpegSinkBytes(w, h));
			expect(jpegSinkBytes(w, h), `${w}x${h}`).toBeLessThanOrEqual(jpegEncodeLastBytes() + 128 * 1024);
		}
		const { bytes, plan: p } = plan(appleIn);
		const src = await decodePlanned(bytes, p);
		const jpg = await pump(openRowSource(bytes, p), openRowSink("jpeg", p.width, p.height, { quality: 90 }), 16);
		const { decodeJpeg } = await import("../src/codecs/jpeg");
		expect(psnr(decodeJpeg(jpg, p.width, p.height), src)).toBeGreaterThan(33);
	});
});
