import { inflateNative, zlibHandle } from "./inflate-native";
import { inflateStream } from "./inflate-stream";

export { InflateFailure } from "./slices";

/**
 * Streams the IDAT payloads through zlib, handing each inflated chunk to
 * `consume` until it reports the image complete; resolves to whether it did
 * (false: the stream ended first). node:zlib's binding where the runtime has
 * it (bounded: one window of output held), else DecompressionStream
 * (inflateStream). `eager` and `careful` are the retry's, as there.
 */
export function inflate(...job: Parameters<typeof inflateStream>): Promise<boolean> {
	const z = zlibHandle();
	if (z === null) return inflateStream(...job);
	const [idat, , consume, , careful] = job;
	return inflateNative(z, idat, consume, careful);
}
