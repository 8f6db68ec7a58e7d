/**
 * A TrueType font with no outlines, for the invisible text layer of the
 * searchable PDF. It has two glyphs, .notdef and one blank glyph that every
 * character is drawn with (the PDF maps each CID to glyph 1): the text is
 * never painted (render mode 3), so nothing needs a shape, and one glyph
 * serves every script. Its em is 1000 units with an ascent of 800 and a
 * descent of 200, the figures the PDF's font descriptor repeats, so a
 * viewer's selection box over a word spans exactly the box the font size
 * was set from.
 *
 * Only the tables a PDF reader needs to load a CIDFontType2 program are
 * written (head, hhea, maxp, hmtx, loca, glyf, plus an empty cmap, name and
 * post for stricter loaders); the layout is that of the OpenType spec.
 */
export const UNITS_PER_EM = 1000;
export const ASCENT = 800;
export const DESCENT = -200;
export const FONT_NAME = "InkstoneTextLayer";

class Writer {
	private readonly bytes: number[] = [];
	u8(v: number) {
		this.bytes.push(v & 0xff);
		return this;
	}
	u16(v: number) {
		return this.u8(v >> 8).u8(v);
	}
	i16(v: number) {
		return this.u16(v < 0 ? v + 0x10000 : v);
	}
	u32(v: number) {
		return this.u16(v >>> 16).u16(v & 0xffff);
	}
	done(): Uint8Array {
		return Uint8Array.from(this.bytes);
	}
}

function head(): Uint8Array {
	const w = new Writer().u32(0x00010000).u32(0x00010000);
	w.u32(0); // checkSumAdjustment, patched once the whole font is laid out
	w.u32(0x5f0f3cf5).u16(0b1011).u16(UNITS_PER_EM);
	w.u32(0).u32(0).u32(0).u32(0); // created and modified: a fixed date keeps the PDF's bytes reproducible
	w.i16(0).i16(DESCENT).i16(UNITS_PER_EM).i16(ASCENT);
	w.u16(0).u16(8).i16(2);
	return w.i16(0).i16(0).done(); // short loca offsets, glyph data format 0
}

function hhea(glyphs: number): Uint8Array {
	const w = new Writer().u32(0x00010000).i16(ASCENT).i16(DESCENT).i16(0);
	w.u16(UNITS_PER_EM).i16(0).i16(0).i16(0); // widest advance, side bearings and extent (no outlines)
	w.i16(1).i16(0).i16(0); // an upright caret
	for (let i = 0; i < 5; i++) w.i16(0); // four reserved fields and metricDataFormat
	return w.u16(glyphs).done();
}

function maxp(glyphs: number): Uint8Array {
	const w = new Writer().u32(0x00010000).u16(glyphs);
	for (let i = 0; i < 4; i++) w.u16(0); // points and contours, simple and composite
	w.u16(2); // maxZones: 2 is the value for a font without twilight points
	for (let i = 0; i < 8; i++) w.u16(0);
	return w.done();
}

function hmtx(glyphs: number): Uint8Array {
	const w = new Writer();
	for (let i = 0; i < glyphs; i++) w.u16(UNITS_PER_EM).i16(0);
	return w.done();
}

/** A Windows Unicode subtable of format 4 with only the closing segment: no character maps to a glyph. */
function cmap(): Uint8Array {
	const w = new Writer().u16(0).u16(1).u16(3).u16(1).u32(12);
	w.u16(4).u16(24).u16(0).u16(2).u16(2).u16(0).u16(0);
	return w.u16(0xffff).u16(0).u16(0xffff).i16(1).u16(0).done();
}

function name(): Uint8Array {
	const records: [number, string][] = [
		[1, FONT_NAME],
		[2, "Regular"],
		[4, FONT_NAME],
		[6, FONT_NAME],
	];
	const w = new Writer()
		.u16(0)
		.u16(records.length)
		.u16(6 + 12 * records.length);
	let offset = 0;
	for (const [id, text] of records) {
		w.u16(3)
			.u16(1)
			.u16(0x409)
			.u16(id)
			.u16(text.length * 2)
			.u16(offset);
		offset += text.length * 2;
	}
	for (const [, text] of records) for (const ch of text) w.u16(ch.charCodeAt(0));
	return w.done();
}

function post(): Uint8Array {
	// Format 3: no glyph names.
	const w = new Writer().u32(0x00030000).u32(0).i16(-100).i16(50);
	for (let i = 0; i < 5; i++) w.u32(0);
	return w.done();
}

function checksum(bytes: Uint8Array): number {
	let sum = 0;
	for (let i = 0; i < bytes.length; i += 4) {
		const word =
			((bytes[i] ?? 0) << 24) | ((bytes[i + 1] ?? 0) << 16) | ((bytes[i + 2] ?? 0) << 8) | (bytes[i + 3] ?? 0);
		sum = (sum + (word >>> 0)) >>> 0;
	}
	return sum;
}

let built: Uint8Array | null = null;

/** The font program, built once per isolate (it never changes). */
export function glyphlessFont(): Uint8Array {
	if (built) return built;
	const glyphs = 2;
	// .notdef has no data at all; glyph 1 is a simple glyph with no contours (a 10-byte header of
	// zeros and an empty instruction list), so glyf is not empty: readers treat an empty glyf as missing.
	const glyf = new Uint8Array(12);
	const loca = new Writer()
		.u16(0)
		.u16(0)
		.u16(glyf.length / 2)
		.done();
	const tables: [string, Uint8Array][] = [
		["cmap", cmap()],
		["glyf", glyf],
		["head", head()],
		["hhea", hhea(glyphs)],
		["hmtx", hmtx(glyphs)],
		["loca", loca],
		["maxp", maxp(glyphs)],
		["name", name()],
		["post", post()],
	];
	const count = tables.length;
	const pow2 = 2 ** Math.floor(Math.log2(count));
	const dir = new Writer()
		.u32(0x00010000)
		.u16(count)
		.u16(pow2 * 16)
		.u16(Math.log2(pow2))
		.u16(count * 16 - pow2 * 16);
	let offset = 12 + 16 * count;
	const placed: { at: number; data: Uint8Array }[] = [];
	for (const [tag, data] of tables) {
		for (const ch of tag) dir.u8(ch.charCodeAt(0));
		dir.u32(checksum(data)).u32(offset).u32(data.length);
		placed.push({ at: offset, data });
		offset += (data.length + 3) & ~3;
	}
	const font = new Uint8Array(offset);
	font.set(dir.done(), 0);
	for (const p of placed) font.set(p.data, p.at);
	const headAt = placed[tables.findIndex(([tag]) => tag === "head")]!.at;
	new DataView(font.buffer).setUint32(headAt + 8, (0xb1b0afba - checksum(font)) >>> 0);
	built = font;
	return font;
}
