import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { Button, type ButtonSize, type ButtonVariant } from "../button/button";
import styles from "./copy-button.module.css";

interface CopyButtonProps {
  text: string;
  /** What is copied, for screen readers: "Copy source ID". Defaults to "Copy". */
  label?: string;
  variant?: ButtonVariant;
  size?: ButtonSize;
}

async function copyToClipboard(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // The async clipboard needs a secure context and permission; the old way still works in most browsers.
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.append(area);
    area.select();
    const ok = document.execCommand("copy");
    area.remove();
    return ok;
  }
}

/** Copies `text` to the clipboard and says so, visibly and to screen readers. */
export function CopyButton({ text, label = "Copy", variant = "secondary", size = "sm" }: CopyButtonProps) {
  const result = useSignal<"idle" | "copied" | "failed">("idle");
  useEffect(() => {
    if (result.value === "idle") return;
    const timer = setTimeout(() => {
      result.value = "idle";
    }, 2000);
    return () => clearTimeout(timer);
  }, [result.value]);

  return (
    <span class={styles.wrap}>
      <Button
        variant={variant}
        size={size}
        aria-label={label === "Copy" ? undefined : label}
        onClick={async () => {
          result.value = (await copyToClipboard(text)) ? "copied" : "failed";
        }}
      >
        <svg class={styles.icon} viewBox="0 0 16 16" aria-hidden="true">
          <rect x="5" y="5" width="8.5" height="8.5" rx="1.5" />
          <path d="M3.5 10.5h-.25A1.25 1.25 0 0 1 2 9.25v-6A1.25 1.25 0 0 1 3.25 2h6a1.25 1.25 0 0 1 1.25 1.25v.25" />
        </svg>
        {result.value === "copied" ? "Copied" : "Copy"}
      </Button>
      <span class="visually-hidden" role="status">
        {result.value === "copied" ? "Copied to the clipboard." : result.value === "failed" ? "Copy failed." : ""}
      </span>
    </span>
  );
}
