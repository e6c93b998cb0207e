import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { REPO_ROOT } from '../config/temp-project';

/** The OpenAPI document as served (only the parts these helpers read). */
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, { description: string; content?: Record<string, { schema?: unknown }> }>; requestBody?: unknown; 'x-access'?: string }>>;
  components: Record<string, unknown>;
}

/**
 * Checks the document with @seriousme/openapi-schema-validator (the OpenAPI 3.1 meta-schema; an
 * ESM-only package, so it runs as its own CLI in a child process) and answers its error list.
 */
export function validateOpenApiDocument(document: unknown, file: string): Promise<unknown[]> {
  writeFileSync(file, JSON.stringify(document));
  const cli = path.join(REPO_ROOT, 'node_modules', '.bin', 'validate-api');
  return new Promise((resolve, reject) => {
    execFile(cli, [file], { timeout: 30_000 }, (error, stdout) => {
      try {
        const result = JSON.parse(stdout) as { valid: boolean; errors?: unknown[] };
        resolve(result.valid ? [] : result.errors ?? ['invalid, no errors listed']);
      } catch {
        reject(error ?? new Error(`validate-api printed no JSON: ${stdout}`));
      }
    });
  });
}

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/**
 * Validates bodies against the schemas of the document itself (JSON Schema 2020-12, as OpenAPI 3.1
 * uses), so `$ref`s into `components` resolve as a client generator would resolve them.
 */
export class ResponseValidator {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: true });

  constructor(private readonly document: OpenApiDocument) {
    addFormats(this.ajv);
    this.ajv.addSchema({ ...document, $id: 'tf:openapi' } as never);
  }

  /** Errors of `value` against the schema at `/paths/<path>/<method>/...` (empty when valid). */
  check(location: string[], value: unknown): string[] {
    const validate = this.ajv.compile({ $ref: `tf:openapi#/${pointer(...location)}` });
    return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  }

  /** Every schema in the document, compiled (and so checked against the 2020-12 meta-schema). */
  compileAll(): string[] {
    const problems: string[] = [];
    for (const [route, operations] of Object.entries(this.document.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        const locations: string[][] = [];
        for (const type of Object.keys((op.requestBody as { content?: object } | undefined)?.content ?? {})) locations.push(['paths', route, method, 'requestBody', 'content', type, 'schema']);
        for (const [status, response] of Object.entries(op.responses)) {
          for (const type of Object.keys(response.content ?? {})) locations.push(['paths', route, method, 'responses', status, 'content', type, 'schema']);
        }
        for (const location of locations) {
          try {
            this.ajv.compile({ $ref: `tf:openapi#/${pointer(...location)}` });
          } catch (error) {
            problems.push(`${method.toUpperCase()} ${route} ${location.slice(3).join(' ')}: ${(error as Error).message}`);
          }
        }
      }
    }
    return problems;
  }
}
