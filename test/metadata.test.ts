import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { probeImage } from "../src/codecs";
import base420 from "./fixtures/jpeg/base_420.jpg";
import { BASE, expectOk } from "./helpers/api";
import { concatAll } from "./helpers/bytes";
import { chunks } from "./helpers/png";

const CAMERA = "InkstoneTestCam";
const XMP_NOTE = "secret-xmp-location-note";
const ICC_DESC = "InkstoneTestProfile";
/** 35° 41' 22.6473" N, 139° 41' 30.1234" E, as EXIF rationals; the odd numerators are easy to find in bytes. */
const LATITUDE = [35, 1, 41, 1, 226473, 10000];
const LONGITUDE = [139, 1, 41, 1, 301234, 10000];

const ascii = (s: string) => new TextEncoder().encode(s);

/** A JPEG marker segment: marker, big-endian length (itself included), payload. */
function segment(marker: number, payload: Uint8Array): Uint8Array {
	const out = new Uint8Array(4 + payload.length);
	out.set([0xff, marker, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]);
	out.set(payload, 4);
	return out;
}

/**
 * A little-endian TIFF block: IFD0 with Make and a GPSInfo pointer, then a
 * GPS IFD with latitude and longitude (refs inline, rationals after it).
 */
function exifWithGps(): Uint8Array {
	const t = new Uint8Array(256);
	const v = new DataView(t.buffer);
	t.set([0x49, 0x49]);
	v.setUint16(2, 42, true);
	v.setUint32(4, 8, true);
	const entry = (at: number, tag: number, type: number, count: number, value: number) => {
		v.setUint16(at, tag, true);
		v.setUint16(at + 2, type, true);
		v.setUint32(at + 4, count, true);
		v.setUint32(at + 8, value, true);
	};
	// IFD0 at 8: two entries, next-IFD 0; Make's text at 40.
	v.setUint16(8, 2, true);
	entry(10, 0x010f, 2, CAMERA.length + 1, 40);
	entry(22, 0x8825, 4, 1, 64);
	v.setUint32(34, 0, true);
	t.set(ascii(CAMERA), 40);
	// GPS IFD at 64: four entries; rationals at 120 and 144.
	v.setUint16(64, 4, true);
	entry(66, 1, 2, 2, 0x4e); // "N"
	entry(78, 2, 5, 3, 120);
	entry(90, 3, 2, 2, 0x45); // "E"
	entry(102, 4, 5, 3, 144);
	v.setUint32(114, 0, true);
	for (const [i, n] of LATITUDE.entries()) v.setUint32(120 + 4 * i, n, true);
	for (const [i, n] of LONGITUDE.entries()) v.setUint32(144 + 4 * i, n, true);
	return new Uint8Array([...ascii("Exif\0\0"), ...t.subarray(0, 168)]);
}

/** The fixture with EXIF (GPS), XMP and an ICC profile segment inserted after SOI. */
function taggedJpeg(): Uint8Array {
	const jpeg = new Uint8Array(base420);
	const xmp = ascii(
		`http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description>${XMP_NOTE}</rdf:Description></x:xmpmeta>`,
	);
	const icc = new Uint8Array([...ascii("ICC_PROFILE\0"), 1, 1, ...new Uint8Array(128), ...ascii(ICC_DESC)]);
	const extra = [segment(0xe1, exifWithGps()), segment(0xe1, xmp), segment(0xe2, icc)];
	return concatAll([jpeg.subarray(0, 2), ...extra, jpeg.subarray(2)]);
}

function contains(hay: Uint8Array, needle: Uint8Array): boolean {
	outer: for (let i = 0; i + needle.length <= hay.length; i++) {
		for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
		return true;
	}
	return false;
}

const u32le = (n: number) => new Uint8Array(new Uint32Array([n]).buffer);
const NEEDLES = [
	ascii("Exif"),
	ascii(CAMERA),
	ascii(XMP_NOTE),
	ascii("xmpmeta"),
	ascii("ICC_PROFILE"),
	ascii(ICC_DESC),
];
const GPS_BYTES = [u32le(226473), u32le(301234)];

/** Markers a JPEG carries before its first scan. */
function jpegMarkers(b: Uint8Array): number[] {
	const markers: number[] = [];
	let o = 2;
	while (o + 4 <= b.length && b[o] === 0xff) {
		const m = b[o + 1]!;
		markers.push(m);
		if (m === 0xda) break;
		o += 2 + ((b[o + 2]! << 8) | b[o + 3]!);
	}
	return markers;
}

/** RIFF chunk tags of a WebP, and the VP8X flags byte when there is one. */
function webpChunks(b: Uint8Array): { tags: string[]; flags: number | null } {
	const tags: string[] = [];
	let flags: number | null = null;
	const v = new DataView(b.buffer, b.byteOffset);
	for (let o = 12; o + 8 <= b.length; ) {
		const tag = String.fromCharCode(...b.subarray(o, o + 4));
		const size = v.getUint32(o + 4, true);
		tags.push(tag);
		if (tag === "VP8X") flags = b[o + 8]!;
		o += 8 + size + (size & 1);
	}
	return { tags, flags };
}

function expectNoMetadata(bytes: Uint8Array, label: string): void {
	const format = probeImage(bytes).format;
	for (const needle of [...NEEDLES, ...GPS_BYTES]) expect(contains(bytes, needle), `${label}: ${needle}`).toBe(false);
	if (format === "jpeg") {
		const markers = jpegMarkers(bytes);
		expect(markers.at(-1)).toBe(0xda);
		// JFIF's APP0, then tables, frame and scan: no other application segment and no comment.
		expect(markers[0], label).toBe(0xe0);
		expect(
			markers.filter((m) => ![0xe0, 0xdb, 0xc0, 0xc4, 0xdd, 0xda].includes(m)),
			label,
		).toEqual([]);
	} else if (format === "png") {
		const types = [...new Set(chunks(bytes).map((c) => c.type))];
		expect(types, label).toEqual(["IHDR", "IDAT", "IEND"]);
	} else {
		const { tags, flags } = webpChunks(bytes);
		expect(
			tags.filter((t) => !["VP8 ", "VP8L", "VP8X", "ALPH"].includes(t)),
			label,
		).toEqual([]);
		// VP8X flags: ICC 0x20, EXIF 0x08, XMP 0x04.
		if (flags !== null) expect(flags & 0x2c, label).toBe(0);
	}
}

describe("no metadata from the upload reaches an output", () => {
	const tagged = taggedJpeg();

	it("the test upload really carries GPS EXIF, XMP and ICC, and still decodes", () => {
		for (const needle of [...NEEDLES, ...GPS_BYTES]) expect(contains(tagged, needle)).toBe(true);
		expect(jpegMarkers(tagged).filter((m) => m === 0xe1 || m === 0xe2)).toEqual([0xe1, 0xe1, 0xe2]);
		expect(probeImage(tagged).format).toBe("jpeg");
	});

	for (const format of ["jpeg", "png", "webp"] as const) {
		it(`POST /api/style as ${format}, at the original size and resized`, async () => {
			for (const query of ["", "&w=40&h=40&fit=cover"]) {
				const res = await SELF.fetch(`${BASE}/api/style/detail_enhance?format=${format}&max_side=4096${query}`, {
					method: "POST",
					body: tagged,
					headers: { "content-type": "image/jpeg" },
				});
				expect(res.status).toBe(200);
				const bytes = new Uint8Array(await res.arrayBuffer());
				expect(probeImage(bytes).format).toBe(format);
				expectNoMetadata(bytes, `${format}${query}`);
			}
		});
	}

	it("POST /api/styles: every data URL, the re-encoded original included", async () => {
		for (const format of ["jpeg", "png", "webp"]) {
			const res = await SELF.fetch(`${BASE}/api/styles?names=sketch,oil&format=${format}`, {
				method: "POST",
				body: tagged,
				headers: { "content-type": "image/jpeg" },
			});
			const data = (await expectOk(res)) as { original: string; results: Record<string, { image: string }> };
			for (const url of [data.original, ...Object.values(data.results).map((r) => r.image)]) {
				const bytes = Uint8Array.from(atob(url.slice(url.indexOf(",") + 1)), (c) => c.charCodeAt(0));
				expectNoMetadata(bytes, `styles ${format}`);
			}
		}
	});
});
