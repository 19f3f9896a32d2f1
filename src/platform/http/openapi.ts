import { z } from 'zod';
import type { InputSchemas } from './validate.ts';

export interface DocumentedRoute {
  method: string;
  path: string;
  summary: string;
  tag: string;
  security: string | null;
  input: InputSchemas;
}

function jsonSchema(schema: z.ZodType) {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, any>;
}

function parametersOf(where: 'path' | 'query', schema: z.ZodType | undefined) {
  if (!schema) return [];
  const s = jsonSchema(schema);
  const required = new Set<string>(s.required ?? []);
  return Object.entries<any>(s.properties ?? {}).map(([name, prop]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: prop,
    ...(prop.description ? { description: prop.description } : {}),
  }));
}

/** Collects routes as they are declared and renders them as an OpenAPI 3.1 document. */
export class OpenApiRegistry {
  private readonly routes: DocumentedRoute[] = [];

  add(route: DocumentedRoute): void {
    this.routes.push(route);
  }

  document(info: { title: string; version: string }) {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const r of this.routes) {
      const path = r.path.replace(/:(\w+)/g, '{$1}');
      paths[path] ??= {};
      paths[path][r.method.toLowerCase()] = {
        summary: r.summary,
        tags: [r.tag],
        ...(r.security ? { security: [{ [r.security]: [] }] } : {}),
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
        securitySchemes: {
          operatorKey: { type: 'http', scheme: 'bearer' },
          internalSecret: { type: 'apiKey', in: 'header', name: 'x-book8-internal-secret' },
        },
      },
      paths,
    };
  }
}
