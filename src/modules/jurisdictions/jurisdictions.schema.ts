import { z } from 'zod';

export const Names = z.object({ 'zh-CN': z.string(), en: z.string() });

export const JurisdictionSummary = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  level: z.string(),
  name: Names,
  path: z.array(z.string()),
  areaM2: z.number().nullable(),
  bbox: z.array(z.number()).nullable(),
  childCount: z.number().optional(),
  gridCount: z.number().optional(),
});

export const Geometry = z.unknown().describe('GeoJSON Polygon or MultiPolygon (RFC 7946)');

export const JurisdictionFeature = z.object({
  type: z.literal('Feature'),
  id: z.string(),
  geometry: Geometry,
  properties: JurisdictionSummary.extend({
    breadcrumb: z.array(z.object({ id: z.string(), level: z.string(), name: Names })).optional(),
  }),
});

export const JurisdictionCollection = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(JurisdictionFeature),
  nextCursor: z.string().nullable(),
});

export type TreeNodeOut = z.infer<typeof JurisdictionSummary> & { children: TreeNodeOut[] };
export const TreeNode: z.ZodType<TreeNodeOut> = z.lazy(() =>
  JurisdictionSummary.extend({ children: z.array(TreeNode) }),
) as z.ZodType<TreeNodeOut>;

export const CodeParam = z.object({
  id: z.string().regex(/^\d{6}(\d{3}){0,2}$/, 'must be a 6-, 9- or 12-digit jurisdiction code'),
});

export const CreateJurisdictionBody = z.strictObject({
  id: z.string().regex(/^\d{6}(\d{3}){0,2}$/, 'must be a 6-, 9- or 12-digit jurisdiction code'),
  parentId: z
    .string()
    .regex(/^\d{6}(\d{3}){0,2}$/, 'must be a jurisdiction code')
    .nullable(),
  nameZh: z.string().min(1).max(100),
  nameEn: z.string().min(1).max(200),
  geometry: z.record(z.string(), z.unknown()),
});
