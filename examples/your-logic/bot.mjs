// The example bot's decisions: one Brine event in, one Your Logic answer out. No state of its own;
// everything it needs (who is engaged, what it already said) is in the event.
//
// The shop and its policies are made up for this example. The topics, the four refund methods,
// the shipping statuses and the membership levels follow the agent guidelines of ABCD, the
// Action-Based Conversations Dataset (github.com/asappresearch/abcd, MIT License,
// Copyright (c) 2021 ASAPP Research; the license is in data/abcd/LICENSE).

/** The QUESTION the menu is sent as; its turns carry this externalId, so the bot knows it greeted. */
export const MENU_ID = "main-menu";
export const PARTNER_EMAIL = "partner@example.com";

/** The menu's options, in order. */
export const MENU = [
  { id: "hours", label: "Opening hours" },
  { id: "refunds", label: "Refunds" },
  { id: "track", label: "Track my order" },
  { id: "person", label: "Talk to a person" },
  { id: "partner", label: "Ask a partner" },
];

/** What the bot can answer, and the words that lead to each answer in free text. */
export const FAQ = {
  hours: {
    words: /\b(open|opening|hours?|clos(e|ed|ing)|weekends?|sundays?|holidays?)\b/,
    answer:
      "Our customer care team is here Monday to Friday 8:00–20:00 and Saturday 9:00–17:00 (Central European Time), " +
      "closed on Sundays and public holidays. I answer around the clock, and online orders ship every working day.",
  },
  refunds: {
    words: /\b(refunds?|refunded|money back|returns?|returning|reimburse\w*|exchange)\b/,
    answer:
      "You can return anything unworn within 30 days of delivery, free for Gold and Silver members. Once the " +
      "parcel reaches us we refund it your way: to the credit card on file (3–5 working days), as store credit " +
      "on your account (right away), as a prepaid gift card, or as a paper check by post. Start a return under " +
      "Account → Orders → Return an item, or choose “Talk to a person” and we do it for you.",
  },
  track: {
    words: /\b(track\w*|where is my|order status|deliver\w*|shipping status|parcel|package|arriv\w*|shipped)\b/,
    answer:
      "Every order goes Order received → In transit → Out for delivery → Delivered, and you get an e-mail with a " +
      "tracking link when it ships. You can follow it any time under Account → Orders. Standard delivery takes " +
      "3–5 working days. If it says Delivered and nothing arrived, choose “Talk to a person” and we look into it.",
  },
  shipping: {
    words: /\b(shipping (cost|price|fee)s?|free shipping|overnight|express|how much is shipping)\b/,
    answer:
      "Standard shipping is free on orders over $50 and $4.95 below that. Overnight shipping is $14.95 and arrives " +
      "the next working day when you order before 15:00.",
  },
  membership: {
    words: /\b(member(ship)?|gold|silver|bronze|loyalty|points)\b/,
    answer:
      "Membership has three levels, Bronze, Silver and Gold, based on what you spent in the last 12 months. Silver " +
      "and Gold members get free returns, and we remove any unexpected fee on their orders without questions.",
  },
  account: {
    words: /\b(password|log ?in|sign ?in|username|account locked|two.factor|2fa)\b/,
    answer:
      "Choose “Forgot password” on the sign-in page and we e-mail you a link to set a new one (it works for 24 " +
      "hours). Forgot your username? Sign in with your e-mail address instead. If you lost your two-factor device, " +
      "choose “Talk to a person” so we can verify you.",
  },
};

const GREETING = /^(hi|hello|hey|hiya|good (morning|afternoon|evening)|menu|help|start|options)\b/;
const THANKS = /^(thanks?|thank you|thx|ok(ay)?|great|perfect|cool|bye|goodbye)\b/;
const PERSON = /\b(human|person|agent|someone|somebody|representative|operator|real people)\b/;
const PARTNER = /\bpartners?\b/;
const NO_MORE = "done";

const message = (content) => ({ type: "MESSAGE", content });
const note = (content) => ({ type: "NOTE", content });
const menu = (content) => ({
  type: "QUESTION",
  content,
  externalId: MENU_ID,
  options: MENU.map(({ id, label }) => ({ id, label })),
});
const needsHelp = (reason) => ({ type: "NEEDS_HELP", needsHelp: true, reason: reason.slice(0, 200) });

/** A person has the conversation: an agent engaged, or the customer waiting for one (needs help, fallback). */
export function handedOver(event) {
  const agentEngaged = (event.engagements ?? []).some((e) => e.type === "AGENT" && e.status === "IN_PROGRESS");
  return agentEngaged || event.conversation?.needsHelp === true || event.conversation?.fallbackToAgent === true;
}

/** Whether the bot sent its menu already in this conversation. */
function greeted(event) {
  return (event.turns ?? []).some((t) => t.participantType === "BOT" && t.externalId === MENU_ID);
}

function firstName(event) {
  const name = event.customer?.displayName?.trim();
  return name ? ` ${name.split(/\s+/)[0]}` : "";
}

/** The FAQ topic free text is about, if the bot recognises one. */
export function topicOf(text) {
  const t = text.toLowerCase();
  return Object.keys(FAQ).find((k) => FAQ[k].words.test(t));
}

/** The actions for a customer's pick from the menu (an ANSWER trigger). */
function choose(optionId, label) {
  if (optionId === "person") {
    return [
      message("Connecting you to a person… someone from our team will be with you shortly."),
      needsHelp("The customer asked to talk to a person."),
    ];
  }
  if (optionId === "partner") {
    return [
      message("I have asked our delivery partner to join this chat; they will write here shortly."),
      {
        type: "INVITE_EXTERNAL_AGENT",
        email: PARTNER_EMAIL,
        name: "Delivery partner desk",
        note: "A customer asked for our delivery partner from the chat menu.",
      },
      note(`Your Logic invited the delivery partner (${PARTNER_EMAIL}) because the customer chose “Ask a partner”.`),
    ];
  }
  if (optionId === NO_MORE) {
    return [message("Thank you for chatting with us. Have a lovely day!"), { type: "COMPLETE_CONVERSATION" }];
  }
  const faq = FAQ[optionId];
  if (faq) return [message(faq.answer)];
  return [
    message("Sorry, I cannot help with that one myself; I have asked a colleague to take a look."),
    needsHelp(`The customer chose an option the bot does not know: ${label ?? optionId}.`),
  ];
}

/** The actions for free text from the customer. */
function reply(event, text) {
  const t = text.trim().toLowerCase();
  if (!greeted(event)) {
    const topic = topicOf(t);
    const hello = `Hi${firstName(event)}! I am the Brine Outfitters assistant.`;
    if (topic) return [message(hello), message(FAQ[topic].answer), menu("Is there anything else I can help with?")];
    return [message(hello), menu("What can I help you with? Pick a topic or type your question.")];
  }
  if (PERSON.test(t)) return choose("person");
  if (PARTNER.test(t)) return choose("partner");
  const topic = topicOf(t);
  if (topic) return [message(FAQ[topic].answer)];
  if (GREETING.test(t)) return [menu("Here is what I can help with:")];
  if (THANKS.test(t)) return [message("You are welcome! Type “menu” whenever you need me again.")];
  return [
    message("I am not sure I understood that, so I have asked a colleague to help. They will reply here."),
    needsHelp(`The bot did not understand: “${text.trim().slice(0, 120)}”`),
  ];
}

/** The actions for an ACTION trigger: an agent pressed one of the account's action buttons. */
function act(event) {
  const action = String(event.trigger.action ?? "");
  const ref = `${(event.conversation?.pid ?? "").slice(0, 8).toUpperCase()}`;
  switch (action) {
    case "send-tracking-link":
      return [
        message(`Here is your tracking link: https://track.example.com/${ref}`),
        note("Your Logic sent the customer their tracking link."),
      ];
    case "create-ticket":
      return [note(`Your Logic created ticket T-${ref} in the order system for this conversation.`)];
    case "offer-refund":
      return [
        message(FAQ.refunds.answer),
        note("Your Logic sent the customer the refund options; the refund itself is for you to confirm."),
      ];
    default:
      return [note(`Your Logic received the action “${action}” but has nothing to do for it; nothing changed.`)];
  }
}

/** Whether a REVIEW trigger is a thumbs down (`answerName` "Thumbs Down", as seed 003 names it). */
function thumbsDown(trigger) {
  return typeof trigger.answerName === "string" && /down/i.test(trigger.answerName);
}

/**
 * The answer to one event. Always a valid answer, with `actions: []` to stay silent: an empty
 * HTTP body would tell Brine that the answer comes later by callback.
 */
export function decide(event) {
  const trigger = event.trigger ?? {};
  const completed = event.conversation?.status === "COMPLETED";
  const actions = (() => {
    switch (trigger.type) {
      case "MESSAGE":
        if (trigger.participantType !== "CUSTOMER" || completed || handedOver(event)) return [];
        return reply(event, String(trigger.content ?? ""));
      case "ANSWER":
        if (completed || handedOver(event)) return [];
        return choose(String(trigger.optionId ?? ""), trigger.content);
      case "ACTION":
        return act(event);
      case "REVIEW": {
        if (!thumbsDown(trigger) || completed) return [];
        const why = trigger.reviewReason;
        return [
          message("Sorry that did not help. I have asked a colleague to look at your question."),
          needsHelp(`The customer gave a bot answer a thumbs down${why ? `: ${why}` : "."}`),
        ];
      }
      case "ENGAGEMENT_COMPLETED": {
        const otherAgent = (event.engagements ?? []).some((e) => e.type === "AGENT" && e.status === "IN_PROGRESS");
        if (completed || otherAgent) return [];
        return [
          {
            ...menu("Is there anything else I can help you with?"),
            options: [...MENU.map(({ id, label }) => ({ id, label })), { id: NO_MORE, label: "No, that is all" }],
          },
        ];
      }
      default:
        return [];
    }
  })();
  return { requestId: event.requestId, actions };
}
