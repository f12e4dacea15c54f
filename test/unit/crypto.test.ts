import { describe, expect, it } from "vitest";
import { hashPassword, hmac, sha256Hex, timingSafeEqual, verifyPassword } from "../../workers/lib/crypto";
import { isUuid, newPid, sourcePid } from "../../workers/lib/ids";

describe("passwords", () => {
  it("verifies the right password and refuses others", async () => {
    const stored = await hashPassword("correct horse battery staple");
    expect(stored).toMatch(/^pbkdf2-sha256\$100000\$[0-9a-f]{32}\$[0-9a-f]{64}$/);
    expect(await verifyPassword("correct horse battery staple", stored)).toBe(true);
    expect(await verifyPassword("correct horse battery stapl", stored)).toBe(false);
  });

  it("salts every hash", async () => {
    expect(await hashPassword("same")).not.toBe(await hashPassword("same"));
  });

  it("refuses a malformed stored hash instead of throwing", async () => {
    expect(await verifyPassword("x", "plain-text")).toBe(false);
  });
});

describe("timingSafeEqual", () => {
  it("compares by value whatever the lengths", async () => {
    expect(await timingSafeEqual("abc", "abc")).toBe(true);
    expect(await timingSafeEqual("abc", "abd")).toBe(false);
    expect(await timingSafeEqual("abc", "abcd")).toBe(false);
    expect(await timingSafeEqual("", "")).toBe(true);
  });
});

describe("hmac and sha256Hex", () => {
  it("matches the RFC 4231 test case 2 and the SHA-256 of 'abc'", async () => {
    const mac = await hmac("Jefe", "what do ya want for nothing?");
    expect(Buffer.from(mac, "base64url").toString("hex")).toBe(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
    expect(await sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});

describe("PIDs", () => {
  const account = "521e9511-f468-452c-8b91-dab82333dcf6";
  const source = "56f44067-74dc-4bde-9b97-72e5a79c1436";

  it("derive the same UUIDv5 for the same item every time", () => {
    const pid = sourcePid(account, source, "engagement", "E-1");
    expect(pid).toBe(sourcePid(account, source, "engagement", "E-1"));
    expect(pid[14]).toBe("5");
    expect(isUuid(pid)).toBe(true);
  });

  it("differ when any part differs, with no ambiguity between parts", () => {
    const pids = new Set([
      sourcePid(account, source, "engagement", "E-1"),
      sourcePid(account, source, "engagement", "E-2"),
      sourcePid(account, source, "agent", "E-1"),
      sourcePid(account, "00000000-0000-4000-8000-000000000000", "engagement", "E-1"),
      sourcePid("00000000-0000-4000-8000-000000000000", source, "engagement", "E-1"),
      sourcePid(account, source, "engagement:x", "y"),
      sourcePid(account, source, "engagement", "x:y"),
    ]);
    expect(pids.size).toBe(7);
  });

  it("are random v4 for items born in Brine", () => {
    const pid = newPid();
    expect(pid[14]).toBe("4");
    expect(pid).not.toBe(newPid());
  });
});
