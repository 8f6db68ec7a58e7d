/** Per-isolate counters for /api/status. Module state lives as long as the isolate. */
const startedAt = Date.now();
let served = 0;
let inFlight = 0;
let failed = 0;

export function requestStarted(): void {
	inFlight++;
}

export function requestFinished(status: number): void {
	inFlight--;
	served++;
	if (status >= 500) failed++;
}

export function requestStats() {
	return {
		started_at: new Date(startedAt).toISOString(),
		uptime_s: Math.round((Date.now() - startedAt) / 1000),
		requests_served: served,
		requests_in_flight: inFlight,
		server_errors: failed,
	};
}
