import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import type { Page } from "../../../../schemas/common";
import type { EngagementQuery, EngagementRow, Selection } from "../../../../schemas/engagements";
import { api, messageOf } from "../../api";
import { Alert } from "../../components/alert/alert";
import { Button } from "../../components/button/button";
import { Card } from "../../components/card/card";
import { DataTable } from "../../components/data-table/data-table";
import { Empty, LoadError, Loading } from "../../components/list-state/list-state";
import { Notice } from "../../components/notice/notice";
import { PageHeader } from "../../components/page-header/page-header";
import { decodeParam, formatSeconds } from "../../lib/analytics";
import { formatDateTime, formatNumber } from "../../lib/format";
import { journeyHref } from "../../lib/journey";
import styles from "./engagements.module.css";

const PAGE = 50;

/** The columns every engagement list shows; the start time opens the customer journey at the engagement. */
export function EngagementTable({
  rows,
  caption,
  metricLabel,
}: {
  rows: EngagementRow[];
  caption: string;
  metricLabel?: string;
}) {
  return (
    <DataTable caption={caption} bare>
      <thead>
        <tr>
          <th scope="col">Started</th>
          <th scope="col">Type</th>
          <th scope="col">Channel</th>
          <th scope="col">Direction</th>
          <th scope="col">Queue</th>
          <th scope="col">Agent</th>
          <th scope="col">Outcome</th>
          <th scope="col" class={styles.num}>
            Wait
          </th>
          <th scope="col" class={styles.num}>
            Handling
          </th>
          {metricLabel && (
            <th scope="col" class={styles.num}>
              {metricLabel}
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id}>
            <td>
              <a class={styles.bold} href={journeyHref("engagements", r.id)}>
                {r.startTime ? formatDateTime(r.startTime) : "(no start)"}
              </a>
            </td>
            <td>{r.type ?? "–"}</td>
            <td>{r.channel?.name ?? r.channelType ?? "–"}</td>
            <td>{r.direction ?? "–"}</td>
            <td>{r.queue?.name ?? "–"}</td>
            <td>{r.agent?.name ?? "–"}</td>
            <td>{r.outcome?.name ?? r.outcomeType ?? "–"}</td>
            <td class={styles.num}>{r.waitTime === null ? "–" : formatSeconds(r.waitTime)}</td>
            <td class={styles.num}>{r.handlingTime === null ? "–" : formatSeconds(r.handlingTime)}</td>
            {metricLabel && <td class={styles.num}>{r.metricValue ?? "–"}</td>}
          </tr>
        ))}
      </tbody>
    </DataTable>
  );
}

/** `/engagements?q=…` (the engagements behind a number) or `?selection=…` (a saved selection). */
export function EngagementsPage() {
  const { query } = useLocation();
  const drill = decodeParam<Partial<EngagementQuery>>(query.q);
  const selectionId = query.selection;
  const [rows, setRows] = useState<EngagementRow[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [state, setState] = useState<"loading" | "ready" | "error">("loading");
  const [error, setError] = useState<string | null>(null);
  const [selection, setSelection] = useState<Selection | null>(null);
  const [name, setName] = useState("");
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const fetchPage = (after: string | null): Promise<Page<EngagementRow>> => {
    if (selectionId) {
      const params = new URLSearchParams({ limit: String(PAGE) });
      if (after) params.set("cursor", after);
      return api.get(`/selections/${selectionId}/engagements?${params}`);
    }
    return api.post("/engagements/query", { ...drill, limit: PAGE, ...(after ? { cursor: after } : {}) });
  };

  const load = (after: string | null) => {
    if (!after) setState("loading");
    fetchPage(after).then(
      (page) => {
        setRows((old) => (after ? [...old, ...page.items] : page.items));
        setCursor(page.nextCursor);
        setState("ready");
      },
      (e) => {
        setError(messageOf(e));
        setState("error");
      },
    );
  };

  useEffect(() => {
    setRows([]);
    load(null);
    if (selectionId) api.get<Selection>(`/selections/${selectionId}`).then(setSelection, () => setSelection(null));
  }, [query.q, selectionId]);

  const title = selection ? selection.name : (query.title ?? "Engagements");
  const metricLabel = drill?.metricId ? (query.title?.split(" · ")[0] ?? "Value") : undefined;

  const save = async (e: Event) => {
    e.preventDefault();
    if (!drill || !name.trim()) return;
    setSaving(true);
    setSaveError(null);
    try {
      const saved = await api.post<Selection>("/selections", { name: name.trim(), query: drill });
      setNotice(
        `Saved ${formatNumber(saved.engagements)} engagements as “${saved.name}”${saved.truncated ? " (the first 10,000)" : ""}.`,
      );
      setName("");
    } catch (err) {
      setSaveError(messageOf(err));
    }
    setSaving(false);
  };

  return (
    <div class={styles.page}>
      <PageHeader
        eyebrow={selection ? "Saved selection" : "Drill-down"}
        title={title}
        description={
          selection
            ? `${formatNumber(selection.engagements)} engagements as they matched on ${formatDateTime(selection.createdAt)}.`
            : "The engagements behind the number you clicked, newest first. Open one to see it in the customer's journey."
        }
      />
      <Notice message={notice} />
      {drill && (
        <form class={styles.saveForm} onSubmit={save}>
          <label>
            Selection name
            <input value={name} required maxLength={120} onInput={(e) => setName(e.currentTarget.value)} />
          </label>
          <Button type="submit" busy={saving}>
            Save engagements as selection
          </Button>
          {saveError && <Alert title="Not saved">{saveError}</Alert>}
        </form>
      )}
      {!drill && !selectionId && (
        <Empty title="Nothing to list">Open a dashboard and click a bold number to see its engagements.</Empty>
      )}
      {state === "error" && (
        <LoadError message={error ?? "The engagements could not be loaded."} onRetry={() => load(null)} />
      )}
      {state === "loading" && <Loading />}
      {state === "ready" && (drill || selectionId) && (
        <Card title={`${formatNumber(rows.length)}${cursor ? "+" : ""} engagements`} flush>
          {rows.length === 0 ? (
            <p class={styles.empty}>No engagements match.</p>
          ) : (
            <EngagementTable rows={rows} caption={title} metricLabel={metricLabel} />
          )}
          {cursor && (
            <div class={styles.more}>
              <Button onClick={() => load(cursor)}>Load more</Button>
            </div>
          )}
        </Card>
      )}
    </div>
  );
}
