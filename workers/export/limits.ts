/** Limits of the Export API. Seed 004 intends it for daily batch use and reserves the right to limit it. */
export const EXPORT_LIMITS = {
  windowSeconds: 60 * 60,
  /** Exports an account may start per window. */
  startsPerWindow: 60,
  /** Exports of one account processing at the same time. */
  running: 5,
  /** How long a download link works (seed 004: one hour). */
  linkSeconds: 60 * 60,
  /** What the seed's history route returns. */
  history: 100,
} as const;
