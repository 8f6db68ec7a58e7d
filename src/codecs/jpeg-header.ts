/**
 * Walks JPEG markers up to the first frame header, collecting the size, the
 * scan type and the EXIF orientation. Returns a reason string instead of
 * throwing so the caller owns the error type.
 */
export interface JpegHeader {
	width: number;
	height: number;
	orientation: number;
	progressive: boolean;
	components: number;
}

// SOF markers carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but are not frames.
const isFrameMarker = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
const PROGRESSIVE = new Set([0xc2, 0xc6, 0xca, 0xce]);

export function readJpegHeader(b: Uint8Array): JpegHeader | string {
	let orientation = 1;
	let i = 2;
	while (i < b.length) {
		if (b[i] !== 0xff) return "a marker was expected where data continues";
		while (b[i] === 0xff && i < b.length) i++; // fill bytes
		const marker = b[i++];
		if (marker === undefined) break;
		if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue; // no payload
		if (marker === 0xd9 || marker === 0xda) return "the image data starts before any frame header";
		if (i + 2 > b.length) break;
		const length = (b[i]! << 8) | b[i + 1]!;
		if (length < 2) return "a segment declares an impossible length";
		if (i + length > b.length) break;
		if (marker === 0xe1 && orientation === 1) orientation = exifOrientation(b.subarray(i + 2, i + length));
		if (isFrameMarker(marker)) {
			if (length < 8) return "the frame header is too short";
			const height = (b[i + 3]! << 8) | b[i + 4]!;
			const width = (b[i + 5]! << 8) | b[i + 6]!;
			const components = b[i + 7]!;
			if (width === 0 || height === 0) return "zero width or height";
			return { width, height, orientation, progressive: PROGRESSIVE.has(marker), components };
		}
		i += length;
	}
	return "the file ends before the frame header";
}

/** Orientation tag (0x0112) of IFD0 in an APP1 "Exif\0\0" payload; 1 when absent or malformed. */
export function exifOrientation(app1: Uint8Array): number {
	if (app1.length < 14 || String.fromCharCode(...app1.subarray(0, 6)) !== "Exif\0\0") return 1;
	const t = app1.subarray(6);
	const little = t[0] === 0x49 && t[1] === 0x49;
	if (!little && !(t[0] === 0x4d && t[1] === 0x4d)) return 1;
	const u16 = (o: number) => (little ? t[o]! | (t[o + 1]! << 8) : (t[o]! << 8) | t[o + 1]!);
	const u32 = (o: number) => (little ? u16(o) + u16(o + 2) * 65536 : u16(o) * 65536 + u16(o + 2));
	if (u16(2) !== 42) return 1;
	const ifd = u32(4);
	if (ifd + 2 > t.length) return 1;
	const count = u16(ifd);
	for (let k = 0; k < count; k++) {
		const e = ifd + 2 + k * 12;
		if (e + 12 > t.length) return 1;
		if (u16(e) === 0x0112) {
			const value = u16(e + 8);
			return value >= 1 && value <= 8 ? value : 1;
		}
	}
	return 1;
}
