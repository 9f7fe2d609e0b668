import { z } from 'zod';
import { defineEndpoint, publicAccess } from './endpoint.js';
import { type Regime, regimeSchema, requestTypeSchema } from './requests.js';

/** The languages the privacy portal speaks. */
export const portalLanguages = ['en', 'de', 'fr'] as const;
export const portalLanguageSchema = z.enum(portalLanguages);
export type PortalLanguage = z.infer<typeof portalLanguageSchema>;

/** The rights a person can exercise in the portal, per regime. */
export const portalRequestTypes = {
  gdpr: ['access', 'portability', 'rectification', 'erasure', 'restriction', 'objection'],
  ccpa: ['access', 'rectification', 'erasure', 'opt_out_sale_sharing', 'limit_sensitive'],
} as const satisfies Record<Regime, readonly z.infer<typeof requestTypeSchema>[]>;

export const portalInfoSchema = z.object({
  controller: z.object({
    name: z.string(),
    address: z.string(),
    email: z.string().nullable(),
    url: z.string(),
  }),
  requestTypes: z.object({ gdpr: z.array(requestTypeSchema), ccpa: z.array(requestTypeSchema) }),
  regimes: z.array(regimeSchema),
  languages: z.array(portalLanguageSchema),
  /** Whether THIS request carried `Sec-GPC: 1`: what the server actually received. */
  gpc: z.boolean(),
});
export type PortalInfo = z.infer<typeof portalInfoSchema>;

export const getPortalInfo = defineEndpoint({
  method: 'GET',
  path: '/api/v1/public/portal',
  summary:
    'What the privacy portal shows: the controller, the rights per regime, the languages, and whether this request carried the Global Privacy Control signal',
  tags: ['public'],
  access: publicAccess,
  response: { 200: portalInfoSchema },
});
