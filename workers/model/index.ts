export {
  CHANNEL_TYPES,
  columnOf,
  DATASETS,
  dataset,
  ENGAGEMENT_TYPES,
  ENTITIES,
  OUTCOME_TYPES,
  PARTICIPANTS,
} from "./catalog";
export type * from "./types";
export { LIMITS } from "./types";
