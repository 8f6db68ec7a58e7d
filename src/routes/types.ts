import type { Config, Env } from "../lib/config";
import type { UploadHold } from "../memory";

/** Hono typing shared by the app and every sub-app. */
export type AppEnv = {
	Bindings: Env;
	/** `upload` is the request's hold on the upload pool, released when the request ends. */
	Variables: { requestId: string; config: Config; upload?: UploadHold };
};
