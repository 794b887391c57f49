import { compressions, exportFormats, jobStatuses } from '@exportkit/core';
import { z } from 'zod';
import { httpErrorCodes } from './error-response.js';

/**
 * The request and response shapes of the export endpoints, in zod. Requests are parsed with
 * them; the OpenAPI document is generated from them, so the two cannot drift apart.
 */

/** Path parameter `id`: the sha256 export id. */
export const exportIdSchema = z
  .string()
  .regex(/^[a-f0-9]{64}$/)
  .meta({ description: 'The export id: 64 lowercase hex characters.' });

/** CSV options of a create request. */
export const csvOptionsSchema = z
  .strictObject({
    delimiter: z.string().length(1).optional(),
    lineEnding: z.enum(['crlf', 'lf']).optional(),
    bom: z.boolean().optional(),
    header: z.boolean().optional(),
    profile: z.enum(['rfc4180', 'spreadsheet']).optional(),
  })
  .meta({ description: 'CSV options; ignored for other formats.' });

/**
 * Body of `POST /exports`. Strict: an unknown key (a `tenantId` above all) is rejected, because
 * the tenant and the requester come from authentication only.
 */
export const createExportBodySchema = z.strictObject({
  type: z.string().min(1).max(200).meta({ description: 'A registered export type.' }),
  filters: z
    .record(z.string(), z.unknown())
    .optional()
    .meta({ description: "Type-specific filters, validated by the type's parser." }),
  format: z.enum(exportFormats).optional().meta({ description: 'Output format. Default `csv`.' }),
  compression: z.enum(compressions).optional().meta({ description: 'Default `none`.' }),
  columns: z
    .array(z.string().min(1).max(200))
    .min(1)
    .max(500)
    .optional()
    .meta({ description: "A subset of the type's columns, in output order." }),
  csv: csvOptionsSchema.optional(),
});

/** Query of `GET /exports`. */
export const listQuerySchema = z.strictObject({
  status: z
    .string()
    .regex(new RegExp(`^(${jobStatuses.join('|')})(,(${jobStatuses.join('|')}))*$`))
    .optional()
    .meta({ description: `Comma-separated statuses to keep: ${jobStatuses.join(', ')}.` }),
  limit: z
    .string()
    .regex(/^[0-9]+$/)
    .refine((value) => Number(value) >= 1 && Number(value) <= 100, 'limit is 1 to 100')
    .optional()
    .meta({ description: 'Page size, 1 to 100. Default 50.' }),
  cursor: z
    .string()
    .min(1)
    .max(2000)
    .optional()
    .meta({ description: 'The `nextCursor` of the previous page.' }),
});

/** Query of `GET /exports/{id}/download`. */
export const downloadQuerySchema = z.strictObject({
  part: z
    .string()
    .regex(/^[1-9][0-9]{0,5}$/)
    .optional()
    .meta({ description: '1-based part number. Default 1.' }),
});

const progressSchema = z.object({
  rows: z.number(),
  bytes: z.number(),
  parts: z.number(),
  estimatedRows: z.number().optional(),
  fraction: z.number().optional(),
  etaMs: z.number().optional(),
  updatedAt: z.string(),
});

/** One part's download link. */
export const exportFileSchema = z.object({
  part: z.number().int(),
  url: z.string(),
  expiresAt: z.string(),
  rows: z.number(),
  bytes: z.number(),
  sha256: z.string(),
  fileName: z.string(),
});

/** What the endpoints say about one export. */
export const exportViewSchema = z.object({
  exportId: z.string(),
  tenantId: z.string(),
  type: z.string(),
  status: z.enum(jobStatuses),
  format: z.enum(exportFormats),
  compression: z.enum(compressions),
  createdAt: z.string(),
  updatedAt: z.string(),
  requestedBy: z.string().optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  progress: progressSchema.optional(),
  error: z.object({ code: z.string(), message: z.string(), retryable: z.boolean() }).optional(),
  result: z
    .object({
      rows: z.number(),
      bytes: z.number(),
      parts: z.number(),
      truncated: z.object({ reason: z.string(), limit: z.number() }).optional(),
    })
    .optional(),
  files: z.array(exportFileSchema).optional(),
});

/** Body of `POST /exports` responses. */
export const requestOutcomeSchema = z.object({
  outcome: z.enum(['cached', 'in-progress', 'queued']),
  export: exportViewSchema,
});

/** Body of `GET /exports`. */
export const exportPageSchema = z.object({
  items: z.array(exportViewSchema),
  nextCursor: z.string().optional(),
});

/** Body of the 302 from `GET /exports/{id}/download`. */
export const downloadRedirectSchema = z.object({
  url: z.string(),
  expiresAt: z.string(),
  part: z.number().int(),
});

/** Body of every error response. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.string().meta({
      description: `A stable code: a core error code or one of ${httpErrorCodes.join(', ')}.`,
    }),
    message: z.string(),
    details: z.record(z.string(), z.unknown()),
  }),
});
