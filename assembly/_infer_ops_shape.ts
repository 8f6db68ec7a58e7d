// Spatial and layout kernels: 2-D pooling, nearest resize (the detector's
// FPN upsampling) and rank-5 transpose (the SVTR neck's reshapes).

// Scratch of transpose for its compacted axes (extent, stride) x 5; used within
// one call only, nothing is kept between calls.
const AXES: usize = memory.data(40);

// biome-ignore lint/complexity/noStaticOnlyClass: the linter parses `@inline` only on class members, so inlined helpers are static methods.
class Perm {
	/** Extent of slot k of the compacted axes (1 in the `pad` leading slots). */
	@inline
	static extent(L: usize, k: i32, pad: i32): i32 {
		return k < pad ? 1 : load<i32>(L + ((<usize>(k - pad)) << 3));
	}

	@inline
	static stride(L: usize, k: i32, pad: i32): i32 {
		return k < pad ? 0 : load<i32>(L + ((<usize>(k - pad)) << 3), 4);
	}

	@inline
	static pick(i: i32, v0: i32, v1: i32, v2: i32, v3: i32, v4: i32): i32 {
		return i === 0 ? v0 : i === 1 ? v1 : i === 2 ? v2 : i === 3 ? v3 : v4;
	}
}

/** Average (kind 0) or max (kind 1) pooling over [c][h][w] with zero-size
 * padding semantics of ONNX: max ignores padded cells; average divides by
 * kh*kw when countIncludePad, else by the cells inside the image. */
export function pool2d(
	kind: i32,
	x: usize,
	y: usize,
	c: i32,
	h: i32,
	w: i32,
	kh: i32,
	kw: i32,
	sh: i32,
	sw: i32,
	pt: i32,
	pl: i32,
	pb: i32,
	pr: i32,
	countIncludePad: i32,
): void {
	const oh = (h + pt + pb - kh) / sh + 1;
	const ow = (w + pl + pr - kw) / sw + 1;
	if (kw === 2 && sw === 2 && (pt | pl | pb | pr) === 0) {
		poolPairs(kind, x, y, c, h, w, kh, sh, oh, ow);
		return;
	}
	const full: f32 = 1 / <f32>(kh * kw);
	let py = y;
	for (let ch = 0; ch < c; ch++) {
		const plane = x + ((<usize>ch * <usize>h * <usize>w) << 2);
		for (let oy = 0; oy < oh; oy++) {
			const y0 = oy * sh - pt;
			const ya = max(y0, 0);
			const yb = min(y0 + kh, h);
			for (let ox = 0; ox < ow; ox++) {
				const x0 = ox * sw - pl;
				const xa = max(x0, 0);
				const xb = min(x0 + kw, w);
				let acc: f32 = kind === 1 ? -Infinity : 0;
				for (let iy = ya; iy < yb; iy++) {
					const r = plane + ((<usize>iy * <usize>w) << 2);
					for (let ix = xa; ix < xb; ix++) {
						const v = load<f32>(r + ((<usize>ix) << 2));
						acc = kind === 1 ? max(acc, v) : acc + v;
					}
				}
				if (kind !== 1) {
					const cells = (yb - ya) * (xb - xa);
					acc *= countIncludePad !== 0 ? full : cells > 0 ? 1 / <f32>cells : 0;
				}
				store<f32>(py, acc);
				py += 4;
			}
		}
	}
}

// pool2d without padding over windows 2 wide at stride 2 (the classifier's
// 2x2 max pool, the recogniser's 3x2 average pool): 4 outputs per step from
// 8 inputs of each window row, split into even and odd lanes.
function poolPairs(kind: i32, x: usize, y: usize, c: i32, h: i32, w: i32, kh: i32, sh: i32, oh: i32, ow: i32): void {
	const k = f32x4.splat(1 / <f32>(kh * 2));
	const kk: f32 = 1 / <f32>(kh * 2);
	const rowIn = (<usize>w) << 2;
	let py = y;
	for (let ch = 0; ch < c; ch++) {
		const plane = x + ((<usize>ch * <usize>h * <usize>w) << 2);
		for (let oy = 0; oy < oh; oy++) {
			const top = plane + <usize>(oy * sh) * rowIn;
			let ox = 0;
			for (; ox + 4 <= ow; ox += 4) {
				let p = top + ((<usize>ox) << 3);
				let acc = f32x4.splat(0);
				for (let r = 0; r < kh; r++) {
					const a = v128.load(p);
					const b = v128.load(p, 16);
					const even = v128.shuffle<f32>(a, b, 0, 2, 4, 6);
					const odd = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
					if (kind === 1) {
						const m = f32x4.max(even, odd);
						acc = r === 0 ? m : f32x4.max(acc, m);
					} else acc = f32x4.add(acc, f32x4.add(even, odd));
					p += rowIn;
				}
				v128.store(py, kind === 1 ? acc : f32x4.mul(acc, k));
				py += 16;
			}
			for (; ox < ow; ox++) {
				let p = top + ((<usize>ox) << 3);
				let acc: f32 = kind === 1 ? -Infinity : 0;
				for (let r = 0; r < kh; r++) {
					const a = load<f32>(p);
					const b = load<f32>(p, 4);
					acc = kind === 1 ? max(acc, max(a, b)) : acc + (a + b);
					p += rowIn;
				}
				store<f32>(py, kind === 1 ? acc : acc * kk);
				py += 4;
			}
		}
	}
}

// One output row of a nearest resize from a source row of w floats.
function resizeRow(src: usize, dst: usize, w: i32, ow: i32): void {
	if (ow === w) {
		memory.copy(dst, src, (<usize>w) << 2);
	} else if (ow === 2 * w) {
		let i = 0;
		for (; i + 4 <= w; i += 4) {
			const v = v128.load(src + ((<usize>i) << 2));
			const o = dst + ((<usize>i) << 3);
			v128.store(o, v128.shuffle<f32>(v, v, 0, 0, 1, 1));
			v128.store(o, v128.shuffle<f32>(v, v, 2, 2, 3, 3), 16);
		}
		for (; i < w; i++) {
			const v = load<f32>(src + ((<usize>i) << 2));
			store<f32>(dst + ((<usize>i) << 3), v);
			store<f32>(dst + ((<usize>i) << 3), v, 4);
		}
	} else if (ow % w === 0) {
		const f = ow / w;
		let o = dst;
		for (let i = 0; i < w; i++) {
			const v = load<f32>(src + ((<usize>i) << 2));
			for (let k = 0; k < f; k++) {
				store<f32>(o, v);
				o += 4;
			}
		}
	} else {
		for (let ox = 0; ox < ow; ox++) {
			const sx = <i32>((<i64>ox * <i64>w) / <i64>ow);
			store<f32>(dst + ((<usize>ox) << 2), load<f32>(src + ((<usize>sx) << 2)));
		}
	}
}

/** Nearest resize [c][h][w] -> [c][oh][ow], asymmetric coordinates with
 * floor: source = floor(dst * h / oh). Output rows that map to the same
 * source row are copied from the first one. */
export function resizeNearest(x: usize, y: usize, c: i32, h: i32, w: i32, oh: i32, ow: i32): void {
	const rowOut = (<usize>ow) << 2;
	for (let ch = 0; ch < c; ch++) {
		const plane = x + ((<usize>ch * <usize>h * <usize>w) << 2);
		const out = y + <usize>ch * <usize>oh * rowOut;
		let prev = -1;
		for (let oy = 0; oy < oh; oy++) {
			const sy = <i32>((<i64>oy * <i64>h) / <i64>oh);
			const dst = out + <usize>oy * rowOut;
			if (sy === prev) memory.copy(dst, dst - rowOut, rowOut);
			else resizeRow(plane + ((<usize>sy * <usize>w) << 2), dst, w, ow);
			prev = sy;
		}
	}
}

/** y = x transposed by perm (p0..p4) of the rank-5 shape d0..d4: output
 * dimension k has size d[p_k] and walks input axis p_k. */
export function transpose(
	x: usize,
	y: usize,
	d0: i32,
	d1: i32,
	d2: i32,
	d3: i32,
	d4: i32,
	p0: i32,
	p1: i32,
	p2: i32,
	p3: i32,
	p4: i32,
): void {
	const s4 = 1;
	const s3 = d4;
	const s2 = d3 * s3;
	const s1 = d2 * s2;
	const s0 = d1 * s1;
	// Output axes (extent, input stride), unit axes dropped and neighbours that
	// walk the input as one run merged, right-aligned in 5 slots: the inner
	// loop then gets the longest run the permutation allows.
	const L = AXES;
	let n = 0;
	for (let k = 0; k < 5; k++) {
		const q = k === 0 ? p0 : k === 1 ? p1 : k === 2 ? p2 : k === 3 ? p3 : p4;
		const e = Perm.pick(q, d0, d1, d2, d3, d4);
		const t = Perm.pick(q, s0, s1, s2, s3, s4);
		if (e === 1) continue;
		if (n > 0 && load<i32>(L + ((<usize>(n - 1)) << 3), 4) === t * e) {
			const o = L + ((<usize>(n - 1)) << 3);
			store<i32>(o, load<i32>(o) * e);
			store<i32>(o, t, 4);
		} else {
			store<i32>(L + ((<usize>n) << 3), e);
			store<i32>(L + ((<usize>n) << 3), t, 4);
			n++;
		}
	}
	const pad = 5 - n;
	const e0 = Perm.extent(L, 0, pad);
	const e1 = Perm.extent(L, 1, pad);
	const e2 = Perm.extent(L, 2, pad);
	const e3 = Perm.extent(L, 3, pad);
	const e4 = Perm.extent(L, 4, pad);
	const t0 = Perm.stride(L, 0, pad);
	const t1 = Perm.stride(L, 1, pad);
	const t2 = Perm.stride(L, 2, pad);
	const t3 = Perm.stride(L, 3, pad);
	const t4 = Perm.stride(L, 4, pad);
	const step = (<usize>t4) << 2;
	const run = (<usize>e4) << 2;
	let py = y;
	for (let i0 = 0; i0 < e0; i0++) {
		for (let i1 = 0; i1 < e1; i1++) {
			for (let i2 = 0; i2 < e2; i2++) {
				for (let i3 = 0; i3 < e3; i3++) {
					const src = x + ((<usize>(i0 * t0 + i1 * t1 + i2 * t2 + i3 * t3)) << 2);
					if (t4 !== 1) {
						let q = src;
						for (let i4 = 0; i4 < e4; i4++) {
							store<f32>(py, load<f32>(q));
							py += 4;
							q += step;
						}
					} else if (e4 >= 64) {
						memory.copy(py, src, run);
						py += run;
					} else {
						// Short runs: a call to memory.copy costs more than the copy.
						let i = 0;
						for (; i + 4 <= e4; i += 4) v128.store(py + ((<usize>i) << 2), v128.load(src + ((<usize>i) << 2)));
						for (; i < e4; i++) store<f32>(py + ((<usize>i) << 2), load<f32>(src + ((<usize>i) << 2)));
						py += run;
					}
				}
			}
		}
	}
}
