import { z } from 'zod';
import type { Access } from '../auth/roles.ts';
import type { InputSchemas } from './validate.ts';

export interface DocumentedRoute {
  method: string;
  path: string;
  summary: string;
  tag: string;
  /** Security schemes, any one of which the route accepts. */
  security: string[];
  /** The least role, or public (`x-required-role` in the document). */
  access: Access;
  input: InputSchemas;
}

interface JsonSchema {
  required?: string[];
  properties?: Record<string, JsonSchema & { description?: string }>;
  [key: string]: unknown;
}

function jsonSchema(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

function parametersOf(where: 'path' | 'query', schema: z.ZodType | undefined) {
  if (!schema) return [];
  const s = jsonSchema(schema);
  const required = new Set<string>(s.required ?? []);
  return Object.entries(s.properties ?? {}).map(([name, prop]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: prop,
    ...(prop.description ? { description: prop.description } : {}),
  }));
}

/** The operator identity every module's operator routes accept. */
const PLATFORM_SCHEMES: Record<string, Record<string, unknown>> = {
  operatorKey: { type: 'http', scheme: 'bearer', description: 'An operator API key' },
  sessionCookie: { type: 'apiKey', in: 'cookie', name: 'ops_session', description: 'The session from /admin/login' },
};

/** Collects routes as they are declared and renders them as an OpenAPI 3.1 document. */
export class OpenApiRegistry {
  private readonly routes: DocumentedRoute[] = [];
  private readonly schemes: Record<string, Record<string, unknown>>;

  /** `schemes`: the security schemes the platform and the modules declare. */
  constructor(schemes: Record<string, Record<string, unknown>> = {}) {
    this.schemes = { ...PLATFORM_SCHEMES, ...schemes };
  }

  add(route: DocumentedRoute): void {
    this.routes.push(route);
  }

  /** Every route declared so far (the route sweep test walks these). */
  list(): readonly DocumentedRoute[] {
    return this.routes;
  }

  document(info: { title: string; version: string }) {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const r of this.routes) {
      const path = r.path.replace(/:(\w+)/g, '{$1}');
      paths[path] ??= {};
      paths[path][r.method.toLowerCase()] = {
        summary: r.summary,
        tags: [r.tag],
        ...(r.security.length ? { security: r.security.map((name) => ({ [name]: [] })) } : {}),
        'x-required-role': r.access,
        parameters: [...parametersOf('path', r.input.params), ...parametersOf('query', r.input.query)],
        ...(r.input.body
          ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(r.input.body) } } } }
          : {}),
        responses: { default: { description: 'See the module specification for the envelope' } },
      };
    }
    return {
      openapi: '3.1.0',
      info,
      components: {
        securitySchemes: this.schemes,
      },
      paths,
    };
  }
}
