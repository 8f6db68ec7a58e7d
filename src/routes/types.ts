import type { Env, Limits } from "../lib/config";

/** Hono typing shared by the app and every sub-app. */
export type AppEnv = {
	Bindings: Env;
	Variables: { requestId: string; limits: Limits };
};
