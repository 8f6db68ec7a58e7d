/** Builders for hand-made image bytes: headers and EXIF segments the tests need. */

import { encodeImage } from "../../src/codecs";

/** Inserts an APP1 EXIF segment holding only an orientation tag right after SOI. */
export function withExifOrientation(jpeg: Uint8Array, orientation: number, littleEndian = true): Uint8Array {
	const tiff = new Uint8Array(8 + 2 + 12 + 4);
	const v = new DataView(tiff.buffer);
	tiff.set(littleEndian ? [0x49, 0x49] : [0x4d, 0x4d], 0);
	v.setUint16(2, 42, littleEndian);
	v.setUint32(4, 8, littleEndian);
	v.setUint16(8, 1, littleEndian); // one IFD entry
	v.setUint16(10, 0x0112, littleEndian); // Orientation
	v.setUint16(12, 3, littleEndian); // SHORT
	v.setUint32(14, 1, littleEndian);
	v.setUint16(18, orientation, littleEndian);
	const payload = new Uint8Array([...new TextEncoder().encode("Exif\0\0"), ...tiff]);
	const segment = new Uint8Array(4 + payload.length);
	segment.set([0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 0xff], 0);
	segment.set(payload, 4);
	const out = new Uint8Array(jpeg.length + segment.length);
	out.set(jpeg.subarray(0, 2), 0);
	out.set(segment, 2);
	out.set(jpeg.subarray(2), 2 + segment.length);
	return out;
}

/** A PNG signature and IHDR that claim the given size, followed by nothing decodable. */
export function pngHeaderClaiming(width: number, height: number): Uint8Array {
	const b = new Uint8Array(8 + 25 + 12);
	const v = new DataView(b.buffer);
	b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 0);
	v.setUint32(8, 13);
	b.set(new TextEncoder().encode("IHDR"), 12);
	v.setUint32(16, width);
	v.setUint32(20, height);
	b.set([8, 6, 0, 0, 0], 24); // 8-bit RGBA, no interlace
	v.setUint32(33, 0);
	b.set(new TextEncoder().encode("IEND"), 37);
	return b;
}

export function toBase64(bytes: Uint8Array): string {
	let s = "";
	for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
	return btoa(s);
}

/** A photo-like JPEG (12 MP by default): smooth gradients with some texture, built so none is committed. */
export async function photoJpeg(width = 4000, height = 3000): Promise<Uint8Array> {
	const data = new Uint8ClampedArray(width * height * 4);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const i = (y * width + x) * 4;
			data[i] = (x >> 4) & 255;
			data[i + 1] = (y >> 4) & 255;
			data[i + 2] = ((x ^ y) >> 3) & 255;
			data[i + 3] = 255;
		}
	}
	return (await encodeImage({ data, width, height }, { format: "jpeg", quality: 80 })).bytes;
}
