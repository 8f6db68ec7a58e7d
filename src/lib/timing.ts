/**
 * Runs one stage and adds its time to `stages[name]`, so a stage run several
 * times (a strip pipeline's reads, one filter per style) sums its calls. The
 * time counts when the stage fails too.
 */
export async function timed<T>(stages: Record<string, number>, name: string, run: () => T | Promise<T>): Promise<T> {
	const t = performance.now();
	try {
		return await run();
	} finally {
		stages[name] = (stages[name] ?? 0) + performance.now() - t;
	}
}
