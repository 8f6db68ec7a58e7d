import type { CachedResult, EdgeTier } from "./result-cache";

/**
 * The Workers Cache API as a second tier, shared by the isolates of one data
 * centre. It only stores GET responses, so each key gets a synthetic GET URL
 * on a host that never resolves; nothing outside this module sees it.
 */
const ORIGIN = "https://results.inkstone.internal/";

export function edgeUrl(key: string): string {
	return `${ORIGIN}${key}`;
}

export function workersEdgeTier(): EdgeTier | null {
	const store = (globalThis as { caches?: { default?: Cache } }).caches?.default;
	if (!store) return null;
	return {
		async get(key) {
			const res = await store.match(edgeUrl(key));
			if (!res) return null;
			const headers: Record<string, string> = {};
			for (const [name, value] of res.headers) {
				if (name.startsWith("x-inkstone-")) headers[name.slice("x-inkstone-".length)] = value;
			}
			return {
				body: new Uint8Array(await res.arrayBuffer()),
				contentType: res.headers.get("content-type") ?? "application/octet-stream",
				headers,
			};
		},
		async put(key, value: CachedResult, ttlMs) {
			const headers = new Headers({
				"content-type": value.contentType,
				"cache-control": `public, max-age=${Math.max(1, Math.floor(ttlMs / 1000))}`,
			});
			for (const [name, v] of Object.entries(value.headers ?? {})) headers.set(`x-inkstone-${name}`, v);
			await store.put(edgeUrl(key), new Response(value.body, { headers }));
		},
	};
}
