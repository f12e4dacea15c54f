import { describe, expect, it } from "vitest";
import { decodeKeyCursor, encodeKeyCursor, toPage } from "../../workers/lib/paging";

const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ createdAt: 100 - i, id: `id-${i}` }));

describe("toPage", () => {
  it("returns a cursor only when another page exists", () => {
    const full = toPage(rows(3), 2, (r) => r.id);
    expect(full.items).toEqual(["id-0", "id-1"]);
    expect(full.nextCursor).not.toBeNull();
    expect(JSON.parse(atob(full.nextCursor ?? ""))).toEqual([99, "id-1"]);
    expect(toPage(rows(2), 2, (r) => r.id).nextCursor).toBeNull();
    expect(toPage([], 2, (r: { createdAt: number; id: string }) => r.id)).toEqual({ items: [], nextCursor: null });
  });
});

describe("key cursors", () => {
  it("round-trip any text, and refuse cursors this API did not make", () => {
    expect(decodeKeyCursor(encodeKeyCursor("café ⏵ 90th", "id-1"))).toEqual(["café ⏵ 90th", "id-1"]);
    expect(() => decodeKeyCursor("nonsense")).toThrow("The cursor is not one this API returned.");
    expect(() => decodeKeyCursor(btoa(JSON.stringify([1, "x"])))).toThrow();
  });
});
