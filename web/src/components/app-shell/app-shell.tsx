import { createModel, type ReadonlySignal, signal, useModel } from "@preact/signals";
import type { ComponentChildren } from "preact";
import { useEffect } from "preact/hooks";
import { cx } from "../../lib/format";
import { session } from "../../session";
import { BrandMark } from "../brand-mark/brand-mark";
import { SideNav } from "../side-nav/side-nav";
import { UserMenu } from "../user-menu/user-menu";
import styles from "./app-shell.module.css";

const ShellModel = createModel(() => {
  const navOpen = signal(false);
  return {
    /** Whether the navigation is open on narrow screens (it is always shown on wide ones). */
    navOpen: navOpen as ReadonlySignal<boolean>,
    toggleNav() {
      navOpen.value = !navOpen.value;
    },
    closeNav() {
      navOpen.value = false;
    },
  };
});

/** The frame of every signed-in page: top bar, side navigation and the main region. */
export function AppShell({ children }: { children: ComponentChildren }) {
  const shell = useModel(ShellModel);
  const account = session.account.value;
  const navOpen = shell.navOpen.value;

  useEffect(() => {
    if (!navOpen) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") {
        shell.closeNav();
        document.getElementById("nav-toggle")?.focus();
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [navOpen]);

  return (
    <div class={styles.shell}>
      <a class={styles.skip} href="#main">
        Skip to content
      </a>
      <header class={styles.topbar}>
        <button
          id="nav-toggle"
          type="button"
          class={styles.menuButton}
          aria-expanded={navOpen}
          aria-controls="app-nav"
          onClick={() => shell.toggleNav()}
        >
          <svg viewBox="0 0 20 20" aria-hidden="true">
            {navOpen ? <path d="M5 5l10 10M15 5 5 15" /> : <path d="M3 5.5h14M3 10h14M3 14.5h14" />}
          </svg>
          <span class="visually-hidden">Navigation</span>
        </button>
        <a class={styles.brand} href="/">
          <BrandMark inverted />
        </a>
        {account && (
          <span class={styles.account} title={account.name}>
            {account.name}
          </span>
        )}
        <div class={styles.spacer} />
        <UserMenu />
      </header>
      <div class={styles.frame}>
        <div id="app-nav" class={cx(styles.sidebar, navOpen && styles.open)}>
          <div class={styles.sidebarInner}>
            <SideNav onNavigate={() => shell.closeNav()} />
          </div>
        </div>
        {navOpen && <div class={styles.backdrop} aria-hidden="true" onClick={() => shell.closeNav()} />}
        <main id="main" class={styles.main} tabIndex={-1}>
          {children}
        </main>
      </div>
    </div>
  );
}
