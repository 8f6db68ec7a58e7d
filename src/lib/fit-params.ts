import { UnprocessableError } from "./errors";

export type FitMode = "scale-down" | "contain" | "cover" | "crop" | "pad";
/** A focal point as fractions of the image (0 left or top, 1 right or bottom), or the most detailed region. */
export type Gravity = { x: number; y: number } | "auto";
export type Rgba = [number, number, number, number];

/** Sizing options as image CDNs name them, validated; w and h already multiplied by dpr. */
export interface FitParams {
	width: number | undefined;
	height: number | undefined;
	fit: FitMode;
	gravity: Gravity;
	background: Rgba;
	/** The box when neither w nor h is given; otherwise a cap on the output's longer side, if given. */
	maxSide: number | undefined;
}

export const MAX_OUTPUT_SIDE = 8192;
export const DEFAULT_MAX_SIDE = 1024;
const FITS: FitMode[] = ["scale-down", "contain", "cover", "crop", "pad"];
const WHITE: Rgba = [255, 255, 255, 255];

/** Cloudflare Images' side names, the compass names for the same points, and the corners. */
const NAMED: Record<string, { x: number; y: number }> = {
	center: { x: 0.5, y: 0.5 },
	left: { x: 0, y: 0.5 },
	right: { x: 1, y: 0.5 },
	top: { x: 0.5, y: 0 },
	bottom: { x: 0.5, y: 1 },
	west: { x: 0, y: 0.5 },
	east: { x: 1, y: 0.5 },
	north: { x: 0.5, y: 0 },
	south: { x: 0.5, y: 1 },
	"north-west": { x: 0, y: 0 },
	"north-east": { x: 1, y: 0 },
	"south-west": { x: 0, y: 1 },
	"south-east": { x: 1, y: 1 },
};

function invalid(parameter: string, rule: string): UnprocessableError {
	return new UnprocessableError("invalid_parameter", `${parameter} ${rule}`, { parameter });
}

function intIn(options: Record<string, string>, name: string, max: number): number | undefined {
	const raw = options[name];
	if (raw === undefined || raw === "") return undefined;
	const n = Number(raw);
	if (!Number.isInteger(n) || n < 1 || n > max) throw invalid(name, `must be an integer from 1 to ${max}`);
	return n;
}

function parseDpr(raw: string | undefined): number {
	if (raw === undefined || raw === "") return 1;
	const n = Number(raw);
	if (!Number.isFinite(n) || n < 1 || n > 4) throw invalid("dpr", "must be a number from 1 to 4");
	return n;
}

function parseGravity(raw: string | undefined): Gravity {
	if (raw === undefined || raw === "") return NAMED.center!;
	const value = raw.toLowerCase();
	if (value === "auto") return "auto";
	const named = NAMED[value];
	if (named) return named;
	const point = /^(\d*\.?\d+)x(\d*\.?\d+)$/.exec(value);
	if (point) {
		const x = Number(point[1]);
		const y = Number(point[2]);
		if (x <= 1 && y <= 1) return { x, y };
	}
	throw invalid(
		"gravity",
		`must be auto, one of ${Object.keys(NAMED).join(", ")}, or a point XxY with X and Y from 0 to 1 (0x0 is the top left corner)`,
	);
}

/** `#rgb`, `#rgba`, `#rrggbb` or `#rrggbbaa`, the `#` optional (it must be sent as %23 in a URL). */
export function parseBackground(raw: string | undefined): Rgba {
	if (raw === undefined || raw === "") return WHITE;
	const hex = raw.startsWith("#") ? raw.slice(1) : raw;
	if (!/^[0-9a-f]+$/i.test(hex) || ![3, 4, 6, 8].includes(hex.length)) {
		throw invalid("background", "must be a hex colour: rgb, rgba, rrggbb or rrggbbaa, with or without #");
	}
	const long = hex.length <= 4 ? [...hex].map((c) => c + c).join("") : hex;
	const channel = (i: number) => Number.parseInt(long.slice(2 * i, 2 * i + 2), 16);
	return [channel(0), channel(1), channel(2), long.length === 8 ? channel(3) : 255];
}

/** Reads w, h, dpr, fit, gravity, background and max_side; every one out of range is a 422 naming its range. */
export function parseFitParams(options: Record<string, string>): FitParams {
	const w = intIn(options, "w", MAX_OUTPUT_SIDE);
	const h = intIn(options, "h", MAX_OUTPUT_SIDE);
	const dpr = parseDpr(options.dpr);
	const fit = (options.fit === undefined || options.fit === "" ? "scale-down" : options.fit) as FitMode;
	if (!FITS.includes(fit)) throw invalid("fit", `must be one of ${FITS.join(", ")}`);
	const scaled = (n: number | undefined, name: string) => {
		if (n === undefined) return undefined;
		const px = Math.round(n * dpr);
		if (px > MAX_OUTPUT_SIDE) throw invalid(name, `times dpr must be at most ${MAX_OUTPUT_SIDE}`);
		return px;
	};
	const width = scaled(w, "w");
	const height = scaled(h, "h");
	const maxSide = intIn(options, "max_side", MAX_OUTPUT_SIDE);
	return {
		width,
		height,
		fit,
		gravity: parseGravity(options.gravity),
		background: parseBackground(options.background),
		maxSide: maxSide ?? (width === undefined && height === undefined ? DEFAULT_MAX_SIDE : undefined),
	};
}

/**
 * The options as they change a result, for the cache key: gravity only where
 * something is cropped, background only where something is padded, so
 * requests that differ in an ignored option share one result.
 */
export function fitKeyOptions(p: FitParams): Record<string, string | number> {
	const key: Record<string, string | number> = { fit: p.fit };
	if (p.width !== undefined) key.w = p.width;
	if (p.height !== undefined) key.h = p.height;
	if (p.maxSide !== undefined) key.max_side = p.maxSide;
	if (p.fit === "cover" || p.fit === "crop")
		key.gravity = p.gravity === "auto" ? "auto" : `${p.gravity.x}x${p.gravity.y}`;
	if (p.fit === "pad") key.background = p.background.join(",");
	return key;
}
