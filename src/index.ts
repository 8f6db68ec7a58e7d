import { createApp } from "./app";
import type { Env } from "./lib/config";

const app = createApp();

export default {
	fetch: (request, env, ctx) => app.fetch(request, env, ctx),
} satisfies ExportedHandler<Env>;
