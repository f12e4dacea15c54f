import { createContext } from "preact";
import type { JourneyView } from "./journey-model";

/** The journey on the page, for panes that look up its engagements, turns and reviews. */
export const JourneyContext = createContext<JourneyView | null>(null);
