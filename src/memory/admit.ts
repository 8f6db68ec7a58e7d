import {
	checkDimensions,
	checkWholeFrame,
	type DecodePlan,
	type DimensionLimits,
	type ImageInfo,
	probeImage,
} from "../codecs";
import type { Admission, Operation, Ticket } from "./admission";

/** What a request will decode and the bytes it must reserve for all of its work. */
export interface Reservation {
	plan: DecodePlan;
	bytes: number;
}

export interface AdmittedImage {
	info: ImageInfo;
	plan: DecodePlan;
	ticket: Ticket;
}

/**
 * The one way an image request gets memory, for every route: the header is
 * probed and checked against the dimension limits, the route's reservation
 * plans the decode and prices the work from that header alone, a decode that
 * must hold the whole frame is checked against the budget, and only then
 * does the request wait for its ticket. Nothing of the image is decoded
 * before the ticket is granted.
 */
export async function admitImage(
	gate: Admission,
	operation: Operation,
	bytes: Uint8Array,
	limits: DimensionLimits,
	reserve: (info: ImageInfo) => Reservation,
): Promise<AdmittedImage> {
	const info = probeImage(bytes);
	checkDimensions(info, limits);
	const { plan, bytes: need } = reserve(info);
	checkWholeFrame(plan, gate.budgetBytes);
	const ticket = await gate.acquire(operation, need);
	return { info, plan, ticket };
}
