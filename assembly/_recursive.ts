// Gastal & Oliveira's recursive filter (RF): a first-order causal then
// anti-causal pass along each row, then along each column, with feedback
// a^d where d is the domain-transform distance between neighbours.
// Planes are f32, row-major, `S` floats per row (S is a multiple of 4).

import { dist3 } from "./_pixels";
import { exp4, sigmaH, squarePlane } from "./_simd";

/**
 * Feedback weights of the first iteration for both directions:
 * vh[y][x] = a^(1 + ratio*dist(x-1, x)), vv[y][x] = a^(1 + ratio*dist(y-1, y)),
 * with a = e^m. vh is 0 at x = 0 and past the row end so the blocked row
 * sweeps leave those samples untouched. `mono` != 0 takes distances from
 * that plane instead of the RGBA pixels.
 */
export function rfWeights(
	io: usize,
	mono: usize,
	S: i32,
	w: i32,
	h: i32,
	ratio: f32,
	m: f32,
	vh: usize,
	vv: usize,
): void {
	const one = f32x4.splat(1.0);
	const k = f32x4.splat(ratio);
	const mm = f32x4.splat(m);
	const rowB = (<usize>S) << 2;
	for (let y = 0; y < h; y++) {
		const hr = vh + <usize>y * rowB;
		const vr = vv + <usize>y * rowB;
		for (let x = 0; x < S; x += 4) {
			let dx: v128, dy: v128;
			if (mono) {
				const p = mono + <usize>y * rowB + ((<usize>x) << 2);
				const c = v128.load(p);
				dx = f32x4.abs(f32x4.sub(c, v128.load(p - 4)));
				dy = y > 0 ? f32x4.abs(f32x4.sub(c, v128.load(p - rowB))) : f32x4.splat(0);
			} else {
				const p = io + ((<usize>y * <usize>w + <usize>x) << 2);
				const c = v128.load(p);
				dx = dist3(c, v128.load(p - 4));
				dy = y > 0 ? dist3(c, v128.load(p - ((<usize>w) << 2))) : f32x4.splat(0);
			}
			v128.store(hr + ((<usize>x) << 2), exp4(f32x4.mul(mm, f32x4.add(one, f32x4.mul(k, dx)))));
			v128.store(vr + ((<usize>x) << 2), exp4(f32x4.mul(mm, f32x4.add(one, f32x4.mul(k, dy)))));
		}
		store<f32>(hr, 0);
		for (let x = w; x < S; x++) store<f32>(hr + ((<usize>x) << 2), 0);
	}
}

/**
 * Row pass over `nc` planes. Rows go four at a time, one per lane: 4x4 blocks
 * are transposed in registers so each step of the recursion is one vector op
 * for four rows. The causal result is kept transposed in `tmp` for the
 * anti-causal sweep. Scratch: `vt` and `tmp` of (S + 4) * 16 bytes each.
 */
export function rfRows(P: usize, nc: i32, S: i32, h: i32, vh: usize, vt: usize, tmp: usize): void {
	const rowB = (<usize>S) << 2;
	const planeB = rowB * <usize>h;
	const zero = f32x4.splat(0);
	v128.store(vt + ((<usize>S) << 4), zero);
	for (let y0 = 0; y0 < h; y0 += 4) {
		const o0 = <usize>y0 * rowB;
		const o1 = <usize>min(y0 + 1, h - 1) * rowB;
		const o2 = <usize>min(y0 + 2, h - 1) * rowB;
		const o3 = <usize>min(y0 + 3, h - 1) * rowB;
		for (let x = 0; x < S; x += 4) {
			const xb = (<usize>x) << 2;
			const a = v128.load(vh + o0 + xb);
			const b = v128.load(vh + o1 + xb);
			const c = v128.load(vh + o2 + xb);
			const d = v128.load(vh + o3 + xb);
			const t0 = f32x4.shuffle(a, b, 0, 4, 1, 5);
			const t1 = f32x4.shuffle(a, b, 2, 6, 3, 7);
			const t2 = f32x4.shuffle(c, d, 0, 4, 1, 5);
			const t3 = f32x4.shuffle(c, d, 2, 6, 3, 7);
			const q = vt + ((<usize>x) << 4);
			v128.store(q, f32x4.shuffle(t0, t2, 0, 1, 4, 5));
			v128.store(q, f32x4.shuffle(t0, t2, 2, 3, 6, 7), 16);
			v128.store(q, f32x4.shuffle(t1, t3, 0, 1, 4, 5), 32);
			v128.store(q, f32x4.shuffle(t1, t3, 2, 3, 6, 7), 48);
		}
		for (let ch = 0; ch < nc; ch++) {
			const base = P + <usize>ch * planeB;
			let prev = zero;
			for (let x = 0; x < S; x += 4) {
				const xb = (<usize>x) << 2;
				const a = v128.load(base + o0 + xb);
				const b = v128.load(base + o1 + xb);
				const c = v128.load(base + o2 + xb);
				const d = v128.load(base + o3 + xb);
				const t0 = f32x4.shuffle(a, b, 0, 4, 1, 5);
				const t1 = f32x4.shuffle(a, b, 2, 6, 3, 7);
				const t2 = f32x4.shuffle(c, d, 0, 4, 1, 5);
				const t3 = f32x4.shuffle(c, d, 2, 6, 3, 7);
				const q = vt + ((<usize>x) << 4);
				const g = tmp + ((<usize>x) << 4);
				let c0 = f32x4.shuffle(t0, t2, 0, 1, 4, 5);
				c0 = f32x4.add(c0, f32x4.mul(f32x4.sub(prev, c0), v128.load(q)));
				let c1 = f32x4.shuffle(t0, t2, 2, 3, 6, 7);
				c1 = f32x4.add(c1, f32x4.mul(f32x4.sub(c0, c1), v128.load(q, 16)));
				let c2 = f32x4.shuffle(t1, t3, 0, 1, 4, 5);
				c2 = f32x4.add(c2, f32x4.mul(f32x4.sub(c1, c2), v128.load(q, 32)));
				let c3 = f32x4.shuffle(t1, t3, 2, 3, 6, 7);
				c3 = f32x4.add(c3, f32x4.mul(f32x4.sub(c2, c3), v128.load(q, 48)));
				v128.store(g, c0);
				v128.store(g, c1, 16);
				v128.store(g, c2, 32);
				v128.store(g, c3, 48);
				prev = c3;
			}
			let next = zero;
			for (let x = S - 4; x >= 0; x -= 4) {
				const q = vt + ((<usize>x) << 4);
				const g = tmp + ((<usize>x) << 4);
				let c3 = v128.load(g, 48);
				c3 = f32x4.add(c3, f32x4.mul(f32x4.sub(next, c3), v128.load(q, 64)));
				let c2 = v128.load(g, 32);
				c2 = f32x4.add(c2, f32x4.mul(f32x4.sub(c3, c2), v128.load(q, 48)));
				let c1 = v128.load(g, 16);
				c1 = f32x4.add(c1, f32x4.mul(f32x4.sub(c2, c1), v128.load(q, 32)));
				let c0 = v128.load(g);
				c0 = f32x4.add(c0, f32x4.mul(f32x4.sub(c1, c0), v128.load(q, 16)));
				next = c0;
				const t0 = f32x4.shuffle(c0, c1, 0, 4, 1, 5);
				const t1 = f32x4.shuffle(c0, c1, 2, 6, 3, 7);
				const t2 = f32x4.shuffle(c2, c3, 0, 4, 1, 5);
				const t3 = f32x4.shuffle(c2, c3, 2, 6, 3, 7);
				const xb = (<usize>x) << 2;
				// Clamped duplicate rows get identical values, so write order is moot.
				v128.store(base + o3 + xb, f32x4.shuffle(t1, t3, 2, 3, 6, 7));
				v128.store(base + o2 + xb, f32x4.shuffle(t1, t3, 0, 1, 4, 5));
				v128.store(base + o1 + xb, f32x4.shuffle(t0, t2, 2, 3, 6, 7));
				v128.store(base + o0 + xb, f32x4.shuffle(t0, t2, 0, 1, 4, 5));
			}
		}
	}
}

/** Column pass over `nc` planes: rows are streamed, lanes run along x. */
export function rfCols(P: usize, nc: i32, S: i32, h: i32, vv: usize): void {
	const rowB = (<usize>S) << 2;
	const planeB = rowB * <usize>h;
	for (let y = 1; y < h; y++) {
		const r = <usize>y * rowB;
		for (let x = 0; x < S; x += 4) {
			const xb = (<usize>x) << 2;
			const v = v128.load(vv + r + xb);
			for (let ch = 0; ch < nc; ch++) {
				const p = P + <usize>ch * planeB + r + xb;
				const o = v128.load(p);
				v128.store(p, f32x4.add(o, f32x4.mul(f32x4.sub(v128.load(p - rowB), o), v)));
			}
		}
	}
	for (let y = h - 2; y >= 0; y--) {
		const r = <usize>y * rowB;
		for (let x = 0; x < S; x += 4) {
			const xb = (<usize>x) << 2;
			const v = v128.load(vv + r + rowB + xb);
			for (let ch = 0; ch < nc; ch++) {
				const p = P + <usize>ch * planeB + r + xb;
				const o = v128.load(p);
				v128.store(p, f32x4.add(o, f32x4.mul(f32x4.sub(v128.load(p + rowB), o), v)));
			}
		}
	}
}

/**
 * The recursive filter in full: weights from the colour image at `io` (or,
 * when `mono` is not 0, from that plane, as rfWeights reads them), then three
 * passes of rows and columns over the nc planes at P. Each pass halves the
 * filter's sigma, which squares its per-step weights in place.
 */
export function rfFilter(
	io: usize,
	mono: usize,
	P: usize,
	nc: i32,
	S: i32,
	w: i32,
	h: i32,
	sigmaS: f32,
	sigmaR: f32,
	vh: usize,
	vv: usize,
	vt: usize,
	tmp: usize,
): void {
	const a0 = <f32>Math.exp(-Math.SQRT2 / <f64>sigmaH(sigmaS, 0));
	rfWeights(io, mono, S, w, h, sigmaS / sigmaR, <f32>Math.log(<f64>a0), vh, vv);
	const n = <usize>S * <usize>h;
	for (let i = 0; i < 3; i++) {
		if (i > 0) {
			squarePlane(vh, n);
			squarePlane(vv, n);
		}
		rfRows(P, nc, S, h, vh, vt, tmp);
		rfCols(P, nc, S, h, vv);
	}
}
