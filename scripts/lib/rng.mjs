// A seeded random number generator for the demo data and the benchmarks, so every run makes
// the same rows.

/** xorshift32 with the helpers the generators use. */
export function rng(seed) {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4_294_967_296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
    /** Roughly log-normal positive values around `median`. */
    around: (median, spread = 0.5) => median * Math.exp((next() + next() + next() - 1.5) * spread * 1.6),
    /** One of `[…, weight]` rows, in proportion to the last element. */
    weighted: (rows) => {
      let w = next() * rows.reduce((s, row) => s + row.at(-1), 0);
      for (const row of rows) {
        w -= row.at(-1);
        if (w <= 0) return row;
      }
      return rows.at(-1);
    },
  };
}
