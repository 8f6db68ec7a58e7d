// cv::xphoto::oilPainting: for each pixel, the histogram of quantised luma
// (BGR2GRAY / dynRatio) over a (2*size+1)^2 window; the output is the mean
// colour of the window's pixels in the most frequent bin (lowest bin on ties).
// The histogram slides along the row: per step one column leaves, one enters.
// The mode is tracked incrementally and rescanned (SIMD) only when a removal
// hits it. Output rows wait in a small ring until no later window reads them,
// then overwrite the input in place.

const COUNTS = memory.data(256 * 2, 16);
const SUMS = memory.data(256 * 16, 16);

let maxCount: i32 = 0;
let mode: i32 = 0;

function rescan(): void {
	let m = v128.load(COUNTS);
	for (let i = 16; i < 512; i += 16) m = i16x8.max_u(m, v128.load(COUNTS + i));
	m = i16x8.max_u(m, i16x8.shuffle(m, m, 4, 5, 6, 7, 0, 1, 2, 3));
	m = i16x8.max_u(m, i16x8.shuffle(m, m, 2, 3, 0, 1, 6, 7, 4, 5));
	m = i16x8.max_u(m, i16x8.shuffle(m, m, 1, 0, 3, 2, 5, 4, 7, 6));
	const top = i16x8.extract_lane_u(m, 0);
	for (let i = 0; i < 32; i++) {
		const bits = i16x8.bitmask(i16x8.eq(v128.load(COUNTS + ((<usize>i) << 4)), m));
		if (bits !== 0) {
			mode = (i << 3) + ctz(bits);
			break;
		}
	}
	maxCount = top;
}

function add(lum: usize, px: usize): void {
	const b = <usize>load<u8>(lum);
	const c = load<u16>(COUNTS + (b << 1)) + 1;
	store<u16>(COUNTS + (b << 1), c);
	const s = SUMS + (b << 4);
	v128.store(s, i32x4.add(v128.load(s), i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(px)))));
	if (<i32>c > maxCount || (<i32>c === maxCount && <i32>b < mode)) {
		maxCount = c;
		mode = <i32>b;
	}
}

function remove(lum: usize, px: usize): bool {
	const b = <usize>load<u8>(lum);
	store<u16>(COUNTS + (b << 1), load<u16>(COUNTS + (b << 1)) - 1);
	const s = SUMS + (b << 4);
	v128.store(s, i32x4.sub(v128.load(s), i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(px)))));
	return <i32>b === mode;
}

/** `lum`: w*h bytes; `ring`: (size + 1) * w * 4 bytes. */
export function oilPainting(io: usize, w: i32, h: i32, size: i32, dyn: i32, lum: usize, ring: usize): void {
	const n = <usize>w * <usize>h;
	const inv = 1.0 / <f64>dyn;
	for (let i: usize = 0; i < n; i++) {
		const p = io + (i << 2);
		const g = (<u32>load<u8>(p) * 4899 + <u32>load<u8>(p, 1) * 9617 + <u32>load<u8>(p, 2) * 1868 + 8192) >> 14;
		store<u8>(lum + i, dyn === 1 ? <u8>g : <u8>min(255, <i32>nearest<f64>(<f64>g * inv)));
	}
	const rowB = (<usize>w) << 2;
	const ringRows = size + 1;
	for (let y = 0; y < h; y++) {
		const y0 = max(0, y - size);
		const y1 = min(h - 1, y + size);
		memory.fill(COUNTS, 0, 512);
		memory.fill(SUMS, 0, 4096);
		maxCount = 0;
		mode = 0;
		const xr = min(w - 1, size);
		for (let yy = y0; yy <= y1; yy++) {
			for (let x = 0; x <= xr; x++) {
				const i = <usize>yy * <usize>w + <usize>x;
				add(lum + i, io + (i << 2));
			}
		}
		const out = ring + <usize>(y % ringRows) * rowB;
		for (let x = 0; x < w; x++) {
			if (x > 0) {
				let dirty = false;
				const xo = x - size - 1;
				const xi = x + size;
				if (xo >= 0) {
					for (let yy = y0; yy <= y1; yy++) {
						const i = <usize>yy * <usize>w + <usize>xo;
						if (remove(lum + i, io + (i << 2))) dirty = true;
					}
				}
				if (dirty) maxCount = 0x7fffffff;
				if (xi < w) {
					for (let yy = y0; yy <= y1; yy++) {
						const i = <usize>yy * <usize>w + <usize>xi;
						add(lum + i, io + (i << 2));
					}
				}
				if (dirty) rescan();
			}
			const cnt = <f64>load<u16>(COUNTS + ((<usize>mode) << 1));
			const s = v128.load(SUMS + ((<usize>mode) << 4));
			const k = 1.0 / cnt;
			const q = out + ((<usize>x) << 2);
			store<u8>(q, <u8>(<i32>nearest<f32>(<f32>(<f64>i32x4.extract_lane(s, 0) * k))));
			store<u8>(q, <u8>(<i32>nearest<f32>(<f32>(<f64>i32x4.extract_lane(s, 1) * k))), 1);
			store<u8>(q, <u8>(<i32>nearest<f32>(<f32>(<f64>i32x4.extract_lane(s, 2) * k))), 2);
			store<u8>(q, load<u8>(io + <usize>y * rowB + ((<usize>x) << 2), 3), 3);
		}
		const done = y - size;
		if (done >= 0) memory.copy(io + <usize>done * rowB, ring + <usize>(done % ringRows) * rowB, rowB);
	}
	for (let y = max(0, h - size); y < h; y++)
		memory.copy(io + <usize>y * rowB, ring + <usize>(y % ringRows) * rowB, rowB);
}
