/**
 * The runner's own response validators, compiled with ajv straight from openapi.yaml. Deliberately no
 * code shared with the mock's request pipeline (src/openapi/validators.ts): one bug must not hide in both.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { ResponseSpec, Schema, SpecDocument } from '../openapi/document.ts';

// ajv-formats is CommonJS with `exports.default` set: under Node ESM the default import is module.exports,
// which carries the plugin as `.default` too, as its types say.
const addFormats = addFormatsModule.default;

function runnerAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: true });
  addFormats(ajv);
  ajv.addFormat('int32', {
    type: 'number',
    validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31,
  });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  // Formats the spec may name that the runner checks itself (by value, in the rule checks), not here.
  for (const name of ['iana-time-zone', 'tz', 'timezone', 'time-zone']) ajv.addFormat(name, true);
  return ajv;
}

export interface SchemaProblem {
  message: string;
  /** Where in openapi.yaml the broken rule lives. */
  pointer: string;
}

export function mediaTypeOf(headers: Headers): string {
  return (headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * Compiled once per schema object for the whole process: a schema's validator does not depend on the run,
 * and compiling is most of what a short run costs (`diff` makes two runs; tests make dozens).
 */
let sharedAjv: Ajv | undefined;
const compiledSchemas = new WeakMap<object, ValidateFunction>();

function compiledFor(schema: Schema): ValidateFunction {
  let fn = compiledSchemas.get(schema);
  if (!fn) {
    sharedAjv ??= runnerAjv();
    fn = sharedAjv.compile(schema);
    compiledSchemas.set(schema, fn);
  }
  return fn;
}

export class ResponseValidators {
  constructor(
    private readonly doc: SpecDocument,
    /** Where a schema node lives in openapi.yaml (the spec's index; passed in, so that no import goes back). */
    private readonly pointerOf: (node: unknown) => string,
  ) {}

  /** The documented response for a status; one marked `x-mock-only` is not one a real server may give. */
  documented(operationId: string, status: number): ResponseSpec | undefined {
    const op = this.doc.byId.get(operationId);
    const response = op?.responses[String(status)] ?? op?.responses.default;
    return response?.['x-mock-only'] ? undefined : response;
  }

  schemaFor(operationId: string, status: number, headers: Headers): Schema | undefined {
    return this.documented(operationId, status)?.content?.[mediaTypeOf(headers)]?.schema;
  }

  validate(schema: Schema, value: unknown): SchemaProblem[] {
    const fn = compiledFor(schema);
    if (fn(value)) return [];
    const base = this.pointerOf(schema);
    return (fn.errors ?? []).map((e: ErrorObject) => ({
      message: `${e.instancePath || '(body)'} ${e.message}${allowedValues(e)}`,
      pointer: `${base}${e.schemaPath.replace(/^#/, '').replace(/\/(type|required|format|enum|minimum|maximum|minLength|maxLength|pattern|nullable)$/, '')}`,
    }));
  }

  /** Properties a body has that its schema does not declare, with where each schema lives. */
  undeclared(schema: Schema, value: unknown, path = ''): Array<{ path: string; pointer: string }> {
    const out: Array<{ path: string; pointer: string }> = [];
    if (value === null || typeof value !== 'object') return out;
    if (Array.isArray(value)) {
      if (schema.items)
        for (const [i, item] of value.entries()) out.push(...this.undeclared(schema.items, item, `${path}[${i}]`));
      return out;
    }
    if (!schema.properties || schema.additionalProperties !== undefined) return out;
    for (const [key, child] of Object.entries(value)) {
      const property = schema.properties[key];
      if (!property) out.push({ path: `${path}.${key}`.replace(/^\./, ''), pointer: this.pointerOf(schema) });
      else out.push(...this.undeclared(property, child, `${path}.${key}`));
    }
    return out;
  }
}

/** The values an enum allows, as ajv names them in its error, for the message. */
function allowedValues(error: ErrorObject): string {
  const allowed: unknown = error.params && 'allowedValues' in error.params ? error.params.allowedValues : undefined;
  return Array.isArray(allowed) ? ` (${allowed.join(', ')})` : '';
}
