import { NotFoundError, UnprocessableError } from "../lib/errors";

/** One parameter of a filter: OpenCV's name, default and accepted range. */
export interface ParamSpec {
	name: string;
	default: number;
	min: number;
	max: number;
	/** The minimum itself is refused (OpenCV divides by it). */
	exclusiveMin?: boolean;
	integer?: boolean;
	step?: number;
	/** Other spellings accepted in query strings. */
	aliases?: readonly string[];
	description: string;
}

export interface FilterSpec {
	name: FilterName;
	/** The OpenCV call this filter reproduces. */
	opencv: string;
	description: string;
	params: readonly ParamSpec[];
}

export const FILTER_NAMES = [
	"sketch",
	"color_sketch",
	"watercolor",
	"oil",
	"edge_preserving",
	"detail_enhance",
] as const;
export type FilterName = (typeof FILTER_NAMES)[number];
export type FilterParams = Record<string, number>;

const sigmaS = (d: number): ParamSpec => ({
	name: "sigma_s",
	default: d,
	min: 0,
	max: 200,
	exclusiveMin: true,
	step: 1,
	description: "spatial extent of the smoothing, in pixels",
});
const sigmaR = (d: number): ParamSpec => ({
	name: "sigma_r",
	default: d,
	min: 0,
	max: 1,
	exclusiveMin: true,
	step: 0.01,
	description: "how different two colours must be to count as an edge",
});
const shade: ParamSpec = {
	name: "shade_factor",
	default: 0.02,
	min: 0,
	max: 0.1,
	step: 0.005,
	description: "brightness of the pencil strokes' background",
};

const SPECS: readonly FilterSpec[] = [
	{
		name: "sketch",
		opencv: "cv2.pencilSketch(img, sigma_s, sigma_r, shade_factor)[0]",
		description: "gray pencil sketch",
		params: [sigmaS(60), sigmaR(0.07), shade],
	},
	{
		name: "color_sketch",
		opencv: "cv2.pencilSketch(img, sigma_s, sigma_r, shade_factor)[1]",
		description: "colour pencil sketch",
		params: [sigmaS(60), sigmaR(0.07), shade],
	},
	{
		name: "watercolor",
		opencv: "cv2.stylization(img, sigma_s, sigma_r)",
		description: "flat watercolour-like regions with dark edges",
		params: [sigmaS(60), sigmaR(0.45)],
	},
	{
		name: "oil",
		opencv: "cv2.xphoto.oilPainting(img, size, dynRatio)",
		description: "oil painting: each pixel takes the mean colour of its window's most common luma",
		params: [
			{ name: "size", default: 7, min: 1, max: 64, integer: true, step: 1, description: "window half-size in pixels" },
			{
				name: "dynRatio",
				default: 1,
				min: 1,
				max: 127,
				integer: true,
				step: 1,
				aliases: ["dyn_ratio"],
				description: "luma quantisation step (coarser histogram)",
			},
		],
	},
	{
		name: "edge_preserving",
		opencv: "cv2.edgePreservingFilter(img, flags, sigma_s, sigma_r)",
		description: "edge-preserving smoothing (1 recursive, 2 normalized convolution)",
		params: [
			{
				name: "flags",
				default: 1,
				min: 1,
				max: 2,
				integer: true,
				step: 1,
				description: "1 RECURS_FILTER, 2 NORMCONV_FILTER",
			},
			sigmaS(60),
			sigmaR(0.4),
		],
	},
	{
		name: "detail_enhance",
		opencv: "cv2.detailEnhance(img, sigma_s, sigma_r)",
		description: "boosts fine detail of the lightness",
		params: [sigmaS(10), sigmaR(0.15)],
	},
];

/** The filter catalogue, in display order. */
export const FILTERS: readonly FilterSpec[] = SPECS;

export function isFilterName(name: string): name is FilterName {
	return (FILTER_NAMES as readonly string[]).includes(name);
}

/** The one place `unknown_filter` is raised: the route and the stages answer alike. */
export function toFilterName(name: string): FilterName {
	if (!isFilterName(name)) throw new NotFoundError("unknown_filter", `no such filter; try ${FILTER_NAMES.join(", ")}`);
	return name;
}

export function filterSpec(name: string): FilterSpec {
	const known = toFilterName(name);
	const spec = SPECS.find((s) => s.name === known);
	if (!spec) throw new Error(`filter ${known} has no spec`);
	return spec;
}

function rangeText(p: ParamSpec): string {
	const kind = p.integer ? "an integer" : "a number";
	return p.exclusiveMin ? `${kind} > ${p.min} and <= ${p.max}` : `${kind} from ${p.min} to ${p.max}`;
}

function checked(p: ParamSpec, value: number): number {
	const ok =
		Number.isFinite(value) &&
		(!p.integer || Number.isInteger(value)) &&
		(p.exclusiveMin ? value > p.min : value >= p.min) &&
		value <= p.max;
	if (!ok) {
		throw new UnprocessableError("invalid_parameter", `${p.name} must be ${rangeText(p)}`, {
			parameter: p.name,
			min: p.min,
			max: p.max,
		});
	}
	return value;
}

/**
 * A filter's full parameter set from query values: declared names (or their
 * aliases) are parsed and range-checked, missing ones take OpenCV's defaults,
 * anything else is left for the caller. Throws 404 for an unknown filter and
 * 422 for a bad value.
 */
export function parseFilterParams(name: string, query: Record<string, string | undefined>): FilterParams {
	const out: FilterParams = {};
	for (const p of filterSpec(name).params) {
		const key = [p.name, ...(p.aliases ?? [])].find((k) => query[k] !== undefined);
		const raw = key === undefined ? undefined : query[key]?.trim();
		out[p.name] = raw === undefined ? p.default : checked(p, raw === "" ? Number.NaN : Number(raw));
	}
	return out;
}

/** Same as parseFilterParams for numbers supplied by code. */
export function resolveFilterParams(name: string, given: Partial<FilterParams> = {}): FilterParams {
	const out: FilterParams = {};
	for (const p of filterSpec(name).params) {
		const v = given[p.name];
		out[p.name] = v === undefined ? p.default : checked(p, v);
	}
	return out;
}
