import { effect, type ReadonlySignal } from "@preact/signals";

/**
 * Calls `tick` every `ms` milliseconds while `active` is true, waiting for each tick to end
 * before timing the next, and stops when it turns false or the model is disposed. Call it
 * inside a `createModel` factory.
 */
export function pollWhile(active: ReadonlySignal<boolean>, ms: number, tick: () => Promise<void>): void {
  effect(() => {
    if (!active.value) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const next = () => {
      timer = setTimeout(async () => {
        try {
          await tick();
        } finally {
          if (!stopped) next();
        }
      }, ms);
    };
    next();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  });
}
