// The Ingest API's limits, in one place for the pipeline, the upload route and the docs.

/** Limits of the Ingest API (seed 000 "Limits"). */
export const INGEST_LIMITS = {
  maxBatchBytes: 1_000_000_000,
  windowSeconds: 15 * 60,
  batchesPerWindow: 1_000,
  bytesPerWindow: 10_000_000_000,
  /** How long an upload link stays valid. */
  linkSeconds: 60 * 60,
} as const;

/** ZIP safety caps. Inflated bytes are counted as they come out, never read from headers. */
export const ZIP_LIMITS = {
  maxEntries: 1_000,
  maxInflatedBytes: 16 * 1024 ** 3,
  /** Inflated ÷ compressed bytes above which the archive is treated as a bomb … */
  maxRatio: 200,
  /** … once at least this much has been inflated (small files compress very well). */
  ratioGraceBytes: 1024 ** 2,
} as const;
