import { describe, expect, it } from "vitest";
import type { Participant } from "../../schemas/journey";
import {
  buildTimeline,
  interleave,
  participantKey,
  responseTimes,
  type TimelineEngagement,
  type TimelineTurnInput,
} from "../../workers/journey/timeline";

const engagement = (id: string, startTime: number | null, agentPid: string | null = null): TimelineEngagement => ({
  id,
  startTime,
  agentPid,
});

let seq = 0;
const turn = (
  engagementId: string,
  time: number | null,
  participant: Participant,
  participantPid: string | null = null,
  externalId: string | null = null,
): TimelineTurnInput => ({
  id: `turn-${++seq}`,
  engagementId,
  time,
  participant,
  participantPid,
  externalId: externalId ?? `T${String(seq).padStart(4, "0")}`,
});

const labels = (entries: ReturnType<typeof buildTimeline>) =>
  entries.map((e) =>
    e.kind === "engagement" ? `E:${e.engagementId}` : e.kind === "overlap" ? `O:${e.conversationId}` : e.turn.id,
  );

describe("interleave", () => {
  it("orders turns of several engagements by time, each engagement's start before what is said in it", () => {
    const a1 = turn("a", 10, "CUSTOMER");
    const a2 = turn("a", 40, "AGENT", "ann");
    const b1 = turn("b", 30, "AGENT", "bob");
    const b2 = turn("b", 50, "AGENT", "bob");
    const ordered = interleave(0, [engagement("a", 0), engagement("b", 30)], [a2, b2, a1, b1]);
    expect(ordered.map((i) => (i.kind === "engagement" ? `E:${i.engagementId}` : i.turn?.id))).toEqual([
      "E:a",
      a1.id,
      "E:b",
      b1.id,
      a2.id,
      b2.id,
    ]);
  });

  it("puts a notice of another conversation at the time it started, after an engagement starting then", () => {
    const t = turn("a", 100, "CUSTOMER");
    const ordered = interleave(
      0,
      [engagement("a", 0), engagement("b", 100)],
      [t],
      [{ conversationId: "c2", startTime: 100 }],
    );
    expect(ordered.map((i) => i.kind)).toEqual(["engagement", "engagement", "overlap", "turn"]);
  });

  it("orders turns of the same second by their source ids, numbers compared as numbers", () => {
    const t10 = turn("a", 5, "CUSTOMER", null, "T-10");
    const t9 = turn("a", 5, "CUSTOMER", null, "T-9");
    const ordered = interleave(0, [engagement("a", 0)], [t10, t9]);
    expect(ordered.slice(1).map((i) => i.turn?.externalId)).toEqual(["T-9", "T-10"]);
  });

  it("places turns without a time at their engagement's start, and engagements without one at the conversation's", () => {
    const late = turn("b", null, "AGENT", "bob");
    const early = turn("a", 20, "CUSTOMER");
    const ordered = interleave(5, [engagement("a", null), engagement("b", 10)], [early, late]);
    expect(ordered.map((i) => (i.kind === "engagement" ? `E:${i.engagementId}` : i.turn?.id))).toEqual([
      "E:a",
      "E:b",
      late.id,
      early.id,
    ]);
  });
});

describe("responseTimes", () => {
  const agentOf = () => null;

  it("measures from the latest turn of anyone else, not from the participant's own", () => {
    const turns = [
      turn("a", 0, "CUSTOMER"),
      turn("a", 20, "CUSTOMER"),
      turn("a", 50, "AGENT", "ann"),
      turn("a", 55, "AGENT", "ann"),
      turn("a", 90, "CUSTOMER"),
    ];
    expect(responseTimes(turns, agentOf)).toEqual([null, null, 30, 35, 35]);
  });

  it("tells agents apart, and leaves system turns out on both sides", () => {
    const turns = [
      turn("a", 0, "AGENT", "ann"),
      turn("a", 10, "SYSTEM"),
      turn("a", 25, "AGENT", "bob"),
      turn("a", 30, "BOT", "bot"),
      turn("a", 40, "AGENT", "ann"),
      turn("a", null, "CUSTOMER"),
    ];
    expect(responseTimes(turns, agentOf)).toEqual([null, null, 25, 5, 10, null]);
  });
});

describe("participantKey", () => {
  it("is one customer, one system, and each agent by PID (the engagement's agent when the turn has none)", () => {
    expect(participantKey(turn("a", 0, "CUSTOMER", "x"), "ann")).toBe("CUSTOMER");
    expect(participantKey(turn("a", 0, "AGENT"), "ann")).toBe("AGENT:ann");
    expect(participantKey(turn("a", 0, "AGENT", "bob"), "ann")).toBe("AGENT:bob");
    expect(participantKey(turn("a", 0, "BOT", "bob"), "ann")).toBe("BOT:bob");
  });
});

describe("buildTimeline", () => {
  it("groups turns of one participant in one engagement up to 60 s apart, chained, and breaks at 61 s", () => {
    const turns = [
      turn("a", 0, "CUSTOMER"),
      turn("a", 60, "CUSTOMER"), // exactly a minute: grouped
      turn("a", 100, "CUSTOMER"), // 40 s after the previous one: grouped
      turn("a", 161, "CUSTOMER"), // 61 s: a new group
      turn("a", 170, "AGENT", "ann"),
    ];
    const timeline = buildTimeline(0, [engagement("a", 0)], turns);
    expect(timeline.flatMap((e) => (e.kind === "turn" ? [e.grouped] : []))).toEqual([false, true, true, false, false]);
  });

  it("starts a new group after an engagement starts or a notice, in another engagement, or for another agent", () => {
    const turns = [
      turn("a", 0, "AGENT", "ann"),
      turn("b", 10, "AGENT", "ann"), // same person, other engagement
      turn("b", 20, "AGENT", "bob"), // other agent
      turn("b", 40, "AGENT", "bob"), // grouped, but the notice at 30 is in between
    ];
    const timeline = buildTimeline(0, [engagement("a", 0), engagement("b", 5)], turns, [
      { conversationId: "c9", startTime: 30 },
    ]);
    expect(labels(timeline)).toEqual(["E:a", turns[0]?.id, "E:b", turns[1]?.id, turns[2]?.id, "O:c9", turns[3]?.id]);
    expect(timeline.flatMap((e) => (e.kind === "turn" ? [e.grouped] : []))).toEqual([false, false, false, false]);
  });

  it("carries each turn's response time in timeline order, across engagements", () => {
    const turns = [turn("b", 70, "AGENT", "bob"), turn("a", 10, "CUSTOMER"), turn("a", 30, "AGENT", "ann")];
    const timeline = buildTimeline(0, [engagement("a", 0), engagement("b", 60)], turns);
    expect(timeline.flatMap((e) => (e.kind === "turn" ? [[e.turn.id, e.responseSeconds]] : []))).toEqual([
      [turns[1]?.id, null],
      [turns[2]?.id, 20],
      [turns[0]?.id, 40],
    ]);
  });

  it("uses the engagement's agent for agent turns that name no participant", () => {
    const turns = [turn("a", 0, "AGENT"), turn("a", 10, "AGENT", "ann")];
    const timeline = buildTimeline(0, [engagement("a", 0, "ann")], turns);
    expect(timeline.flatMap((e) => (e.kind === "turn" ? [e.grouped] : []))).toEqual([false, true]);
  });
});
