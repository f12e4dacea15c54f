import { render } from "preact";
import { ChatModel, type ChatOptions } from "./chat-model";
import { ChatWidget } from "./chat-view";
import styles from "./universal-chat.css?inline";

// <universal-chat accountid="…" brandid="…" [identity="…"] [open]>: Brine's chat for any website.
// Load it with <script type="module" src="https://<brine>/widget/universal-chat.js">; it talks to
// the Brine it was loaded from. Everything renders in a shadow root with its own styles.

/** Brine's origin: where this script was loaded from, not the page that embeds it. */
const BRINE_ORIGIN = new URL(import.meta.url).origin;

class UniversalChatElement extends HTMLElement {
  static observedAttributes = ["accountid", "brandid", "identity"];
  /** Where Preact renders: a container of its own, beside the style sheet in the shadow root. */
  private readonly root: HTMLElement;
  private chat: InstanceType<typeof ChatModel> | null = null;
  private scheduled = false;

  constructor() {
    super();
    const shadow = this.attachShadow({ mode: "open" });
    const style = document.createElement("style");
    style.textContent = styles;
    this.root = document.createElement("div");
    shadow.append(style, this.root);
  }

  connectedCallback() {
    this.schedule();
  }

  disconnectedCallback() {
    this.schedule();
  }

  attributeChangedCallback(_name: string, previous: string | null, next: string | null) {
    if (previous !== next) this.schedule();
  }

  /** One (re)mount for however many callbacks one task brings (an upgrade calls them once per attribute). */
  private schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.unmount();
      if (this.isConnected) this.mount();
    });
  }

  private mount() {
    const accountId = this.getAttribute("accountid");
    const brandId = this.getAttribute("brandid");
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
    this.chat = new ChatModel(options);
    render(<ChatWidget chat={this.chat} />, this.root);
  }

  /** Removes the widget and ends its model (its socket closes, its timers stop). */
  private unmount() {
    if (!this.chat) return;
    render(null, this.root);
    this.chat[Symbol.dispose]();
    this.chat = null;
  }
}

if (!customElements.get("universal-chat")) customElements.define("universal-chat", UniversalChatElement);
