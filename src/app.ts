import { Hono } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import { configFrom } from "./lib/config";
import { errorBody } from "./lib/envelope";
import { AppError, UnauthorizedError } from "./lib/errors";
import { requestFinished, requestStarted } from "./lib/stats";
import { cacheRoutes } from "./routes/cache";
import { filterRoutes } from "./routes/filters";
import { healthRoutes } from "./routes/health";
import { modelRoutes } from "./routes/models";
import { ocrRoutes } from "./routes/ocr";
import { pageRoutes } from "./routes/page";
import { probeRoutes } from "./routes/probe";
import { resultRoutes } from "./routes/results";
import { statusRoutes } from "./routes/status";
import { styleRoutes } from "./routes/style";
import { stylesRoutes } from "./routes/styles";
import type { AppEnv } from "./routes/types";

/** Routes anyone may call even when an API key is configured. */
const OPEN_PATHS = new Set(["/", "/health"]);

/** bearerAuth's failures become our named error, so onError answers them like every other. */
const refuse = (message: string) => (): never => {
	throw new UnauthorizedError(message);
};

export function createApp(): Hono<AppEnv> {
	const app = new Hono<AppEnv>();

	app.use("*", requestId({ limitLength: 128 }));
	app.use("*", async (c, next) => {
		c.set("config", configFrom(c.env));
		requestStarted();
		try {
			await next();
		} finally {
			c.get("upload")?.release();
			// requestId() sets the header before the handler runs, which reaches only responses built
			// through the context; cached results and 304s are built whole, so stamp the final one too.
			c.header("X-Request-Id", c.get("requestId"));
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

	app.use("*", (c, next) => {
		const { apiKey: token, signingKey } = c.get("config");
		// A signed URL is its own credential (an <img> cannot send a bearer token); the route checks its signature.
		const signed = Boolean(signingKey) && c.req.method === "GET" && c.req.path.startsWith("/api/style/");
		if (!token || c.req.method === "OPTIONS" || OPEN_PATHS.has(c.req.path) || signed) return next();
		// bearerAuth compares in constant time (both sides hashed first, so lengths do not leak either).
		return bearerAuth<AppEnv>({
			token,
			noAuthenticationHeader: { message: refuse("this server needs an API key: Authorization: Bearer <key>") },
			invalidAuthenticationHeader: { message: refuse("the Authorization header must be Bearer <key>") },
			invalidToken: { message: refuse("the API key is not valid") },
		})(c, next);
	});

	app.route("/", pageRoutes);
	app.route("/health", healthRoutes);
	app.route("/api/status", statusRoutes);
	app.route("/api/probe", probeRoutes);
	app.route("/api/ocr", ocrRoutes);
	app.route("/api/filters", filterRoutes);
	app.route("/api/style", styleRoutes);
	app.route("/api/styles", stylesRoutes);
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
