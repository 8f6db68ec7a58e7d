// EXIF orientation from a JPEG's APP1 segment: the one tag the intake needs
// (viewers show the image turned as it says). Both byte orders; anything
// malformed reads as 1, "as stored".

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
