import { AwsClient } from "aws4fetch";
import { EXPORT_FILE_NAMES, type ExportDataset } from "../../schemas/export";
import { signingSecret } from "../accounts/auth";
import type { Bindings } from "../env";
import { hmac, timingSafeEqual } from "../lib/crypto";
import { forbidden } from "../lib/errors";
import { nowSeconds } from "../lib/time";
import { EXPORT_LIMITS } from "./limits";

/** How long a download link works (seed 004: one hour). */
export const DOWNLOAD_LINK_SECONDS = EXPORT_LIMITS.linkSeconds;

/** Where an export's file is stored in R2. */
export function exportObjectKey(accountId: string, exportId: string, dataset: ExportDataset): string {
  return `export/${accountId}/${exportId}/${EXPORT_FILE_NAMES[dataset]}`;
}

const sign = (env: Bindings, accountId: string, exportId: string, file: string, expires: number) =>
  hmac(signingSecret(env), `export-download:${accountId}:${exportId}:${file}:${expires}`);

/**
 * A link to one finished file, valid for exactly one hour from `now`: an R2 presigned URL when
 * the S3 credentials are configured, otherwise a link to this Worker signed with HMAC.
 */
export async function downloadUrl(
  env: Bindings,
  origin: string,
  accountId: string,
  exportId: string,
  dataset: ExportDataset,
  now = nowSeconds(),
): Promise<string> {
  const file = EXPORT_FILE_NAMES[dataset];
  if (env.R2_S3_ENDPOINT && env.R2_S3_BUCKET && env.R2_S3_ACCESS_KEY_ID && env.R2_S3_SECRET_ACCESS_KEY) {
    return presignedR2Url(
      {
        endpoint: env.R2_S3_ENDPOINT,
        bucket: env.R2_S3_BUCKET,
        accessKeyId: env.R2_S3_ACCESS_KEY_ID,
        secretAccessKey: env.R2_S3_SECRET_ACCESS_KEY,
      },
      exportObjectKey(accountId, exportId, dataset),
      now,
      file,
    );
  }
  const expires = now + DOWNLOAD_LINK_SECONDS;
  const signature = await sign(env, accountId, exportId, file, expires);
  return `${origin}/api/v1/export/files/${accountId}/${exportId}/${file}?expires=${expires}&signature=${signature}`;
}

/** S3 SigV4 query-signed GET of `key`, valid one hour, downloading as `fileName`. */
export async function presignedR2Url(
  s3: { endpoint: string; bucket: string; accessKeyId: string; secretAccessKey: string; region?: string },
  key: string,
  now: number,
  fileName: string,
): Promise<string> {
  const client = new AwsClient({
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    service: "s3",
    region: s3.region ?? "auto",
  });
  const url = new URL(`${s3.endpoint.replace(/\/$/, "")}/${s3.bucket}/${key}`);
  url.searchParams.set("X-Amz-Expires", String(DOWNLOAD_LINK_SECONDS));
  url.searchParams.set("response-content-disposition", `attachment; filename="${fileName}"`);
  const datetime = new Date(now * 1000).toISOString().replace(/[:-]|\.\d{3}/g, "");
  const signed = await client.sign(url.toString(), { method: "GET", aws: { signQuery: true, datetime } });
  return signed.url;
}

/**
 * Checks a Worker-signed download link. A wrong signature and an unknown file answer the same
 * 403, so a tampered link learns nothing; only a genuine link is told that it expired.
 */
export async function verifyDownload(
  env: Bindings,
  link: { accountId: string; exportId: string; file: string; expires: string; signature: string },
  now = nowSeconds(),
): Promise<ExportDataset> {
  const expires = Number(link.expires);
  const expected = await sign(env, link.accountId, link.exportId, link.file, expires);
  const dataset = (Object.keys(EXPORT_FILE_NAMES) as ExportDataset[]).find((d) => EXPORT_FILE_NAMES[d] === link.file);
  if (!Number.isSafeInteger(expires) || !(await timingSafeEqual(link.signature, expected)) || !dataset) {
    throw forbidden("DOWNLOAD_LINK_INVALID", "The download link is not valid.");
  }
  if (now > expires) {
    throw forbidden("DOWNLOAD_LINK_EXPIRED", "The download link has expired. Read the export's status for new links.");
  }
  return dataset;
}
