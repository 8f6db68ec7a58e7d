// Functions evaluated inside the page: they measure what the browser actually
// drew, so they may use only the DOM and their own arguments.

/**
 * Where the OCR boxes land on screen compared with where their pixels are
 * drawn: the image is fitted with object-fit: contain, so the image content
 * rectangle is computed from the element box and the natural size.
 */
export function overlayGeometry() {
	const svg = document.getElementById("boxes");
	const [, , w, h] = svg.getAttribute("viewBox").split(" ").map(Number);
	const polygons = [...svg.querySelectorAll("polygon")];
	const img = document.getElementById("source");
	const r = img.getBoundingClientRect();
	const s = Math.min(r.width / img.naturalWidth, r.height / img.naturalHeight);
	const x0 = r.x + (r.width - img.naturalWidth * s) / 2;
	const y0 = r.y + (r.height - img.naturalHeight * s) / 2;
	let worst = 0;
	for (const p of polygons) {
		const xs = [...p.points].map((q) => q.x);
		const ys = [...p.points].map((q) => q.y);
		const on = p.getBoundingClientRect();
		const want = [
			x0 + Math.min(...xs) * s,
			y0 + Math.min(...ys) * s,
			x0 + Math.max(...xs) * s,
			y0 + Math.max(...ys) * s,
		];
		const got = [on.left, on.top, on.right, on.bottom];
		worst = Math.max(worst, ...want.map((v, i) => Math.abs(v - got[i])));
	}
	const pts = polygons.flatMap((p) => [...p.points]);
	return {
		polygons: polygons.length,
		lines: document.querySelectorAll("#lines li").length,
		outside: pts.filter((p) => p.x < -1 || p.y < -1 || p.x > w + 1 || p.y > h + 1).length,
		viewBox: [w, h],
		natural: [img.naturalWidth, img.naturalHeight],
		worst,
	};
}

/** Each preview card's decoded size, the spread of its luma (0 for a flat image) and its timing line and cache state. */
export function previewStats(cards) {
	return cards.map((c) => {
		const img = c.querySelector("img");
		const canvas = document.createElement("canvas");
		[canvas.width, canvas.height] = [img.naturalWidth || 1, img.naturalHeight || 1];
		const g = canvas.getContext("2d");
		g.drawImage(img, 0, 0);
		const { data } = g.getImageData(0, 0, canvas.width, canvas.height);
		let sum = 0;
		let sq = 0;
		for (let i = 0; i < data.length; i += 4) {
			const y = 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
			sum += y;
			sq += y * y;
		}
		const n = data.length / 4;
		return {
			name: c.dataset.name,
			width: img.naturalWidth,
			height: img.naturalHeight,
			spread: Math.sqrt(Math.max(0, sq / n - (sum / n) ** 2)),
			timing: c.querySelector(".meta").textContent,
			cache: c.querySelector(".tag").textContent,
		};
	});
}
