/**
 * Named errors thrown by stages. Each carries the HTTP status and a stable,
 * machine-readable code; the single onError handler turns them into the
 * JSON envelope. Messages must be safe to show a client: never echo request
 * bytes or internal paths into them.
 */
export class AppError extends Error {
	readonly status: number;
	readonly code: string;
	readonly details?: Record<string, unknown>;
	constructor(status: number, code: string, message: string, details?: Record<string, unknown>) {
		super(message);
		this.name = new.target.name;
		this.status = status;
		this.code = code;
		if (details) this.details = details;
	}
}

/** 400: the request is malformed (bad base64, missing field, bad JSON). */
export class BadRequestError extends AppError {
	constructor(code: string, message: string, details?: Record<string, unknown>) {
		super(400, code, message, details);
	}
}

/** 401: an API key is configured and the request did not present it. */
export class UnauthorizedError extends AppError {
	constructor(message = "a valid API key is required") {
		super(401, "unauthorized", message);
	}
}

/** 403: the request is understood and refused (a feature turned off, an origin not allowed, a bad signature). */
export class ForbiddenError extends AppError {
	constructor(code: string, message: string, details?: Record<string, unknown>) {
		super(403, code, message, details);
	}
}

/** 404: no such route or resource. */
export class NotFoundError extends AppError {
	constructor(code: string, message: string) {
		super(404, code, message);
	}
}

/** 409: the resource is busy in a way that retrying later resolves. */
export class ConflictError extends AppError {
	constructor(code: string, message: string) {
		super(409, code, message);
	}
}

/** 413: the body or the image it holds is larger than the configured caps. */
export class TooLargeError extends AppError {
	constructor(code: string, message: string, details?: Record<string, unknown>) {
		super(413, code, message, details);
	}
}

/** 415: the bytes are not an image format we read. */
export class UnsupportedMediaError extends AppError {
	constructor(code: string, message: string, details?: Record<string, unknown>) {
		super(415, code, message, details);
	}
}

/** 422: well-formed but unusable: corrupt image data, parameters out of range. */
export class UnprocessableError extends AppError {
	constructor(code: string, message: string, details?: Record<string, unknown>) {
		super(422, code, message, details);
	}
}

/** 502: an upstream this request depends on (a source image's origin) failed or answered unusably. */
export class BadGatewayError extends AppError {
	constructor(code: string, message: string, details?: Record<string, unknown>) {
		super(502, code, message, details);
	}
}

/** 503: temporarily unable (overloaded, model missing); Retry-After when known. */
export class UnavailableError extends AppError {
	readonly retryAfter?: number;
	constructor(code: string, message: string, retryAfter?: number) {
		super(503, code, message);
		if (retryAfter !== undefined) this.retryAfter = retryAfter;
	}
}
