/** CRC-32 (ISO-HDLC, as PNG chunks use), sliced by eight bytes. */
const TABLES = (() => {
	const t = new Uint32Array(256 * 8);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		t[n] = c >>> 0;
	}
	for (let n = 0; n < 256; n++) {
		let c = t[n]!;
		for (let k = 1; k < 8; k++) {
			c = t[c & 0xff]! ^ (c >>> 8);
			t[k * 256 + n] = c >>> 0;
		}
	}
	return t;
})();

/** Continues a CRC over `bytes` (start with 0); returns the CRC so far. */
export function crc32(bytes: Uint8Array, crc = 0): number {
	const t = TABLES;
	let c = ~crc >>> 0;
	let i = 0;
	const n = bytes.length;
	const end8 = n - (n & 7);
	while (i < end8) {
		const lo = (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) ^ c;
		c =
			t[1792 + (lo & 0xff)]! ^
			t[1536 + ((lo >>> 8) & 0xff)]! ^
			t[1280 + ((lo >>> 16) & 0xff)]! ^
			t[1024 + (lo >>> 24)]! ^
			t[768 + bytes[i + 4]!]! ^
			t[512 + bytes[i + 5]!]! ^
			t[256 + bytes[i + 6]!]! ^
			t[bytes[i + 7]!]!;
		i += 8;
	}
	while (i < n) c = t[(c ^ bytes[i++]!) & 0xff]! ^ (c >>> 8);
	return ~c >>> 0;
}
