import { useModel } from "@preact/signals";
import type { ModelCatalog } from "../../../../schemas/model";
import { Badge } from "../../components/badge/badge";
import { Card } from "../../components/card/card";
import { DataTable } from "../../components/data-table/data-table";
import { Field } from "../../components/field/field";
import { Empty, LoadError, Loading } from "../../components/list-state/list-state";
import { PageHeader } from "../../components/page-header/page-header";
import { CatalogModel, type Dataset, type DatasetField, datasetMatches, fieldMatches } from "./catalog-model";
import styles from "./logical-model-page.module.css";

type Catalog = ModelCatalog;
type CatalogModelInstance = InstanceType<typeof CatalogModel>;

const numberFormat = new Intl.NumberFormat();

function FilterInput({
  model,
  label,
  placeholder,
}: {
  model: CatalogModelInstance;
  label: string;
  placeholder: string;
}) {
  return (
    <Field label={label} class={styles.filter}>
      {(control) => (
        <input
          {...control}
          type="search"
          placeholder={placeholder}
          value={model.filter.value}
          onInput={(event) => model.setFilter(event.currentTarget.value)}
        />
      )}
    </Field>
  );
}

function ReportableBadge({ reportable }: { reportable: boolean }) {
  return reportable ? <Badge tone="primary">Reportable</Badge> : <Badge>Not reportable</Badge>;
}

function KindCell({ field, catalog }: { field: DatasetField; catalog: Catalog }) {
  const tone = field.kind === "fact" ? "primary" : "neutral";
  return (
    <div class={styles.kind}>
      <Badge tone={tone}>{field.kind === "pid" ? "PID" : field.kind}</Badge>
      {field.kind === "fact" && field.type && <span class={styles.kindDetail}>{field.type}</span>}
      {field.kind === "reference" && field.target && (
        <span class={styles.kindDetail}>
          to{" "}
          <a href={`/model/${field.target}`}>
            {catalog.datasets.find((d) => d.name === field.target)?.label ?? field.target}
          </a>
        </span>
      )}
      {field.kind === "entity" && field.entity && (
        <span class={styles.kindDetail}>
          {catalog.entities.find((e) => e.kind === field.entity)?.label ?? field.entity}
        </span>
      )}
      {field.kind === "enumeration" && field.values && (
        <ul class={styles.values} aria-label="Allowed values">
          {field.values.map((v) => (
            <li key={v}>
              <code>{v}</code>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function FieldsTable({ dataset, catalog, query }: { dataset: Dataset; catalog: Catalog; query: string }) {
  const fields = dataset.fields.filter((f) => fieldMatches(f, query));
  if (fields.length === 0) {
    return (
      <Empty title="No fields match">
        Nothing in {dataset.label} matches “{query.trim()}”. Try another word.
      </Empty>
    );
  }
  return (
    <DataTable caption={`Fields of ${dataset.label}`} align="top">
      <thead>
        <tr>
          <th scope="col">Label</th>
          <th scope="col">Key</th>
          <th scope="col">Kind</th>
          <th scope="col">Column</th>
          <th scope="col">Description</th>
        </tr>
      </thead>
      <tbody>
        {fields.map((f) => (
          <tr key={f.key}>
            <th scope="row" class={styles.fieldLabel}>
              {f.label}
            </th>
            <td>
              <code class={styles.code}>{f.key}</code>
            </td>
            <td>
              <KindCell field={f} catalog={catalog} />
            </td>
            <td>
              <code class={styles.code}>{f.column}</code>
            </td>
            <td class={styles.description}>{f.description}</td>
          </tr>
        ))}
      </tbody>
    </DataTable>
  );
}

function DatasetNav({ catalog, current }: { catalog: Catalog; current: string }) {
  return (
    <nav class={styles.datasetNav} aria-label="Data sets">
      <a class={styles.allLink} href="/model">
        All data sets
      </a>
      <ul>
        {catalog.datasets.map((d) => (
          <li key={d.name}>
            <a href={`/model/${d.name}`} aria-current={d.name === current ? "page" : undefined}>
              {d.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function DatasetDetail({ model, catalog, name }: { model: CatalogModelInstance; catalog: Catalog; name: string }) {
  const dataset = catalog.datasets.find((d) => d.name === name);
  if (!dataset) {
    return (
      <div>
        <PageHeader eyebrow="Logical model" title="Data set not found" />
        <Empty title={`There is no data set called “${name}”.`} action={<a href="/model">See all data sets</a>} />
      </div>
    );
  }
  return (
    <div class={styles.detailLayout}>
      <DatasetNav catalog={catalog} current={dataset.name} />
      <div class={styles.detail}>
        <a class={styles.back} href="/model">
          <span aria-hidden="true">←</span> All data sets
        </a>
        <PageHeader eyebrow="Logical model" title={dataset.label} description={dataset.description} />
        <dl class={styles.meta}>
          <div>
            <dt>Reporting</dt>
            <dd>
              <ReportableBadge reportable={dataset.reportable} />
            </dd>
          </div>
          <div>
            <dt>Name</dt>
            <dd>
              <code>{dataset.name}</code>
            </dd>
          </div>
          <div>
            <dt>Table</dt>
            <dd>
              <code>{dataset.table}</code>
            </dd>
          </div>
          <div>
            <dt>External key</dt>
            <dd>
              <code>{dataset.externalKey}</code>
            </dd>
          </div>
          <div>
            <dt>Fields</dt>
            <dd>{dataset.fields.length}</dd>
          </div>
        </dl>
        <FilterInput model={model} label="Filter fields" placeholder="Label, key, column, kind or value" />
        <FieldsTable dataset={dataset} catalog={catalog} query={model.filter.value} />
      </div>
    </div>
  );
}

function Limits({ limits }: { limits: Catalog["limits"] }) {
  const items = [
    ["Attribute", `Up to ${numberFormat.format(limits.attributeChars)} characters`],
    ["Text", `Up to ${numberFormat.format(limits.textBytes)} bytes (${Math.round(limits.textBytes / 1024)} KiB)`],
    ["Integer", `${numberFormat.format(limits.int32Min)} to ${numberFormat.format(limits.int32Max)}`],
    [
      "Date",
      `To the ${limits.dateGranularitySeconds === 1 ? "second" : `${limits.dateGranularitySeconds} seconds`}, in UTC`,
    ],
  ] as const;
  return (
    <Card title="Limits" description="What a single value may hold.">
      <dl class={styles.limits}>
        {items.map(([term, value]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </Card>
  );
}

function Overview({ model, catalog }: { model: CatalogModelInstance; catalog: Catalog }) {
  const query = model.filter.value;
  const shown = catalog.datasets
    .map((d) => ({
      dataset: d,
      matchingFields: query.trim() ? d.fields.filter((f) => fieldMatches(f, query)).length : 0,
    }))
    .filter(({ dataset, matchingFields }) => datasetMatches(dataset, query) || matchingFields > 0);

  return (
    <div class={styles.overview}>
      <PageHeader
        title="Logical model"
        description="The data sets Brine stores, the fields in each, the shared entities they point to, and the limits every value respects."
      />
      <section aria-labelledby="datasets-title">
        <div class={styles.sectionHead}>
          <h2 id="datasets-title" class={styles.sectionTitle}>
            Data sets <span class={styles.count}>{catalog.datasets.length}</span>
          </h2>
          <FilterInput model={model} label="Filter data sets and fields" placeholder="For example: queue, duration" />
        </div>
        {catalog.datasets.length === 0 ? (
          <Empty title="No data sets yet">The catalog is empty.</Empty>
        ) : shown.length === 0 ? (
          <Empty title="Nothing matches">No data set or field matches “{query.trim()}”.</Empty>
        ) : (
          <ul class={styles.datasets}>
            {shown.map(({ dataset, matchingFields }) => (
              <li key={dataset.name}>
                <a class={styles.dataset} href={`/model/${dataset.name}`}>
                  <span class={styles.datasetHead}>
                    <span class={styles.datasetLabel}>{dataset.label}</span>
                    <ReportableBadge reportable={dataset.reportable} />
                  </span>
                  <span class={styles.datasetText}>{dataset.description}</span>
                  <span class={styles.datasetFoot}>
                    <code>{dataset.name}</code>
                    <span>
                      {matchingFields > 0
                        ? `${matchingFields} of ${dataset.fields.length} fields match`
                        : `${dataset.fields.length} fields`}
                    </span>
                  </span>
                </a>
              </li>
            ))}
          </ul>
        )}
      </section>

      <div class={styles.lower}>
        <Card title="Entities" description="Shared lists that data sets point to, loaded from their own files." flush>
          {catalog.entities.length === 0 ? (
            <div class={styles.inset}>
              <Empty title="No entities" />
            </div>
          ) : (
            <DataTable caption="Entities" bare align="top">
              <thead>
                <tr>
                  <th scope="col">Entity</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Description</th>
                  <th scope="col">Files</th>
                </tr>
              </thead>
              <tbody>
                {catalog.entities.map((e) => (
                  <tr key={e.kind}>
                    <th scope="row" class={styles.fieldLabel}>
                      {e.label}
                    </th>
                    <td>
                      <code class={styles.code}>{e.kind}</code>
                    </td>
                    <td class={styles.description}>{e.description}</td>
                    <td>
                      <ul class={styles.files}>
                        {e.files.map((f) => (
                          <li key={f}>
                            <code class={styles.code}>{f}</code>
                          </li>
                        ))}
                      </ul>
                    </td>
                  </tr>
                ))}
              </tbody>
            </DataTable>
          )}
        </Card>
        <Limits limits={catalog.limits} />
      </div>
    </div>
  );
}

/** `/model` lists the data sets; `/model/<name>` shows one data set's fields. */
export function LogicalModelPage({ name }: { name?: string }) {
  const model = useModel(CatalogModel);
  const catalog = model.catalog.value;

  if (model.state.value === "error") {
    return (
      <div>
        <PageHeader title="Logical model" />
        <LoadError message={model.error.value ?? ""} onRetry={() => model.reload()} />
      </div>
    );
  }
  if (!catalog) {
    return (
      <div>
        <PageHeader title="Logical model" />
        <Loading label="Loading the logical model…" rows={5} />
      </div>
    );
  }
  return (
    <div>
      {name ? (
        <DatasetDetail model={model} catalog={catalog} name={name} />
      ) : (
        <Overview model={model} catalog={catalog} />
      )}
    </div>
  );
}
