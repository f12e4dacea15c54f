import { createModel, type ReadonlySignal, signal, useModel } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { session } from "../../session";
import { Button } from "../button/button";
import styles from "./user-menu.module.css";

const UserMenuModel = createModel(() => {
  const open = signal(false);
  const signingOut = signal(false);
  return {
    open: open as ReadonlySignal<boolean>,
    signingOut: signingOut as ReadonlySignal<boolean>,
    toggle() {
      open.value = !open.value;
    },
    close() {
      open.value = false;
    },
    async signOut() {
      signingOut.value = true;
      await session.signOut();
    },
  };
});

function initials(name: string): string {
  const parts = name.trim().split(/\s+/);
  const letters = parts.length > 1 ? `${parts[0]?.[0] ?? ""}${parts.at(-1)?.[0] ?? ""}` : name.slice(0, 2);
  return letters.toUpperCase();
}

/** The signed-in user's name, opening a panel with their e-mail, role and "Sign out". */
export function UserMenu() {
  const menu = useModel(UserMenuModel);
  const root = useRef<HTMLDivElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const user = session.user.value;
  const open = menu.open.value;

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) menu.close();
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") {
        menu.close();
        trigger.current?.focus();
      }
    };
    document.addEventListener("pointerdown", onPointer);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onPointer);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  if (!user) return null;
  return (
    <div
      class={styles.menu}
      ref={root}
      onFocusOut={(event) => {
        if (open && !root.current?.contains(event.relatedTarget as Node | null)) menu.close();
      }}
    >
      <button
        ref={trigger}
        type="button"
        class={styles.trigger}
        aria-expanded={open}
        aria-controls="user-menu-panel"
        onClick={() => menu.toggle()}
      >
        <span class={styles.avatar} aria-hidden="true">
          {initials(user.name)}
        </span>
        <span class="visually-hidden">User menu: </span>
        <span class={styles.name}>{user.name}</span>
        <svg class={styles.chevron} viewBox="0 0 12 8" aria-hidden="true">
          <path d="M1 1.5l5 5 5-5" />
        </svg>
      </button>
      <div class={styles.panel} id="user-menu-panel" hidden={!open}>
        <div class={styles.who}>
          <p class={styles.whoName}>{user.name}</p>
          <p class={styles.whoEmail}>{user.email}</p>
          <p class={styles.whoRole}>
            Role: <span>{user.role}</span>
          </p>
        </div>
        <Button class={styles.signOut} busy={menu.signingOut.value} onClick={() => menu.signOut()}>
          Sign out
        </Button>
      </div>
    </div>
  );
}
