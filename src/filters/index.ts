// The TypeScript face of the NPR kernels: the only code that touches their
// wasm memory. Pure stage code: pixels in, pixels out, named errors.

export { applyFilter, filterWorkingSetBytes, trapKernelForTest } from "./apply";
export { KernelError } from "./errors";
export { dropKernel as releaseKernel, KERNEL_VERSION, kernelMemoryBytes, kernelPeakBytes } from "./kernels";
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
