// Reads the Worker isolate's V8 heap through wrangler dev's DevTools proxy, so a soak
// can tell JavaScript heap from the rest of the process's RSS.
//
// wrangler's proxy accepts a connection only with a DevTools Origin header; workerd
// answers Runtime.getHeapUsage but not HeapProfiler.collectGarbage, so the figures
// include garbage not yet collected (totalSize is what V8 has reserved for it).

const DEVTOOLS_ORIGIN = "https://devtools.devprod.cloudflare.dev";

/** Node 20 has WebSocket only behind a flag: rerun the script with it. Returns true if it did. */
export async function ensureWebSocket() {
	if (typeof WebSocket !== "undefined") return false;
	const { spawnSync } = await import("node:child_process");
	const run = spawnSync(process.execPath, ["--experimental-websocket", ...process.argv.slice(1)], {
		stdio: "inherit",
	});
	process.exitCode = run.status ?? 1;
	return true;
}

export async function connectInspector(port) {
	const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: { origin: DEVTOOLS_ORIGIN } });
	await new Promise((resolve, reject) => {
		ws.onopen = resolve;
		ws.onerror = () => reject(new Error(`no DevTools connection on port ${port}`));
	});
	let nextId = 0;
	const pending = new Map();
	ws.onmessage = (event) => {
		const message = JSON.parse(event.data);
		pending.get(message.id)?.(message);
		pending.delete(message.id);
	};
	const send = (method) =>
		new Promise((resolve, reject) => {
			const id = ++nextId;
			const timer = setTimeout(() => {
				pending.delete(id);
				reject(new Error(`${method} got no answer`));
			}, 10_000);
			pending.set(id, (message) => {
				clearTimeout(timer);
				if (message.error) reject(new Error(`${method}: ${message.error.message}`));
				else resolve(message.result);
			});
			ws.send(JSON.stringify({ id, method }));
		});
	return {
		/** V8 heap of the Worker's isolate in bytes: used, reserved, and ArrayBuffer backing stores. */
		async heapUsage() {
			const r = await send("Runtime.getHeapUsage");
			return { used: r.usedSize, total: r.totalSize, backing: r.backingStorageSize ?? 0 };
		},
		close: () => ws.close(),
	};
}
