import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  DoughnutController,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from "chart.js";
import { useEffect, useRef } from "preact/hooks";
import type { VisualizationData, VisualizationType } from "../../../../schemas/visualizations";
import { formatMetric } from "../../lib/analytics";
import { DataTable } from "../data-table/data-table";
import styles from "./viz-view.module.css";

Chart.register(
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  DoughnutController,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
);

type Row = VisualizationData["rows"][number];
export type Cell = Row["groups"][number];

/** What a click on a bold value asks for: a group (its view-by and segment-by cells), and maybe a metric. */
export interface DrillRequest {
  groups: { attribute: string; value: string | number; label: string }[];
  /** The index of the metric whose value was clicked; none for a click on an attribute value. */
  metric?: number;
}

interface VizViewProps {
  type: VisualizationType;
  data: VisualizationData;
  /** Names the chart for screen readers. */
  title: string;
  onDrill?: (request: DrillRequest) => void;
}

const PALETTE = [
  "#0f4c5c",
  "#2b8a9e",
  "#e07a5f",
  "#81b29a",
  "#f2cc8f",
  "#5f6caf",
  "#c06c84",
  "#6c5b7b",
  "#98a5ad",
  "#3d405b",
];

const groupCells = (data: VisualizationData, row: Row, upTo: number): DrillRequest["groups"] =>
  row.groups.slice(0, upTo).flatMap((cell, i) => {
    const column = data.columns[i];
    if (cell.value === null || !column?.attribute) return [];
    return [{ attribute: column.attribute, value: cell.value, label: cell.label ?? String(cell.value) }];
  });

/** One visualization's data as a headline, table or Chart.js chart; bold values drill down. */
export function VizView({ type, data, title, onDrill }: VizViewProps) {
  if (type === "headline") return <Headline data={data} onDrill={onDrill} />;
  if (type === "table") return <VizTable data={data} title={title} onDrill={onDrill} />;
  return (
    <div class={styles.chartBox}>
      <VizChart type={type} data={data} title={title} onDrill={onDrill} />
      <details class={styles.dataDetails}>
        <summary>Data</summary>
        <VizTable data={data} title={`${title} (data)`} onDrill={onDrill} />
      </details>
    </div>
  );
}

function Headline({ data, onDrill }: Pick<VizViewProps, "data" | "onDrill">) {
  const column = data.columns.find((c) => c.kind === "metric");
  const value = data.rows[0]?.values[0] ?? null;
  const text = formatMetric(value, column?.format);
  if (onDrill && column?.drillable && value !== null) {
    return (
      <button type="button" class={styles.headline} onClick={() => onDrill({ groups: [], metric: 0 })}>
        {text}
        <span class="visually-hidden"> — list the engagements behind it</span>
      </button>
    );
  }
  return <p class={styles.headlineStatic}>{text}</p>;
}

function VizTable({ data, title, onDrill }: Pick<VizViewProps, "data" | "title" | "onDrill">) {
  const groupColumns = data.columns.filter((c) => c.kind !== "metric");
  const metricColumns = data.columns.filter((c) => c.kind === "metric");
  return (
    <DataTable caption={title} bare>
      <thead>
        <tr>
          {data.columns.map((c) => (
            <th key={c.key} scope="col" class={c.kind === "metric" ? styles.num : undefined}>
              {c.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {data.rows.map((row) => (
          <tr key={JSON.stringify(row.groups.map((g) => g.value))}>
            {row.groups.map((cell, i) => {
              const column = groupColumns[i];
              const label = cell.label ?? "(empty)";
              return (
                <td key={column?.key ?? i}>
                  {onDrill && cell.value !== null && column?.drillable ? (
                    <button
                      type="button"
                      class={styles.bold}
                      onClick={() => onDrill({ groups: groupCells(data, row, i + 1) })}
                    >
                      {label}
                    </button>
                  ) : (
                    label
                  )}
                </td>
              );
            })}
            {row.values.map((value, m) => {
              const column = metricColumns[m];
              const text = formatMetric(value, column?.format);
              return (
                <td key={column?.key ?? m} class={styles.num}>
                  {onDrill && value !== null && column?.drillable ? (
                    <button
                      type="button"
                      class={styles.bold}
                      onClick={() => onDrill({ groups: groupCells(data, row, row.groups.length), metric: m })}
                    >
                      {text}
                    </button>
                  ) : (
                    text
                  )}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </DataTable>
  );
}

function VizChart({ type, data, title, onDrill }: VizViewProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const metrics = data.columns.filter((c) => c.kind === "metric");
    const segmented = data.columns.some((c) => c.kind === "segmentBy");
    const viewKeys: string[] = [];
    const viewRows = new Map<string, Row>();
    for (const row of data.rows) {
      const key = JSON.stringify(row.groups[0]?.value ?? null);
      if (!viewRows.has(key)) {
        viewRows.set(key, row);
        viewKeys.push(key);
      }
    }
    const labels = viewKeys.map((k) => viewRows.get(k)?.groups[0]?.label ?? "(empty)");
    // Series: one per segment (first metric) or one per metric.
    type Series = { label: string; values: (number | null)[]; rows: (Row | undefined)[]; metric: number };
    let series: Series[];
    if (segmented) {
      const bySegment = new Map<string, Series>();
      for (const row of data.rows) {
        const seg = row.groups[1];
        const segKey = JSON.stringify(seg?.value ?? null);
        let s = bySegment.get(segKey);
        if (!s) {
          s = {
            label: seg?.label ?? "(empty)",
            values: viewKeys.map(() => null),
            rows: viewKeys.map(() => undefined),
            metric: 0,
          };
          bySegment.set(segKey, s);
        }
        const i = viewKeys.indexOf(JSON.stringify(row.groups[0]?.value ?? null));
        s.values[i] = row.values[0] ?? null;
        s.rows[i] = row;
      }
      series = [...bySegment.values()];
    } else {
      series = metrics.map((m, mi) => ({
        label: m.label,
        values: viewKeys.map((k) => viewRows.get(k)?.values[mi] ?? null),
        rows: viewKeys.map((k) => viewRows.get(k)),
        metric: mi,
      }));
    }
    const format = metrics[0]?.format;
    const donut = type === "donut";
    const chart = new Chart(canvas.current, {
      type: donut ? "doughnut" : type === "line" || type === "area" ? "line" : "bar",
      data: {
        labels,
        datasets: series.map((s, i) => ({
          label: s.label,
          data: s.values,
          backgroundColor: donut
            ? labels.map((_, j) => PALETTE[j % PALETTE.length] ?? "#999")
            : `${PALETTE[i % PALETTE.length]}${type === "area" ? "55" : ""}`,
          borderColor: donut ? "#fff" : PALETTE[i % PALETTE.length],
          fill: type === "area",
          tension: 0.25,
          stack: segmented && (type === "column" || type === "bar") ? "s" : undefined,
        })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        indexAxis: type === "bar" ? "y" : "x",
        plugins: {
          legend: { display: donut || series.length > 1, position: "bottom" },
          tooltip: {
            callbacks: {
              label: (ctx) => `${ctx.dataset.label}: ${formatMetric(ctx.parsed as unknown as number, format)}`,
            },
          },
        },
        scales: donut
          ? {}
          : {
              x: { stacked: segmented && type !== "line" && type !== "area" },
              y: { stacked: segmented && type !== "line" && type !== "area", beginAtZero: true },
            },
        onClick: (_event, elements) => {
          const hit = elements[0];
          if (!hit || !onDrill) return;
          const s = series[hit.datasetIndex];
          const row = s?.rows[hit.index];
          if (!s || !row) return;
          const column = metrics[s.metric];
          onDrill({
            groups: groupCells(data, row, segmented ? 2 : 1),
            metric: column?.drillable ? s.metric : undefined,
          });
        },
      },
    });
    // Chart.js's tooltip reads parsed values; for the donut and bars show the value itself.
    if (chart.options.plugins?.tooltip?.callbacks) {
      chart.options.plugins.tooltip.callbacks.label = (ctx) => {
        const v = ctx.raw as number | null;
        return `${ctx.dataset.label ?? ""}: ${formatMetric(v, format)}`;
      };
    }
    return () => chart.destroy();
  }, [type, data, onDrill]);
  return (
    <div class={styles.canvasBox}>
      <canvas ref={canvas} role="img" aria-label={title} />
    </div>
  );
}
