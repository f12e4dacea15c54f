import { describe, expect, it } from "vitest";
import {
  type LiveTurn,
  MAX_FILE_BYTES as SERVER_MAX_FILE_BYTES,
  MAX_MESSAGE_CHARS as SERVER_MAX_MESSAGE_CHARS,
} from "../../schemas/live";
import {
  answeredQuestions,
  fileRefusal,
  formatBytes,
  MAX_FILE_BYTES,
  MAX_MESSAGE_CHARS,
  mergeTurns,
  parseStoredChat,
  reconnectDelay,
  reviewable,
  serializeStoredChat,
  sessionKey,
  unacknowledged,
} from "../../web/widget/chat-state";

function turn(pid: string, time: string, overrides: Partial<LiveTurn> = {}): LiveTurn {
  return {
    pid,
    time,
    engagementPid: "e1",
    type: "MESSAGE",
    participantType: "CUSTOMER",
    content: pid,
    contentCustomer: pid,
    status: "SENT",
    ...overrides,
  };
}

describe("mergeTurns", () => {
  it("adds new turns in time order and never twice", () => {
    const a = turn("a", "2026-01-01T10:00:00.000Z");
    const b = turn("b", "2026-01-01T10:00:01.000Z");
    const c = turn("c", "2026-01-01T10:00:02.000Z");
    const merged = mergeTurns([a, c], [b, c, a]);
    expect(merged.map((t) => t.pid)).toEqual(["a", "b", "c"]);
  });

  it("lets the newer copy of a turn win", () => {
    const before = turn("a", "2026-01-01T10:00:00.000Z");
    const after = { ...before, review: "UP" as const };
    expect(mergeTurns([before], [after])).toEqual([after]);
  });

  it("keeps arrival order for turns of the same time", () => {
    const t = "2026-01-01T10:00:00.000Z";
    expect(mergeTurns([turn("z", t)], [turn("y", t), turn("x", t)]).map((x) => x.pid)).toEqual(["z", "y", "x"]);
  });

  it("takes a state's turns as they are when nothing was known", () => {
    const state = [turn("a", "2026-01-01T10:00:00.000Z"), turn("b", "2026-01-01T10:00:01.000Z")];
    expect(mergeTurns([], state)).toEqual(state);
  });
});

describe("unacknowledged", () => {
  it("keeps only the messages no stored turn carries the clientId of", () => {
    const pending = [
      { clientId: "c1", content: "one" },
      { clientId: "c2", content: "two" },
    ];
    const turns = [turn("a", "2026-01-01T10:00:00.000Z", { clientId: "c1" }), turn("b", "2026-01-01T10:00:01.000Z")];
    expect(unacknowledged(pending, turns)).toEqual([{ clientId: "c2", content: "two" }]);
    expect(unacknowledged(pending, [])).toEqual(pending);
  });
});

describe("reconnectDelay", () => {
  it("doubles from 500 ms and stops growing at 30 s", () => {
    const top = () => 1;
    expect([0, 1, 2, 3, 6, 20, 1000].map((n) => reconnectDelay(n, top))).toEqual([
      500, 1000, 2000, 4000, 30_000, 30_000, 30_000,
    ]);
  });

  it("spreads reconnects over the upper half of the window", () => {
    expect(reconnectDelay(3, () => 0)).toBe(2000);
    expect(reconnectDelay(3, () => 0.5)).toBe(3000);
  });
});

describe("the stored chat", () => {
  it("is keyed by account and brand", () => {
    expect(sessionKey("acc", "brand")).not.toBe(sessionKey("acc", "other"));
    expect(sessionKey("acc", "brand")).not.toBe(sessionKey("other", "brand"));
  });

  it("round-trips, keeping only well-formed pending messages", () => {
    const raw = JSON.stringify({
      conversationPid: "p",
      customerToken: "t",
      pending: [{ clientId: "c", content: "hi" }, { clientId: 3 }, null],
      lastUrl: "https://shop.example.com/",
    });
    const chat = parseStoredChat(raw);
    expect(chat).toEqual({
      session: { conversationPid: "p", customerToken: "t", lastUrl: "https://shop.example.com/" },
      pending: [{ clientId: "c", content: "hi" }],
    });
    expect(parseStoredChat(serializeStoredChat(chat))).toEqual(chat);
  });

  it("keeps messages written before the conversation started", () => {
    const chat = { session: null, pending: [{ clientId: "c", content: "first" }] };
    expect(parseStoredChat(serializeStoredChat(chat))).toEqual(chat);
  });

  it("is nothing when there is nothing to keep", () => {
    expect(serializeStoredChat({ session: null, pending: [] })).toBeNull();
  });

  it("is empty when missing, broken or not the widget's", () => {
    const empty = { session: null, pending: [] };
    expect(parseStoredChat(null)).toEqual(empty);
    expect(parseStoredChat("{not json")).toEqual(empty);
    expect(parseStoredChat(JSON.stringify({ conversationPid: "p" }))).toEqual(empty);
    expect(parseStoredChat("42")).toEqual(empty);
    expect(parseStoredChat(JSON.stringify({ conversationPid: "p", customerToken: "t" }))).toEqual({
      session: { conversationPid: "p", customerToken: "t" },
      pending: [],
    });
  });
});

describe("answeredQuestions", () => {
  const options = [
    { id: "yes", label: "Yes" },
    { id: "no", label: "No" },
  ];

  it("marks a question answered by the customer's next answer, with the option it names", () => {
    const turns = [
      turn("q1", "2026-01-01T10:00:00.000Z", { participantType: "BOT", options }),
      turn("m", "2026-01-01T10:00:01.000Z"),
      turn("a1", "2026-01-01T10:00:02.000Z", { type: "ANSWER", content: "No" }),
      turn("q2", "2026-01-01T10:00:03.000Z", { participantType: "BOT", options }),
    ];
    const answered = answeredQuestions(turns);
    expect(answered.get("q1")).toBe("no");
    expect(answered.has("q2")).toBe(false);
  });

  it("does not carry an answer back to a question asked before the last one", () => {
    const turns = [
      turn("q1", "2026-01-01T10:00:00.000Z", { participantType: "BOT", options }),
      turn("q2", "2026-01-01T10:00:01.000Z", { participantType: "BOT", options }),
      turn("a", "2026-01-01T10:00:02.000Z", { type: "ANSWER", content: "Yes" }),
    ];
    const answered = answeredQuestions(turns);
    expect(answered.has("q1")).toBe(false);
    expect(answered.get("q2")).toBe("yes");
  });
});

describe("reviewable", () => {
  it("is true for messages of bots and agents, not the customer's or events", () => {
    const t = "2026-01-01T10:00:00.000Z";
    expect(reviewable(turn("a", t, { participantType: "BOT" }))).toBe(true);
    expect(reviewable(turn("b", t, { participantType: "AGENT" }))).toBe(true);
    expect(reviewable(turn("c", t, { participantType: "EXTERNAL_AGENT" }))).toBe(true);
    expect(reviewable(turn("d", t))).toBe(false);
    expect(reviewable(turn("e", t, { participantType: "AGENT", type: "EVENT" }))).toBe(false);
  });
});

describe("attachments", () => {
  const max = 10 * 1024 * 1024;

  it("are refused before upload when larger than the limit, saying both sizes", () => {
    expect(fileRefusal({ name: "scan.pdf", size: 11 * 1024 * 1024 }, max)).toBe(
      "“scan.pdf” is 11 MB; files up to 10 MB can be sent.",
    );
    expect(fileRefusal({ name: "empty.txt", size: 0 }, max)).toBe("“empty.txt” is empty.");
    expect(fileRefusal({ name: "ok.png", size: max }, max)).toBeNull();
  });

  it("sizes read as people write them", () => {
    expect(formatBytes(980)).toBe("980 B");
    expect(formatBytes(12_700)).toBe("12.4 KB");
    expect(formatBytes(10.5 * 1024 * 1024)).toBe("10.5 MB");
  });
});

describe("the widget's copies of the server's limits", () => {
  it("equal the server's", () => {
    expect(MAX_MESSAGE_CHARS).toBe(SERVER_MAX_MESSAGE_CHARS);
    expect(MAX_FILE_BYTES).toBe(SERVER_MAX_FILE_BYTES);
  });
});
