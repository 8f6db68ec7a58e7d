// The TypeScript face of the NPR kernels: the only code that touches their
// wasm memory. Pure stage code: pixels in, pixels out, named errors.

export { applyFilter, filterWorkingSetBytes, trapKernelForTest } from "./apply";
export { KernelError } from "./errors";
export {
	haloRows,
	MIN_BAND,
	nearHaloRows,
	RF_HALO_SIGMAS,
	STRIP_BUDGET_BYTES,
	type StripGeometry,
	stripGeometry,
	stripWorkingSetBytes,
} from "./geometry";
export { dropKernel as releaseKernel, KERNEL_VERSION, kernelMemoryBytes, kernelPeakBytes } from "./kernels";
export { KERNEL_STATIC_BYTES, kernelMemoryFor, layoutBytes } from "./layout";
export {
	FILTER_NAMES,
	FILTERS,
	type FilterName,
	type FilterParams,
	type FilterSpec,
	filterSpec,
	isFilterName,
	type ParamSpec,
	parseFilterParams,
	resolveFilterParams,
	toFilterName,
} from "./params";
export { filterStrips, pixelRows, pixelsSink, READ_ROWS, type StripOptions, type StripRun } from "./strips";
