// Host functions the decoder kernels import. AssemblyScript takes the import
// module name of a bare `declare` from its file, so this file is named env:
// the imports are env.NAME without a decorator (which Biome cannot parse).

/** Copies up to `capacity` more input bytes to ptr; returns how many, 0 at the end. */
export declare function refill(ptr: usize, capacity: i32): i32;

/** Takes one finished RGBA output row of the area resampler (_area.ts), row y of the output. */
export declare function emitRow(ptr: usize, y: i32): void;

/** Moves the input: the next refill copies from the file's byte `offset` (a decode in passes). */
export declare function seek(offset: i32): void;

/** Takes `len` finished bytes of the JPEG encoder's output at ptr (assembly/jpegenc.ts). */
export declare function emitBytes(ptr: usize, len: i32): void;
