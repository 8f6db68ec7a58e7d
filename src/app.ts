import { Hono } from "hono";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import { configFrom } from "./lib/config";
import { errorBody } from "./lib/envelope";
import { AppError, UnauthorizedError } from "./lib/errors";
import { requestFinished, requestStarted } from "./lib/stats";
import { healthRoutes, statusRoutes } from "./routes/health";
import { modelRoutes } from "./routes/models";
import { ocrRoutes } from "./routes/ocr";
import { pageRoutes } from "./routes/page";
import { probeRoutes } from "./routes/probe";
import { cacheRoutes, resultRoutes } from "./routes/results";
import { styleRoutes } from "./routes/style";
import type { AppEnv } from "./routes/types";

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Routes anyone may call even when an API key is configured. */
const OPEN_PATHS = new Set(["/", "/health"]);

function timingSafeEqual(a: string, b: string): boolean {
	const x = new TextEncoder().encode(a);
	const y = new TextEncoder().encode(b);
	let diff = x.length ^ y.length;
	for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
	return diff === 0;
}

export function createApp(): Hono<AppEnv> {
	const app = new Hono<AppEnv>();

	app.use("*", async (c, next) => {
		const given = c.req.header("x-request-id");
		const requestId = given && REQUEST_ID.test(given) ? given : crypto.randomUUID();
		c.set("requestId", requestId);
		const config = configFrom(c.env);
		c.set("config", config);
		requestStarted();
		try {
			await next();
		} finally {
			c.get("upload")?.release();
			c.header("X-Request-Id", requestId);
			requestFinished(c.res.status);
		}
	});

	app.use("*", (c, next) => {
		const origins = c.get("config").corsOrigins;
		return cors({
			origin: origins === "*" ? "*" : (origin) => (origins.includes(origin) ? origin : null),
			allowMethods: ["GET", "POST", "DELETE", "OPTIONS"],
			allowHeaders: ["Content-Type", "Authorization", "X-Request-Id", "If-None-Match"],
			exposeHeaders: ["X-Request-Id", "X-Cache", "ETag", "Server-Timing", "Retry-After"],
			maxAge: 86400,
		})(c, next);
	});

	app.use("*", async (c, next) => {
		const key = c.get("config").apiKey;
		if (key && c.req.method !== "OPTIONS" && !OPEN_PATHS.has(c.req.path)) {
			const auth = c.req.header("authorization") ?? "";
			const token = auth.startsWith("Bearer ") ? auth.slice(7).trim() : "";
			if (!timingSafeEqual(token, key)) throw new UnauthorizedError();
		}
		await next();
	});

	app.route("/", pageRoutes);
	app.route("/health", healthRoutes);
	app.route("/api/status", statusRoutes);
	app.route("/api/probe", probeRoutes);
	app.route("/api/ocr", ocrRoutes);
	app.route("/api", styleRoutes);
	app.route("/api/results", resultRoutes);
	app.route("/api/cache", cacheRoutes);
	app.route("/api/models", modelRoutes);

	// The path is not echoed: error messages never repeat what the request sent.
	app.notFound((c) =>
		c.json(errorBody("not_found", "no route matches this method and path", c.get("requestId") ?? ""), 404),
	);

	app.onError((err, c) => {
		const requestId = c.get("requestId") ?? crypto.randomUUID();
		if (err instanceof AppError) {
			if (err.status === 503 && "retryAfter" in err && typeof err.retryAfter === "number") {
				c.header("Retry-After", String(err.retryAfter));
			}
			if (err.status === 401) c.header("WWW-Authenticate", 'Bearer realm="inkstone"');
			return c.json(errorBody(err.code, err.message, requestId, err.details), err.status as 400);
		}
		if (err instanceof HTTPException && err.status < 500) {
			return c.json(errorBody("http_error", err.message || "bad request", requestId), err.status);
		}
		// Unexpected: log everything server-side, tell the client nothing internal.
		console.error(`[${requestId}] unhandled ${c.req.method} ${c.req.path}:`, err);
		return c.json(errorBody("internal_error", "an unexpected error occurred", requestId), 500);
	});

	return app;
}
