import type { JourneyTargetKind } from "../../../schemas/journey";

/** The journey page at a customer, conversation, engagement or turn (ids are PIDs). */
export function journeyHref(kind: JourneyTargetKind, id: string): string {
  return `/journey/${kind}/${encodeURIComponent(id)}`;
}
