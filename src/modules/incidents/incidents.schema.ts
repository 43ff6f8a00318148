import { z } from 'zod';
import { ACTION_TYPES, REJECTION_KINDS, TIME_UNITS } from '../../core/workflow/index.ts';
import { PageQuery } from '../../platform/http/pagination.ts';
import { CONTACT_METHODS } from './incidents.service.ts';
import { MAX_PHOTO_BYTES, MAX_PHOTOS } from './photos.ts';

const Localized = z.object({ 'zh-CN': z.string(), en: z.string() });
const Any = z.record(z.string(), z.unknown());

export const IdParam = z.object({ id: z.uuid('must be an incident id (uuid)') });

const Contact = z
  .strictObject({
    method: z.enum(CONTACT_METHODS, `method must be one of ${CONTACT_METHODS.join(', ')}`),
    phone: z
      .string()
      .regex(/^\+?[0-9]{6,15}$/, 'must be a phone number of 6 to 15 digits')
      .optional(),
    email: z.email('must be an e-mail address').max(200).optional(),
  })
  .superRefine((c, ctx) => {
    if ((c.method === 'phone' || c.method === 'sms') && !c.phone)
      ctx.addIssue({
        code: 'custom',
        path: ['phone'],
        message: `a phone number is needed to be contacted by ${c.method}`,
      });
    if (c.method === 'email' && !c.email)
      ctx.addIssue({
        code: 'custom',
        path: ['email'],
        message: 'an e-mail address is needed to be contacted by e-mail',
      });
  });

// Base64 of the largest accepted photo, with room for a data: URL prefix; larger strings are refused unread.
const MAX_BASE64 = Math.ceil(MAX_PHOTO_BYTES / 3) * 4 + 100;

const Photos = (what: string) =>
  z
    .array(
      z.strictObject({
        data: z
          .string()
          .max(MAX_BASE64, `a photo is at most ${MAX_PHOTO_BYTES / (1024 * 1024)} MB`)
          .describe('Base64 (or a data: URL) of a JPEG, PNG or WebP file'),
      }),
    )
    .max(MAX_PHOTOS, `at most ${MAX_PHOTOS} photos per ${what}`);

export const ReportBody = z.strictObject({
  categoryCode: z.string().regex(/^\d{4}$/, "a category code is 4 digits, e.g. '0101'"),
  description: z.string().trim().min(2, 'describe the problem (at least 2 characters)').max(4000),
  lat: z.number().min(-90, 'latitude must be ≥ -90').max(90, 'latitude must be ≤ 90'),
  lng: z.number().min(-180, 'longitude must be ≥ -180').max(180, 'longitude must be ≤ 180'),
  address: z.string().trim().max(300).optional(),
  contact: Contact.optional(),
  photos: Photos('report').optional(),
  source: z.enum(['hotline', 'video', 'referral', 'grid_worker']).optional().describe('Staff only'),
  attributes: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional(),
});

export const ReportQuery = z.object({
  allowDuplicate: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
  duplicateOf: z.uuid('must be an incident id (uuid)').optional(),
});

export const ActionBody = z.strictObject({
  type: z.enum(ACTION_TYPES, `type must be one of ${ACTION_TYPES.join(', ')}`),
  reason: z.string().max(4000).optional(),
  categoryCode: z
    .string()
    .regex(/^\d{4}$/, "a category code is 4 digits, e.g. '0101'")
    .optional(),
  rejection: z.enum(REJECTION_KINDS).optional(),
  duplicateOf: z.uuid().optional(),
  assigneeId: z.uuid('must be a staff id (uuid)').optional(),
  extension: z.strictObject({ amount: z.number().positive(), unit: z.enum(TIME_UNITS) }).optional(),
  rating: z.number().int().min(1).max(5).optional(),
  publicNote: z.string().max(1000).optional(),
  expectedVersion: z.number().int().min(1).optional(),
  photos: Photos('step').optional().describe('feedback only: on-site photos of the result (处置反馈)'),
});

export const ListQuery = PageQuery.extend({
  gridCode: z
    .string()
    .regex(/^\d{15}$/, 'must be a 15-digit unit-grid code')
    .optional(),
  jurisdictionId: z.string().min(1).max(20).optional(),
  stage: z.string().max(200).optional().describe("A stage, a comma list of stages, or 'open'"),
  overdue: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
  escalated: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true')
    .describe('Only incidents under escalated supervision (督办), by the overdue scanner or by hand'),
});

export const IncidentSummary = z.object({
  id: z.string(),
  categoryCode: z.string(),
  category: Localized,
  stage: z.string(),
  stageLabel: Localized,
  gridCode: z.string(),
  jurisdictionPath: z.string(),
  location: z.object({ lat: z.number(), lng: z.number() }),
  reportedAt: z.string(),
  updatedAt: z.string(),
  dueAt: z.string().nullable(),
  overdue: z.boolean(),
  escalationLevel: z.number(),
  assigneeId: z.string().nullable(),
});

export const IncidentOut = IncidentSummary.extend({
  version: z.number(),
  description: z.string(),
  address: z.string().nullable(),
  source: z.string(),
  reporter: z.object({ kind: z.string(), id: z.string() }).nullable(),
  contact: Any.nullable(),
  attributes: Any,
  publicNote: z.string().nullable(),
  duplicateOf: z.string().nullable(),
  supporters: z.number(),
  escalation: Any.nullable(),
  pendingExtension: Any.nullable(),
  handlerIds: z.array(z.string()),
  photos: z.array(
    z.object({ n: z.number(), contentType: z.string(), bytes: z.number(), sha256: z.string(), url: z.string() }),
  ),
  allowedActions: z.array(z.string()),
  timeline: z.array(Any),
});

export const ReportOut = z.object({
  outcome: z.enum(['created', 'attached']),
  incidentId: z.string(),
  /** The new incident; null when the report was attached to someone else's (their record stays theirs). */
  incident: IncidentOut.nullable(),
});
