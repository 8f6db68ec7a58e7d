// Ground-truth transcripts are imported as strings (wrangler's default Text rule for .txt).
declare module "*.txt" {
	const text: string;
	export default text;
}

// Ground-truth boxes of the synthetic fixtures (shape documented in ../shared/fixtures/README.md).
declare module "*.boxes.json" {
	const boxes: {
		image: string;
		width: number;
		height: number;
		lines: { text: string; segments: { text: string; poly: number[][] }[] }[];
	};
	export default boxes;
}
