import { Component, type ComponentChildren } from "preact";
import { useEffect, useLayoutEffect } from "preact/hooks";
import { LocationProvider, lazy, Route, Router, useLocation } from "preact-iso";
import { AppShell } from "../components/app-shell/app-shell";
import { BrandMark } from "../components/brand-mark/brand-mark";
import { Button } from "../components/button/button";
import { session } from "../session";
import styles from "./app.module.css";

const SignInPage = lazy(() => import("../pages/sign-in/sign-in-page").then((m) => m.SignInPage));
const HomePage = lazy(() => import("../pages/home/home-page").then((m) => m.HomePage));
const LogicalModelPage = lazy(() =>
  import("../pages/logical-model/logical-model-page").then((m) => m.LogicalModelPage),
);
const UsersPage = lazy(() => import("../pages/users/users-page").then((m) => m.UsersPage));
const ApiKeysPage = lazy(() => import("../pages/api-keys/api-keys-page").then((m) => m.ApiKeysPage));
const SourcesPage = lazy(() => import("../pages/sources/sources-page").then((m) => m.SourcesPage));
const SourcePage = lazy(() => import("../pages/sources/source-page").then((m) => m.SourcePage));
const BatchPage = lazy(() => import("../pages/batch/batch-page").then((m) => m.BatchPage));
const ExportsPage = lazy(() => import("../pages/exports/exports-page").then((m) => m.ExportsPage));
const TechnicalLogPage = lazy(() =>
  import("../pages/technical-log/technical-log-page").then((m) => m.TechnicalLogPage),
);
const ApiDocsPage = lazy(() => import("../pages/api-docs/api-docs-page").then((m) => m.ApiDocsPage));
const DashboardsPage = lazy(() => import("../pages/dashboards/dashboards-page").then((m) => m.DashboardsPage));
const DashboardPage = lazy(() => import("../pages/dashboards/dashboard-page").then((m) => m.DashboardPage));
const EngagementsPage = lazy(() => import("../pages/engagements/engagements-page").then((m) => m.EngagementsPage));
const EngagementPage = lazy(() => import("../pages/engagements/engagement-page").then((m) => m.EngagementPage));
const VisualizationsPage = lazy(() =>
  import("../pages/visualizations/visualizations-page").then((m) => m.VisualizationsPage),
);
const MetricsPage = lazy(() => import("../pages/metrics/metrics-page").then((m) => m.MetricsPage));
const QuestionsPage = lazy(() => import("../pages/qa/questions-page").then((m) => m.QuestionsPage));
const QuestionPage = lazy(() => import("../pages/qa/question-page").then((m) => m.QuestionPage));
const FormsPage = lazy(() => import("../pages/qa/forms-page").then((m) => m.FormsPage));
const FormPage = lazy(() => import("../pages/qa/form-page").then((m) => m.FormPage));
const CustomersPage = lazy(() => import("../pages/journey/customers-page").then((m) => m.CustomersPage));
const JourneyPage = lazy(() => import("../pages/journey/journey-page").then((m) => m.JourneyPage));
const RevealLogPage = lazy(() => import("../pages/reveal-log/reveal-log-page").then((m) => m.RevealLogPage));
const LivePage = lazy(() => import("../pages/live/live-page").then((m) => m.LivePage));
const ExternalPage = lazy(() => import("../pages/external/external-page").then((m) => m.ExternalPage));
const YourLogicPage = lazy(() => import("../pages/live-settings/your-logic-page").then((m) => m.YourLogicPage));
const BrandsPage = lazy(() => import("../pages/live-settings/brands-page").then((m) => m.BrandsPage));
const ActionButtonsPage = lazy(() =>
  import("../pages/live-settings/action-buttons-page").then((m) => m.ActionButtonsPage),
);
const NotFoundPage = lazy(() => import("../pages/not-found/not-found-page").then((m) => m.NotFoundPage));

/** Only same-app paths are followed after sign-in, never another site or the sign-in page itself. */
export function safeNext(next: string | undefined): string {
  if (!next?.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  if (next === "/sign-in" || next.startsWith("/sign-in?")) return "/";
  return next;
}

function Redirect({ to }: { to: string }) {
  const { route } = useLocation();
  useLayoutEffect(() => route(to, true), [to]);
  return null;
}

/** `/settings` opens the first settings page the user may use. */
function SettingsIndex() {
  const to = session.can("users.manage")
    ? "/settings/users"
    : session.can("apiKeys.manage")
      ? "/settings/api-keys"
      : "/settings/sources";
  return <Redirect to={to} />;
}

/** After client-side navigation, move focus to the new page's heading so screen readers start there. */
function focusPage() {
  const heading = document.querySelector<HTMLElement>("#main h1");
  const target = heading ?? document.getElementById("main");
  if (!target) return;
  if (target === heading) target.tabIndex = -1;
  target.focus({ preventScroll: true });
}

function SignedInApp() {
  return (
    <AppShell>
      <Router onRouteChange={focusPage}>
        <Route path="/" component={HomePage} />
        <Route path="/dashboards" component={DashboardsPage} />
        <Route path="/dashboards/:id" component={DashboardPage} />
        <Route path="/visualizations/:id?" component={VisualizationsPage} />
        <Route path="/metrics/:id?" component={MetricsPage} />
        <Route path="/engagements" component={EngagementsPage} />
        <Route path="/engagements/:id" component={EngagementPage} />
        <Route path="/quality/questions" component={QuestionsPage} />
        <Route path="/quality/questions/:id" component={QuestionPage} />
        <Route path="/quality/forms" component={FormsPage} />
        <Route path="/quality/forms/:id" component={FormPage} />
        <Route path="/live/:conversation?" component={LivePage} />
        <Route path="/journey" component={CustomersPage} />
        <Route path="/journey/:kind/:id" component={JourneyPage} />
        <Route path="/model/:name?" component={LogicalModelPage} />
        <Route path="/settings" component={SettingsIndex} />
        <Route path="/settings/users" component={UsersPage} />
        <Route path="/settings/api-keys" component={ApiKeysPage} />
        <Route path="/settings/sources" component={SourcesPage} />
        <Route path="/settings/sources/:id" component={SourcePage} />
        <Route path="/settings/exports" component={ExportsPage} />
        <Route path="/settings/reveal-log" component={RevealLogPage} />
        <Route path="/settings/your-logic" component={YourLogicPage} />
        <Route path="/settings/brands" component={BrandsPage} />
        <Route path="/settings/action-buttons" component={ActionButtonsPage} />
        <Route path="/ingest/batches/:id" component={BatchPage} />
        <Route path="/technical-log" component={TechnicalLogPage} />
        <Route path="/docs" component={ApiDocsPage} />
        <Route default component={NotFoundPage} />
      </Router>
    </AppShell>
  );
}

function Splash({ children }: { children: ComponentChildren }) {
  return (
    <div class={styles.splash}>
      <BrandMark />
      {children}
    </div>
  );
}

/** Chooses between the sign-in page and the app from the session, redirecting as needed. */
function SessionGate() {
  useEffect(() => session.ensureLoaded(), []);
  const state = session.state.value;
  const { path, url, query } = useLocation();

  if (state.status === "loading") {
    return (
      <Splash>
        <p class={styles.splashText} role="status">
          Loading…
        </p>
      </Splash>
    );
  }
  if (state.status === "error") {
    return (
      <Splash>
        <div class={styles.splashError} role="alert">
          <p>{state.message}</p>
          <Button variant="primary" onClick={() => session.load()}>
            Try again
          </Button>
        </div>
      </Splash>
    );
  }
  if (state.status === "signed-out") {
    if (path === "/sign-in") {
      return <Router>{[<Route key="sign-in" path="/sign-in" component={SignInPage} />]}</Router>;
    }
    return <Redirect to={state.returnHere ? `/sign-in?next=${encodeURIComponent(url)}` : "/sign-in"} />;
  }
  if (path === "/sign-in") return <Redirect to={safeNext(query.next)} />;
  return <SignedInApp />;
}

/** Last resort for a render error or a page that failed to download (after a deploy, say). */
class CrashBoundary extends Component<{ children: ComponentChildren }, { failed: boolean }> {
  state = { failed: false };

  static getDerivedStateFromError() {
    return { failed: true };
  }

  componentDidCatch(error: unknown) {
    console.error(error);
  }

  render() {
    if (!this.state.failed) return this.props.children;
    return (
      <Splash>
        <div class={styles.splashError} role="alert">
          <p>Something went wrong while showing this page.</p>
          <Button variant="primary" onClick={() => location.reload()}>
            Reload
          </Button>
        </div>
      </Splash>
    );
  }
}

/** External agents' pages work from their link alone: no session is read or needed there. */
export function isExternalPath(path: string): boolean {
  return path.startsWith("/external/");
}

/** The external agent's page, or the app behind the session gate. */
function Pages() {
  const { path } = useLocation();
  if (isExternalPath(path)) {
    return <Router>{[<Route key="external" path="/external/:token" component={ExternalPage} />]}</Router>;
  }
  return <SessionGate />;
}

/** The whole app. Links under /api/ are left to the browser (the OpenAPI document, for one). */
export function App() {
  return (
    <LocationProvider scope={/^\/(?!api\/)/}>
      <CrashBoundary>
        <Pages />
      </CrashBoundary>
    </LocationProvider>
  );
}
