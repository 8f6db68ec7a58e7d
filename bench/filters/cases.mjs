// The filter cases the full-size benches run (label, route name, query), and
// the pick of them named on the command line after the frame size.
export const CASES = [
	["sketch", "sketch", ""],
	["color_sketch", "color_sketch", ""],
	["watercolor", "watercolor", ""],
	["oil", "oil", ""],
	["edge_preserving_rf", "edge_preserving", "flags=1"],
	["edge_preserving_nc", "edge_preserving", "flags=2"],
	["detail_enhance", "detail_enhance", ""],
];

/** The cases `args` names after its first two entries (width, height); all when it names none. */
export const casesOf = (args) => CASES.filter(([label]) => args.length <= 2 || args.slice(2).includes(label));
