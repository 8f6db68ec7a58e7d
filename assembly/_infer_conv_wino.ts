// Dense 3x3 stride-1 convolution by Winograd F(2x2, 3x3): each 2x2 block of
// output ("tile") is A^T [sum_ci (G g G^T) . (B^T d B)] A over a 4x4 input
// patch d, so the 36 multiply-adds per tile and input channel become 16,
// spent in 16 GEMMs (one per position xi of the 4x4 transformed patch) run by
// the 1x1 kernel. Lanes carry 4 neighbouring tiles; a band of padded input
// rows split into even and odd columns (_infer_conv_band.ts, stride 2) makes
// every patch column one contiguous load.

import { pointwise } from "./_infer_conv_1x1";
import { actRow, biasOf, fused, holdPost, postRow, resumePost, setEpilogue } from "./_infer_conv_act";
import { fillBand } from "./_infer_conv_band";

/** Bytes of V + M (transformed input and products) a band may take. */
const WINO_BUDGET: i32 = 1 << 20;

const TMP: usize = memory.data(2 * 8 * 4, 16);

/** Whether a conv's weights also get the Winograd form (used at stride 1). */
export function winoEligible(cinPerGroup: i32, kh: i32, kw: i32, group: i32): bool {
	return kh === 3 && kw === 3 && group === 1 && cinPerGroup >= 8;
}

export function winoPackedBytes(cout: i32, cin: i32): i32 {
	return 16 * ((cout + 3) >> 2) * cin * 16;
}

/** U = G g G^T per (co, ci), stored per xi as 1x1 blocks [ci][4 co]. */
export function winoPack(src: usize, dst: usize, cout: i32, cin: i32): void {
	const blocks = (cout + 3) >> 2;
	for (let co = 0; co < blocks * 4; co++) {
		for (let ci = 0; ci < cin; ci++) {
			const g = src + ((<usize>((co * cin + ci) * 9)) << 2);
			for (let i = 0; i < 4; i++) {
				// Row i of G g: G's row i against each column of g.
				const r0 = co < cout ? gRow(g, i, 0) : 0.0;
				const r1 = co < cout ? gRow(g, i, 1) : 0.0;
				const r2 = co < cout ? gRow(g, i, 2) : 0.0;
				for (let j = 0; j < 4; j++) {
					const u = j === 0 ? r0 : j === 3 ? r2 : j === 1 ? 0.5 * (r0 + r1 + r2) : 0.5 * (r0 - r1 + r2);
					const xi = i * 4 + j;
					const at = ((xi * blocks + (co >> 2)) * cin + ci) * 4 + (co & 3);
					store<f32>(dst + ((<usize>at) << 2), <f32>u);
				}
			}
		}
	}
}

/** (G g)[i][c] in f64, G = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1]. */
function gRow(g: usize, i: i32, c: i32): f64 {
	const a = <f64>load<f32>(g + ((<usize>c) << 2));
	const b = <f64>load<f32>(g + ((<usize>(3 + c)) << 2));
	const d = <f64>load<f32>(g + ((<usize>(6 + c)) << 2));
	if (i === 0) return a;
	if (i === 3) return d;
	return i === 1 ? 0.5 * (a + b + d) : 0.5 * (a - b + d);
}

/** Tile rows per band: V and M of a band within WINO_BUDGET, at least 1. */
function geometry(cin: i32, w: i32, cout: i32, pl: i32, pr: i32, toh: i32): i32 {
	const tw = tilesWide(w, pl, pr);
	const perRow = 16 * (cin + cout) * tw * 4;
	return max(1, min(toh, WINO_BUDGET / perRow));
}

/** Tiles per row, rounded up to whole vectors of 4. */
function tilesWide(w: i32, pl: i32, pr: i32): i32 {
	return (((w + pl + pr - 2 + 1) >> 1) + 3) & ~3;
}

/** Floats per phase of a band row: the input row and the last patch's columns. */
function phaseLen(w: i32, pl: i32, tw: i32): i32 {
	return (max(tw + 1, ((w + pl) >> 1) + 1) + 3) & ~3;
}

export function winoScratch(cin: i32, h: i32, w: i32, cout: i32, pt: i32, pl: i32, pb: i32, pr: i32): i32 {
	const toh = (h + pt + pb - 2 + 1) >> 1;
	const tw = tilesWide(w, pl, pr);
	const r = geometry(cin, w, cout, pl, pr, toh);
	const band = cin * (2 * r + 2) * 2 * phaseLen(w, pl, tw) * 4;
	return band + 16 * (cin + cout) * r * tw * 4;
}

/** B^T d B of 4 tiles x one channel: e, o are the even and odd phases of the
 * patch's first padded row (tile t's columns are e[t], o[t], e[t+1], o[t+1]),
 * rs the byte stride between rows; v the 16 outputs, vs bytes apart. */
function inputTransform(e: usize, rs: usize, ps: usize, v: usize, vs: usize): void {
	const e0 = e;
	const d00 = v128.load(e0);
	const d01 = v128.load(e0 + ps);
	const d02 = v128.load(e0, 4);
	const d03 = v128.load(e0 + ps, 4);
	const e1 = e + rs;
	const d10 = v128.load(e1);
	const d11 = v128.load(e1 + ps);
	const d12 = v128.load(e1, 4);
	const d13 = v128.load(e1 + ps, 4);
	const e2 = e + 2 * rs;
	const d20 = v128.load(e2);
	const d21 = v128.load(e2 + ps);
	const d22 = v128.load(e2, 4);
	const d23 = v128.load(e2 + ps, 4);
	const e3 = e + 3 * rs;
	const d30 = v128.load(e3);
	const d31 = v128.load(e3 + ps);
	const d32 = v128.load(e3, 4);
	const d33 = v128.load(e3 + ps, 4);
	const t00 = f32x4.sub(d00, d20);
	const t10 = f32x4.add(d10, d20);
	const t20 = f32x4.sub(d20, d10);
	const t30 = f32x4.sub(d10, d30);
	const t01 = f32x4.sub(d01, d21);
	const t11 = f32x4.add(d11, d21);
	const t21 = f32x4.sub(d21, d11);
	const t31 = f32x4.sub(d11, d31);
	const t02 = f32x4.sub(d02, d22);
	const t12 = f32x4.add(d12, d22);
	const t22 = f32x4.sub(d22, d12);
	const t32 = f32x4.sub(d12, d32);
	const t03 = f32x4.sub(d03, d23);
	const t13 = f32x4.add(d13, d23);
	const t23 = f32x4.sub(d23, d13);
	const t33 = f32x4.sub(d13, d33);
	const v0 = v;
	v128.store(v0, f32x4.sub(t00, t02));
	v128.store(v0 + vs, f32x4.add(t01, t02));
	v128.store(v0 + 2 * vs, f32x4.sub(t02, t01));
	v128.store(v0 + 3 * vs, f32x4.sub(t01, t03));
	const v1 = v + 4 * vs;
	v128.store(v1, f32x4.sub(t10, t12));
	v128.store(v1 + vs, f32x4.add(t11, t12));
	v128.store(v1 + 2 * vs, f32x4.sub(t12, t11));
	v128.store(v1 + 3 * vs, f32x4.sub(t11, t13));
	const v2 = v + 8 * vs;
	v128.store(v2, f32x4.sub(t20, t22));
	v128.store(v2 + vs, f32x4.add(t21, t22));
	v128.store(v2 + 2 * vs, f32x4.sub(t22, t21));
	v128.store(v2 + 3 * vs, f32x4.sub(t21, t23));
	const v3 = v + 12 * vs;
	v128.store(v3, f32x4.sub(t30, t32));
	v128.store(v3 + vs, f32x4.add(t31, t32));
	v128.store(v3 + 2 * vs, f32x4.sub(t32, t31));
	v128.store(v3 + 3 * vs, f32x4.sub(t31, t33));
}

/** A^T m A of 4 tiles x one output channel plus bias: the two output rows
 * of 8 floats each, columns of neighbouring tiles interleaved, at y and y + ys. */
function outputTransform(m: usize, ms: usize, bv: v128, form: i32, y: usize, ys: usize): void {
	const m00 = v128.load(m);
	const m01 = v128.load(m + 1 * ms);
	const m02 = v128.load(m + 2 * ms);
	const m03 = v128.load(m + 3 * ms);
	const m10 = v128.load(m + 4 * ms);
	const m11 = v128.load(m + 5 * ms);
	const m12 = v128.load(m + 6 * ms);
	const m13 = v128.load(m + 7 * ms);
	const m20 = v128.load(m + 8 * ms);
	const m21 = v128.load(m + 9 * ms);
	const m22 = v128.load(m + 10 * ms);
	const m23 = v128.load(m + 11 * ms);
	const m30 = v128.load(m + 12 * ms);
	const m31 = v128.load(m + 13 * ms);
	const m32 = v128.load(m + 14 * ms);
	const m33 = v128.load(m + 15 * ms);
	const s00 = f32x4.add(f32x4.add(m00, m10), m20);
	const s10 = f32x4.sub(f32x4.sub(m10, m20), m30);
	const s01 = f32x4.add(f32x4.add(m01, m11), m21);
	const s11 = f32x4.sub(f32x4.sub(m11, m21), m31);
	const s02 = f32x4.add(f32x4.add(m02, m12), m22);
	const s12 = f32x4.sub(f32x4.sub(m12, m22), m32);
	const s03 = f32x4.add(f32x4.add(m03, m13), m23);
	const s13 = f32x4.sub(f32x4.sub(m13, m23), m33);
	const y00 = fused(f32x4.add(f32x4.add(f32x4.add(s00, s01), s02), bv), form);
	const y01 = fused(f32x4.add(f32x4.sub(f32x4.sub(s01, s02), s03), bv), form);
	const y10 = fused(f32x4.add(f32x4.add(f32x4.add(s10, s11), s12), bv), form);
	const y11 = fused(f32x4.add(f32x4.sub(f32x4.sub(s11, s12), s13), bv), form);
	v128.store(y, v128.shuffle<f32>(y00, y01, 0, 4, 1, 5));
	v128.store(y, v128.shuffle<f32>(y00, y01, 2, 6, 3, 7), 16);
	v128.store(y + ys, v128.shuffle<f32>(y10, y11, 0, 4, 1, 5));
	v128.store(y + ys, v128.shuffle<f32>(y10, y11, 2, 6, 3, 7), 16);
}

/** y [cout][oh][ow] of x [cin][h][w], 3x3 stride 1; wp: winoPack's layout. */
export function convWino(
	x: usize,
	wp: usize,
	bias: usize,
	y: usize,
	scratch: usize,
	cin: i32,
	h: i32,
	w: i32,
	cout: i32,
	pt: i32,
	pl: i32,
	pb: i32,
	pr: i32,
	act: i32,
	alpha: f32,
	beta: f32,
): void {
	const al = f32x4.splat(alpha);
	const be = f32x4.splat(beta);
	const late = act >= 4 ? act : 0;
	const oh = h + pt + pb - 2;
	const ow = w + pl + pr - 2;
	const toh = (oh + 1) >> 1;
	const tw = tilesWide(w, pl, pr);
	const r = geometry(cin, w, cout, pl, pr, toh);
	const lr = phaseLen(w, pl, tw);
	const bh = 2 * r + 2;
	const ps = (<usize>lr) << 2;
	const rs = ps << 1;
	const cs = <usize>bh * rs;
	const band = scratch;
	const vbuf = band + <usize>cin * cs;
	const wblock = (<usize>(((cout + 3) >> 2) * cin)) << 4;
	const ys = (<usize>ow) << 2;
	const oplane = <usize>oh * ys;
	for (let ty0 = 0; ty0 < toh; ty0 += r) {
		const nr = min(r, toh - ty0);
		const nt = nr * tw;
		const vs = (<usize>(cin * nt)) << 2;
		const mbuf = vbuf + 16 * vs;
		const msx = (<usize>(cout * nt)) << 2;
		fillBand(x, cin, h, w, 2 * ty0, 2 * nr + 2, pt, pl, 2, lr, bh, band);
		for (let ci = 0; ci < cin; ci++) {
			for (let tr = 0; tr < nr; tr++) {
				const e = band + <usize>ci * cs + <usize>(2 * tr) * rs;
				const v = vbuf + ((<usize>(ci * nt + tr * tw)) << 2);
				for (let tx = 0; tx < tw; tx += 4) inputTransform(e + ((<usize>tx) << 2), rs, ps, v + ((<usize>tx) << 2), vs);
			}
		}
		// The products are not the output: no post affine on them.
		const post = holdPost();
		for (let xi = 0; xi < 16; xi++) {
			pointwise(
				vbuf + <usize>xi * vs,
				wp + <usize>xi * wblock,
				0,
				mbuf + <usize>xi * msx,
				0,
				cin,
				nt,
				cout,
				0,
				0.0,
				0.0,
			);
		}
		resumePost(post);
		// The GEMMs above set their own (plain) epilogue.
		const form = setEpilogue(act, alpha, beta);
		for (let co = 0; co < cout; co++) {
			const bv = biasOf(bias, co);
			for (let tr = 0; tr < nr; tr++) {
				const oy = 2 * (ty0 + tr);
				const two = oy + 1 < oh;
				const yr = y + <usize>co * oplane + <usize>oy * ys;
				const m = mbuf + ((<usize>(co * nt + tr * tw)) << 2);
				for (let tx = 0; tx < tw; tx += 4) {
					const ox = 2 * tx;
					if (ox >= ow) break;
					const mq = m + ((<usize>tx) << 2);
					if (ox + 8 <= ow && two) {
						outputTransform(mq, msx, bv, form, yr + ((<usize>ox) << 2), ys);
					} else {
						// The row's last tiles, or the last row of an odd height.
						outputTransform(mq, msx, bv, form, TMP, 32);
						const n = (<usize>min(8, ow - ox)) << 2;
						memory.copy(yr + ((<usize>ox) << 2), TMP, n);
						if (two) memory.copy(yr + ys + ((<usize>ox) << 2), TMP + 32, n);
					}
				}
				actRow(yr, two ? 2 * ow : ow, late, al, be);
				postRow(yr, two ? 2 * ow : ow);
			}
		}
	}
}
