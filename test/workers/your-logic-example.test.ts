import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { decide, FAQ, PARTNER_EMAIL } from "../../examples/your-logic/bot.mjs";
import type { ConversationState, LiveTurn } from "../../schemas/live";
import { call, createAccount, signIn } from "./helpers";
import { configureYourLogic, fakeYourLogic, json, startConversation, value } from "./live-helpers";

// The example Your Logic's decisions (examples/your-logic/bot.mjs) answering the events of a real
// conversation object: every event the object sends is answered with what the example answers,
// so the events it reads and the answers it gives are the ones Brine really sends and accepts.

let yourLogic: ReturnType<typeof fakeYourLogic>;
beforeEach(() => {
  yourLogic = fakeYourLogic();
});
afterEach(() => {
  yourLogic.restore();
});

async function conversation() {
  const { account, admin: adminUser } = await createAccount();
  const admin = await signIn(adminUser.email);
  await configureYourLogic(admin);
  const started = await startConversation(account.id, {
    customer: { displayName: "Adam Novak", contacts: [{ contact: "adam@example.com", type: "Email" }] },
  });
  let answered = 0;
  /** Answers the next event with the example's decision; returns the trigger and the actions. */
  const next = async () => {
    const event = await yourLogic.event(started.stub, answered++);
    const answer = decide(event.body);
    await event.respond(() => json(answer));
    return { trigger: event.body.trigger, actions: answer.actions.map((a) => a.type) };
  };
  const state = async () => value<ConversationState>(await started.stub.read());
  const lastBotTurn = async () => (await state()).turns.filter((t) => t.participantType === "BOT").at(-1) as LiveTurn;
  return { ...started, admin, next, state, lastBotTurn };
}

describe("the example Your Logic in a real conversation", () => {
  it("greets with the menu, answers a pick, asks for help with what it does not know, then keeps quiet", async () => {
    const c = await conversation();
    await c.stub.customerMessage({ content: "hi" });
    expect((await c.next()).actions).toEqual(["MESSAGE", "QUESTION"]);
    const menu = await c.lastBotTurn();
    expect(menu.externalId).toBe("main-menu");
    expect(menu.options?.map((o) => o.label)).toEqual([
      "Opening hours",
      "Refunds",
      "Track my order",
      "Talk to a person",
      "Ask a partner",
    ]);

    value(await c.stub.customerAnswer({ turnPid: menu.pid, optionId: "track" }));
    expect(await c.next()).toMatchObject({ trigger: { type: "ANSWER", optionId: "track" }, actions: ["MESSAGE"] });
    expect((await c.lastBotTurn()).content).toBe(FAQ.track?.answer);

    await c.stub.customerMessage({ content: "My cat ate the receipt" });
    expect((await c.next()).actions).toEqual(["MESSAGE", "NEEDS_HELP"]);
    const helped = await c.state();
    expect(helped.flags.needsHelp).toBe(true);
    expect(helped.needsHelpReason).toContain("My cat ate the receipt");
    expect(helped.engagements.some((e) => e.type === "QUEUE" && e.status === "IN_PROGRESS")).toBe(true);

    const turns = (await c.state()).turns.length;
    await c.stub.customerMessage({ content: "Hello? Where is my parcel?" });
    expect((await c.next()).actions).toEqual([]);
    expect((await c.state()).turns).toHaveLength(turns + 1);
  });

  it("hands over to an agent and takes the conversation back when the agent completes", async () => {
    const c = await conversation();
    await c.stub.customerMessage({ content: "hello" });
    await c.next();
    value(await c.stub.customerAnswer({ turnPid: (await c.lastBotTurn()).pid, optionId: "person" }));
    expect((await c.next()).actions).toEqual(["MESSAGE", "NEEDS_HELP"]);
    expect((await c.lastBotTurn()).content).toMatch(/^Connecting you/);

    const agent = crypto.randomUUID();
    value(await c.stub.agentJoin({ agent }));
    expect(await c.next()).toMatchObject({ trigger: { type: "CONVERSATION_UPDATE" }, actions: [] });
    await c.stub.customerMessage({ content: "Where is my parcel?" });
    expect(await c.next()).toMatchObject({ trigger: { type: "MESSAGE" }, actions: [] });
    value(await c.stub.completeEngagement({ agent }));
    expect(await c.next()).toMatchObject({ trigger: { type: "ENGAGEMENT_COMPLETED" }, actions: ["QUESTION"] });

    const anythingElse = await c.lastBotTurn();
    expect(anythingElse.content).toMatch(/anything else/);
    value(await c.stub.customerAnswer({ turnPid: anythingElse.pid, optionId: "done" }));
    expect((await c.next()).actions).toEqual(["MESSAGE", "COMPLETE_CONVERSATION"]);
    expect((await c.state()).flags.status).toBe("COMPLETED");
  });

  it("invites the partner and leaves the agents a note", async () => {
    const c = await conversation();
    await c.stub.customerMessage({ content: "hi" });
    await c.next();
    value(await c.stub.customerAnswer({ turnPid: (await c.lastBotTurn()).pid, optionId: "partner" }));
    expect((await c.next()).actions).toEqual(["MESSAGE", "INVITE_EXTERNAL_AGENT", "NOTE"]);
    const after = await c.state();
    expect(after.invitations).toMatchObject([{ contact: PARTNER_EMAIL, contactType: "Email", by: "YOUR_LOGIC" }]);
    expect(after.turns.at(-1)).toMatchObject({ type: "NOTE", participantType: "BOT" });
  });

  it("answers an agent's action button with a note, and a thumbs down with a request for help", async () => {
    const c = await conversation();
    await c.stub.customerMessage({ content: "hi" });
    await c.next();
    const greeting = (await c.state()).turns.find((t) => t.participantType === "BOT") as LiveTurn;
    const buttons = await call("/api/v1/live/action-buttons", {
      method: "PUT",
      as: c.admin,
      body: { items: [{ name: "create-ticket", label: "Create ticket", visibleToExternal: false }] },
    });
    expect(buttons.status).toBe(200);

    value(await c.stub.pressAction({ agent: crypto.randomUUID(), action: "create-ticket" }));
    expect(await c.next()).toMatchObject({ trigger: { type: "ACTION", action: "create-ticket" }, actions: ["NOTE"] });
    expect((await c.state()).turns.at(-1)).toMatchObject({
      type: "NOTE",
      content: expect.stringMatching(/created ticket/),
    });

    value(await c.stub.customerReview({ turnPid: greeting.pid, value: "DOWN", reason: "Confusing" }));
    expect(await c.next()).toMatchObject({ trigger: { type: "REVIEW" }, actions: ["MESSAGE", "NEEDS_HELP"] });
    const after = await c.state();
    expect(after.flags.needsHelp).toBe(true);
    expect(after.needsHelpReason).toMatch(/thumbs down: Confusing/);
  });
});
