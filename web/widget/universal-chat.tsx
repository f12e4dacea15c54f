import { useModel } from "@preact/signals";
import { render } from "preact";
import { ChatModel, type ChatOptions } from "./chat-model";
import { ChatWidget } from "./chat-view";
import styles from "./universal-chat.css?inline";

// <universal-chat accountid="…" brandid="…" [identity="…"] [open]>: Brine's chat for any website.
// Load it with <script type="module" src="https://<brine>/widget/universal-chat.js">; it talks to
// the Brine it was loaded from. Everything renders in a shadow root with its own styles.

/** Brine's origin: where this script was loaded from, not the page that embeds it. */
const BRINE_ORIGIN = new URL(import.meta.url).origin;

/** One conversation's model for as long as the element keeps the same attributes. */
function UniversalChat({ options }: { options: ChatOptions }) {
  const chat = useModel(() => new ChatModel(options));
  return <ChatWidget chat={chat} />;
}

class UniversalChatElement extends HTMLElement {
  static observedAttributes = ["accountid", "brandid", "identity"];
  /** Where Preact renders: a container of its own, beside the style sheet in the shadow root. */
  private readonly root: HTMLElement;
  private mounted = 0;

  constructor() {
    super();
    const shadow = this.attachShadow({ mode: "open" });
    const style = document.createElement("style");
    style.textContent = styles;
    this.root = document.createElement("div");
    shadow.append(style, this.root);
  }

  connectedCallback() {
    this.mount();
  }

  disconnectedCallback() {
    this.unmount();
  }

  attributeChangedCallback(_name: string, previous: string | null, next: string | null) {
    if (previous !== next && this.isConnected) this.mount();
  }

  private mount() {
    const accountId = this.getAttribute("accountid");
    const brandId = this.getAttribute("brandid");
    this.unmount();
    if (!accountId || !brandId) {
      console.error("Brine Universal Chat: set the accountid and brandid attributes of <universal-chat>.");
      return;
    }
    const options: ChatOptions = {
      origin: BRINE_ORIGIN,
      accountId,
      brandId,
      identity: this.getAttribute("identity"),
      startOpen: this.hasAttribute("open"),
    };
    // A new key per mount: new attributes mean a new model (the old one closes its socket).
    render(<UniversalChat key={++this.mounted} options={options} />, this.root);
  }

  private unmount() {
    render(null, this.root);
  }
}

if (!customElements.get("universal-chat")) customElements.define("universal-chat", UniversalChatElement);
