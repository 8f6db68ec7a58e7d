/** The one JSON shape every JSON response has. */
export interface Envelope<T> {
	success: boolean;
	data: T | null;
	error: { code: string; message: string; details?: Record<string, unknown> } | null;
	request_id: string;
	timestamp: string;
}

export function successBody<T>(data: T, requestId: string): Envelope<T> {
	return { success: true, data, error: null, request_id: requestId, timestamp: new Date().toISOString() };
}

export function errorBody(
	code: string,
	message: string,
	requestId: string,
	details?: Record<string, unknown>,
): Envelope<never> {
	const error = details ? { code, message, details } : { code, message };
	return { success: false, data: null, error, request_id: requestId, timestamp: new Date().toISOString() };
}
