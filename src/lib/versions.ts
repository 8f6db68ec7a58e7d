import pkg from "../../package.json";

/** Versions reported by /health, read from package.json so they cannot drift. */
export const VERSIONS: Record<string, string> = {
	inkstone: pkg.version,
	...Object.fromEntries(
		["hono", "onnxruntime-web", "@jsquash/webp"].map((name) => [
			name,
			(pkg.dependencies as Record<string, string>)[name] ?? "unknown",
		]),
	),
};
