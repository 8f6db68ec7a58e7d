import { AppError } from "../lib/errors";

/** 500: a kernel trapped. The instance is discarded, so the next call starts
 * from a fresh one; the message says nothing about the input. */
export class KernelError extends AppError {
	constructor(filter: string) {
		super(500, "kernel_failed", `the ${filter} filter failed on this image; the kernel was reset`);
	}
}
