import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { ExportDataset, ExportStarted, ExportStatus } from "../../schemas/export";
import { addSource } from "../../workers/accounts/accounts";
import worker from "../../workers/index";
import { call, createAccount, createApiKey, db } from "./helpers";
import { ingest, makeZip } from "./ingest-helpers";

/** A fresh account with an export+ingest key and one Ingest API source. */
export async function exportAccount() {
  const { account, admin } = await createAccount();
  const key = await createApiKey(account.id, ["ingest", "export"]);
  const source = await addSource(db(), account.id, { name: "Contact center", type: "ingest-api" });
  return { accountId: account.id, admin, apiKey: key.secret, sourceId: source.id };
}

export const bearer = (apiKey: string) => ({ authorization: `Bearer ${apiKey}` });

/** `POST /api/v1/export?…` with the key. */
export function startExport(apiKey: string, query: Record<string, string>): Promise<Response> {
  return call(`/api/v1/export?${new URLSearchParams(query)}`, { method: "POST", headers: bearer(apiKey) });
}

/** Runs the queue consumer on one export message, as the platform would deliver it. */
export async function deliverExport(accountId: string, exportId: string, attempts = 1) {
  const batch = createMessageBatch("brine-jobs", [
    { id: crypto.randomUUID(), timestamp: new Date(), attempts, body: { kind: "export", accountId, exportId } },
  ]);
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  return getQueueResult(batch, ctx);
}

export async function exportStatus(apiKey: string, exportId: string): Promise<ExportStatus> {
  const res = await call(`/api/v1/export/${exportId}/status`, { headers: bearer(apiKey) });
  if (res.status !== 200) throw new Error(`status ${res.status}: ${await res.text()}`);
  return (await res.json()) as ExportStatus;
}

/** Downloads a signed link through the Worker. */
export function download(link: string, headers: Record<string, string> = {}): Promise<Response> {
  const url = new URL(link);
  return call(`${url.pathname}${url.search}`, { headers });
}

/** Starts an export, runs its job to the end and returns the CSV text of each file. */
export async function runExportToFiles(
  apiKey: string,
  accountId: string,
  query: Record<string, string>,
): Promise<{ exportId: string; status: ExportStatus; files: Partial<Record<ExportDataset, string>> }> {
  const res = await startExport(apiKey, query);
  if (res.status !== 200) throw new Error(`export refused: ${res.status} ${await res.text()}`);
  const { exportId } = (await res.json()) as ExportStarted;
  let status = await exportStatus(apiKey, exportId);
  for (let i = 0; i < 50 && status.status === "PROCESSING"; i++) {
    await deliverExport(accountId, exportId);
    status = await exportStatus(apiKey, exportId);
  }
  const files: Partial<Record<ExportDataset, string>> = {};
  for (const [dataset, link] of Object.entries(status.downloadUrls) as [ExportDataset, string][]) {
    const file = await download(link);
    if (file.status !== 200) throw new Error(`download ${dataset}: ${file.status}`);
    files[dataset] = await file.text();
  }
  return { exportId, status, files };
}

/** The day every fixture engagement is placed in. */
export const DAY = "2024-03-05";

/**
 * A small contact center's day through the Ingest API: two agents, three customers (two joined
 * by a shared e-mail), five engagements (one the day before, one the day after), turns with
 * content, reviews with questions and answers, and every entity file.
 */
export async function loadFixture(apiKey: string, sourceId: string) {
  const zip = makeZip({
    "agent.jsonl": [
      {
        externalId: "a-1",
        name: "Ann Agent",
        email: "ann@cc.example",
        status: "Active",
        type: "Human",
        hourlyCost: 21.5,
        engagementCost: 1.25,
        teamExternalId: "t-1",
        departmentExternalId: "d-1",
        location: "Prague",
        organization: "CC s.r.o.",
        role: "Agent",
        manager: "Mia Manager",
      },
      { externalId: "bot-1", name: '=HYPERLINK("http://evil")', type: "Bot", status: "Active" },
    ],
    "agent_team.jsonl": [{ externalId: "t-1", name: "Tier 1" }],
    "agent_department.jsonl": [{ externalId: "d-1", name: "Care" }],
    "customer.jsonl": [
      {
        externalId: "c-1",
        name: 'Jane "JD" Doe, Jr.',
        link: "https://crm.example/c-1",
        type: "Customer",
        category: "Gold",
        segment: "Retail",
        organization: "Doe Inc",
        region: "EU",
        country: "CZ",
        state: "Praha",
      },
      { externalId: "c-2", name: "Ji-woo 김", country: "KR" },
      { externalId: "c-3", name: "+1 555 0100 (caller)" },
    ],
    "customer_contact.jsonl": [
      { contact: "jane@example.com", type: "EMAIL", customerExternalId: "c-1" },
      { contact: "+420 777 123 456", type: "PHONE", customerExternalId: "c-1" },
      { contact: "jane@example.com", type: "EMAIL", customerExternalId: "c-2" },
      { contact: "ghost@example.com", type: "EMAIL", customerExternalId: "c-missing" },
    ],
    "engagement_queue.jsonl": [{ externalId: "q-1", name: "Billing" }],
    "engagement_channel.jsonl": [{ externalId: "ch-1", name: "Web Chat" }],
    "engagement_outcome.jsonl": [{ externalId: "o-1", name: "Solved" }],
    "engagement_outcome_category.jsonl": [{ externalId: "oc-1", name: "Success" }],
    "engagement_campaign.jsonl": [{ externalId: "cp-1", name: "Spring" }],
    "engagement_menu_path.jsonl": [{ externalId: "mp-1", name: "Main > Billing" }],
    "engagement_company_contact.jsonl": [{ externalId: "cc-1", name: "support@cc.example" }],
    "engagement_engaged_team.jsonl": [{ externalId: "t-1", name: "Tier 1" }],
    "engagement_engaged_department.jsonl": [{ externalId: "d-1", name: "Care" }],
    "turn_category.jsonl": [{ externalId: "tc-1", name: "Greeting" }],
    "service.jsonl": [{ externalId: "s-1", name: "Mortgage" }],
    "external_agent.jsonl": [{ externalId: "x-1", name: "Partner Pete" }],
    "engagement.jsonl": [
      {
        externalId: "e-before",
        customerExternalId: "c-1",
        agentExternalId: "a-1",
        startTime: "2024-03-04T23:59:59Z",
        type: "Agent",
      },
      {
        externalId: "e-1",
        name: "Chat about a bill",
        link: "https://cc.example/e-1",
        agentExternalId: "a-1",
        customerExternalId: "c-1",
        externalAgentExternalId: "x-1",
        serviceExternalId: "s-1",
        conversationExternalId: "conv-1",
        conversationStartTime: `${DAY}T00:00:00Z`,
        startTime: `${DAY}T00:00:00Z`,
        endTime: `${DAY}T00:10:00Z`,
        channelType: "CHAT",
        direction: "Inbound",
        status: "Completed",
        type: "Agent",
        outcomeType: "Completed",
        serviceLevel: "Met",
        terminatedBy: "Customer",
        initiatedBy: "Customer",
        resolution: "Resolved",
        channelExternalId: "ch-1",
        queueExternalId: "q-1",
        teamExternalId: "t-1",
        departmentExternalId: "d-1",
        outcomeExternalId: "o-1",
        outcomeCategoryExternalId: "oc-1",
        campaignExternalId: "cp-1",
        menuPathExternalId: "mp-1",
        companyContactExternalId: "cc-1",
        reason: "Billing",
        reasonCategory: "Money",
        caseName: "CASE-1",
        platform: "Brine",
        language: "en",
        channelVendor: "Brine Chat",
        category: "Support",
        priority: "High",
        flow: "Billing flow",
        brand: "CC",
        topicCategory: "Invoices",
        topic: "Late fee",
        attribute01: "-2 days",
        attribute02: "@home",
        attribute03: "+vip",
        attribute04: "line1\nline2",
        agentLocation: "Prague",
        agentRole: "Agent",
        agentOrganization: "CC s.r.o.",
        cost: 2.75,
        engagementTime: 540.5,
        focusTime: 500,
        holdTime: 0,
        invitationTime: 3.25,
        menuTime: 12,
        preparationTime: 1.5,
        waitTime: 45,
        wrapUpTime: 30,
        totalTime: 600,
        waitForCustomerTime: 20.001,
        engagementFact01: -1.5,
        engagementFact02: 0,
        engagementFact03: 1000000,
        orderAgentEngagements: 1,
        totalConversationAgentEngagements: 2,
      },
      {
        externalId: "e-2",
        agentExternalId: "bot-1",
        customerExternalId: "c-2",
        conversationExternalId: "conv-2",
        startTime: `${DAY}T12:00:00Z`,
        channelType: "VOICE",
        type: "Bot",
      },
      {
        externalId: "e-3",
        customerExternalId: "c-3",
        startTime: `${DAY}T23:59:59Z`,
        channelType: "EMAIL",
        type: "Queue",
        outcomeType: "Customer Left",
      },
      { externalId: "e-after", customerExternalId: "c-3", startTime: "2024-03-06T00:00:00Z", type: "Queue" },
    ],
    "turn.jsonl": [
      {
        externalId: "t-1",
        engagementExternalId: "e-1",
        turnTime: `${DAY}T00:00:05Z`,
        participant: "CUSTOMER",
        type: "MESSAGE",
        origin: "widget",
        categoryExternalId: "tc-1",
        length: 24,
        sentiment: -0.25,
        confidence: 0.9,
        quality: 0.5,
        languageAgent: "en",
        languageCustomer: "cs",
        languageContent: "en",
      },
      {
        externalId: "t-2",
        engagementExternalId: "e-1",
        turnTime: `${DAY}T00:01:00Z`,
        responseToExternalId: "t-1",
        participant: "AGENT",
        agentExternalId: "a-1",
        type: "MESSAGE",
        duration: 2.5,
      },
      { externalId: "t-3", engagementExternalId: "e-2", turnTime: `${DAY}T12:00:01Z`, participant: "BOT" },
      { externalId: "t-before", engagementExternalId: "e-before", participant: "CUSTOMER" },
    ],
    "turn_content.jsonl": [
      { turnExternalId: "t-1", content: 'Hi, my bill is wrong, "again"', contentCustomer: "Ahoj, účet je špatně" },
      { turnExternalId: "t-2", content: "=1+1 Let me check.\r\nOne moment.", contentAgent: "\tindented" },
    ],
    "reviewer.jsonl": [{ externalId: "r-1", name: "Quality Quinn", type: "Human" }],
    "question.jsonl": [{ externalId: "q-csat", name: "CSAT", type: "Scale", worstScore: 1, bestScore: 5 }],
    "answer.jsonl": [
      { externalId: "ans-5", questionExternalId: "q-csat", name: "Very satisfied", score: 5, position: 5 },
      { externalId: "ans-why", questionExternalId: "q-csat", name: "Quick answer", score: 0, position: 6 },
    ],
    "review.jsonl": [
      {
        externalId: "rev-1",
        engagementExternalId: "e-1",
        turnExternalId: "t-2",
        reviewerExternalId: "r-1",
        questionExternalId: "q-csat",
        answerExternalId: "ans-5",
        answerReasonExternalId: "ans-why",
        answerReasonText: "fast",
        reviewTime: `${DAY}T08:00:00Z`,
        reviewSessionId: "sess-1",
        status: "Approved",
        sampling: "Random",
        type: "Score",
        kind: "Manual",
        answerType: "Number",
        confidence: 1,
        score: 5,
        answerScore: 5,
        worstScore: 1,
        bestScore: 5,
        comment: 'Great, "fast"',
        commentTranslated: "Skvělé",
        commentLanguage: "en",
        commentTranslatedLanguage: "cs",
        verified: true,
        verifiedBy: "Boss",
        verificationComment: "ok",
        version: 2,
        formId: "form-1",
      },
      { externalId: "rev-2", engagementExternalId: "e-2", kind: "Customer", verified: false },
      { externalId: "rev-before", engagementExternalId: "e-before", kind: "Manual" },
    ],
  });
  const batch = await ingest(apiKey, sourceId, zip);
  if (batch.status !== "COMPLETED") throw new Error(`fixture did not load: ${JSON.stringify(batch)}`);
  return batch;
}
