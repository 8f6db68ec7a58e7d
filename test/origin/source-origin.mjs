/**
 * The image origin the URL-source tests fetch from. vitest.config.ts makes it
 * the test Worker's outbound service, so every fetch the Worker makes lands
 * here whatever its host: no test ever reaches the network. Tests put the
 * bytes they want served with PUT /__put/<path> and read how much of an
 * endless body was pulled from GET /__pulled/<id>.
 */
const stored = new Map();
const pulled = new Map();

const CHUNK = 65536;

function endless(id) {
	pulled.set(id, 0);
	const chunk = new Uint8Array(CHUNK).fill(0xab);
	return new ReadableStream(
		{
			pull(controller) {
				pulled.set(id, pulled.get(id) + CHUNK);
				controller.enqueue(chunk);
			},
		},
		{ highWaterMark: 0 },
	);
}

export default {
	async fetch(request) {
		const url = new URL(request.url);
		const key = `${url.host}${url.pathname}`;
		const path = url.pathname;
		if (path.startsWith("/__put/")) {
			const target = `${url.host}/${path.slice("/__put/".length)}`;
			stored.set(target, {
				body: new Uint8Array(await request.arrayBuffer()),
				type: request.headers.get("content-type") ?? "application/octet-stream",
			});
			return new Response(null, { status: 204 });
		}
		if (path.startsWith("/__pulled/")) return Response.json({ bytes: pulled.get(path.slice(10)) ?? null });
		if (path.startsWith("/status/")) return new Response("status page", { status: Number(path.slice(8)) });
		if (path === "/redirect") {
			return new Response(null, {
				status: Number(url.searchParams.get("status") ?? 302),
				headers: { location: url.searchParams.get("to") ?? "/" },
			});
		}
		if (path === "/loop") return new Response(null, { status: 302, headers: { location: "/loop" } });
		if (path.startsWith("/endless/")) return new Response(endless(path.slice(9)));
		if (path === "/stall") {
			// Headers at once, then a body that never arrives.
			return new Response(new ReadableStream({ pull: () => new Promise((r) => setTimeout(r, 60_000)) }));
		}
		if (path === "/silent") {
			await new Promise((r) => setTimeout(r, 60_000));
			return new Response("late");
		}
		if (path === "/echo-headers") return Response.json(Object.fromEntries(request.headers));
		const hit = stored.get(key);
		if (!hit) return new Response("no such file", { status: 404 });
		if (request.method === "HEAD") return new Response(null, { headers: { "content-type": hit.type } });
		return new Response(hit.body, { headers: { "content-type": hit.type } });
	},
};
