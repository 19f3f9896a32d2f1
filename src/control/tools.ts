import { z } from 'zod';

/** A display name; "" (an empty n8n field) means "not given", so the businessId is used. */
const name = z
  .string({ error: 'must be a string' })
  .max(200)
  .optional()
  .transform((v) => (v?.trim() ? v : undefined));

export const businessIdSchema = z
  .string({ error: 'is required and must be a string' })
  .min(1, 'must not be empty')
  .max(100)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'may only contain letters, digits, _ . : -');

/** The allowlist of tools: scope, argument schema, what the GET health lists. */
export const TOOLS = {
  'tenant.ensure': {
    requiredScope: 'tenant.write',
    args: z.object({ businessId: businessIdSchema, name }).strict(),
    description: 'Create or verify a business record exists',
  },
  'tenant.bootstrap': {
    requiredScope: 'tenant.write',
    args: z
      .object({
        businessId: businessIdSchema,
        name,
        skipVoiceTest: z.boolean({ error: 'must be a boolean' }).default(false),
        skipBillingCheck: z.boolean({ error: 'must be a boolean' }).default(false),
      })
      .strict(),
    description: 'Run full tenant onboarding in one call',
  },
  'billing.validateStripeConfig': {
    requiredScope: 'billing.read',
    args: z.object({ businessId: businessIdSchema.optional() }).strict(),
    description: 'Validate Stripe environment configuration',
  },
  'voice.smokeTest': {
    requiredScope: 'voice.test',
    args: z.object({ businessId: businessIdSchema.optional() }).strict(),
    description: 'Health check voice/AI calling services',
  },
  'tenant.provisioningSummary': {
    requiredScope: 'tenant.read',
    args: z.object({ businessId: businessIdSchema }).strict(),
    description: 'Get complete tenant provisioning state',
  },
} as const;

export type ToolName = keyof typeof TOOLS;
export const TOOL_NAMES = Object.keys(TOOLS) as ToolName[];
export const isToolName = (name: string): name is ToolName => Object.hasOwn(TOOLS, name);

export type ToolArgs<T extends ToolName> = z.output<(typeof TOOLS)[T]['args']>;

/** Required argument names, read from the schema so the health listing never drifts. */
export function requiredArgs(tool: ToolName): string[] {
  const shape = TOOLS[tool].args.shape as Record<string, z.ZodType>;
  return Object.entries(shape)
    .filter(([, s]) => !s.safeParse(undefined).success)
    .map(([k]) => k);
}

export const CONTROL_PLANE_VERSION = 'v1.3.0';
