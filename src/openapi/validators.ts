/**
 * Request and response validators, compiled once from openapi.yaml. Request refusals carry the
 * constraint's own `x-error-message`, so the spec states each rule and its message in one place.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { invalidInput, messages, type Refusal } from '../domain/errors.ts';
import { isTimeZone } from '../domain/rules.ts';
import type { Operation, Parameter, ResponseSpec, Schema, SpecDocument } from './document.ts';
import { isObject } from './model.ts';
import type { CheckedBody, CheckedQuery, OperationId } from './operation-types.ts';

// ajv-formats is CommonJS with `exports.default` set: under Node ESM the default import is module.exports,
// which carries the plugin as `.default` too, as its types say.
const addFormats = addFormatsModule.default;

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };

export function createAjv(options: { allErrors: boolean }): Ajv {
  const ajv = new Ajv({ strict: false, verbose: true, allErrors: options.allErrors, unicodeRegExp: true });
  addFormats(ajv);
  ajv.addFormat('int32', {
    type: 'number',
    validate: (n: number) => Number.isInteger(n) && n >= INT32.min && n <= INT32.max,
  });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  // The spec's custom format for time zones (see info.description of openapi.yaml).
  ajv.addFormat('iana-time-zone', { type: 'string', validate: isTimeZone });
  return ajv;
}

export type QueryValues = Record<string, unknown>;

interface CompiledParameter {
  parameter: Parameter;
  validate: ValidateFunction;
}

export interface RequestValidator {
  /** Coerces and checks the query parameters; throws a 400 Refusal with the constraint's message. */
  query(params: URLSearchParams): QueryValues;
  /**
   * Checks a parsed JSON body, trimmed where the spec says `x-trim`, with `null` optional fields dropped
   * (null means "not given"); throws a 400 Refusal with the constraint's message.
   */
  body(value: unknown): unknown;
  /** Top-level fields of a JSON object body that the operation does not take (and ignores). */
  unknownFields(value: unknown): string[];
  hasJsonBody: boolean;
}

export interface ResponseCheck {
  status: number;
  headers: Headers;
  body: unknown;
  /** The raw text, for content that is not JSON. */
  text?: string;
}

export class SpecValidators {
  private readonly requestAjv = createAjv({ allErrors: false });
  private readonly responseAjv = createAjv({ allErrors: true });
  private readonly requests = new Map<string, RequestValidator>();
  private readonly responseValidators = new Map<string, ValidateFunction>();

  constructor(readonly spec: SpecDocument) {
    for (const op of spec.operations) this.requests.set(op.operationId, this.compileRequest(op));
  }

  request(operationId: string): RequestValidator {
    const validator = this.requests.get(operationId);
    if (!validator) throw new Error(`openapi.yaml has no operation ${operationId}.`);
    return validator;
  }

  /**
   * The query of an operation, checked, typed as the types generated from openapi.yaml describe it.
   * Throws a 400 Refusal like `request(operationId).query`.
   */
  checkedQuery<Op extends OperationId>(operationId: Op, params: URLSearchParams): CheckedQuery<Op> {
    // cast: the values passed this operation's query schemas, from which the generated types are made, and
    // carry the spec's defaults (CheckedQuery); the spec is openapi.yaml, as bundled or as loaded.
    return this.request(operationId).query(params) as CheckedQuery<Op>;
  }

  /** The JSON body of an operation, checked, typed as the types generated from openapi.yaml describe it. */
  checkedBody<Op extends OperationId>(operationId: Op, value: unknown): CheckedBody<Op> {
    // cast: the body passed this operation's body schema, from which the generated types are made, with
    // `null` optional fields dropped (CheckedBody).
    return this.request(operationId).body(value) as CheckedBody<Op>;
  }

  /** The documented response of this operation for this status, if any. */
  documented(operationId: string, status: number): ResponseSpec | undefined {
    const op = this.spec.byId.get(operationId);
    return op?.responses[String(status)] ?? op?.responses.default;
  }

  /** Required headers missing, and headers that do not match their schema. */
  headerProblems(operationId: string, status: number, headers: Headers): string[] {
    const problems: string[] = [];
    for (const [name, header] of Object.entries(this.documented(operationId, status)?.headers ?? {})) {
      const value = headers.get(name);
      if (value === null) {
        if (header.required) problems.push(`Header ${name} is missing.`);
        continue;
      }
      if (!header.schema) continue;
      const validate = this.compiled(`header ${operationId} ${status} ${name}`, header.schema);
      if (!validate(coerce(value, header.schema)))
        problems.push(`Header ${name} "${value}": ${describe(validate.errors)}.`);
    }
    return problems;
  }

  /** A Content-Type that the documented response does not list, or a body where none is documented. */
  contentTypeProblem(operationId: string, status: number, headers: Headers, text: string): string | undefined {
    const mediaTypes = Object.keys(this.documented(operationId, status)?.content ?? {});
    if (mediaTypes.length === 0) {
      return text.length > 0 ? `Status ${status} documents no body, but a body was sent.` : undefined;
    }
    const contentType = essence(headers.get('content-type'));
    if (!mediaTypes.includes(contentType))
      return `Content-Type "${contentType || '(none)'}" is not one of ${mediaTypes.join(', ')}.`;
    return undefined;
  }

  /** Where the body departs from the documented schema for its content type. */
  bodyProblems(operationId: string, status: number, headers: Headers, body: unknown): string[] {
    const contentType = essence(headers.get('content-type'));
    const schema = this.documented(operationId, status)?.content?.[contentType]?.schema;
    if (!schema) return [];
    const validate = this.compiled(`body ${operationId} ${status} ${contentType}`, schema);
    return validate(body) ? [] : [`Body does not match the schema: ${describe(validate.errors)}.`];
  }

  /**
   * Every way a response departs from the spec for this operation: an undocumented status, a wrong
   * content type, a body or a required header that does not match its schema. Empty when it conforms.
   */
  responseProblems(operationId: string, response: ResponseCheck): string[] {
    if (!this.spec.byId.has(operationId)) return [`openapi.yaml has no operation ${operationId}.`];
    if (!this.documented(operationId, response.status)) {
      return [`Status ${response.status} is not documented for ${operationId}.`];
    }
    const text = response.text ?? (response.body === undefined ? '' : JSON.stringify(response.body));
    const contentType = this.contentTypeProblem(operationId, response.status, response.headers, text);
    return [
      ...this.headerProblems(operationId, response.status, response.headers),
      ...(contentType
        ? [contentType]
        : this.bodyProblems(operationId, response.status, response.headers, response.body)),
    ];
  }

  private compiled(key: string, schema: Schema): ValidateFunction {
    let validate = this.responseValidators.get(key);
    if (!validate) {
      validate = this.responseAjv.compile(schema);
      this.responseValidators.set(key, validate);
    }
    return validate;
  }

  private compileRequest(op: Operation): RequestValidator {
    const parameters = op.parameters.filter((p) => p.in === 'query');
    const bodySchema = op.requestBody?.content['application/json']?.schema;
    // Every refusal carries a message of the spec: a constraint without one stops start-up, not a request.
    for (const parameter of parameters) requireMessages(parameter.schema, `${op.operationId} ${parameter.name}`, true);
    if (bodySchema) requireMessages(bodySchema, `${op.operationId} body`);
    // Compiled on first use: compiling every operation's schemas would take most of the start-up time.
    let compiled: { queryParams: CompiledParameter[]; validateBody: ValidateFunction | undefined } | undefined;
    const compile = () =>
      (compiled ??= {
        queryParams: parameters.map((parameter) => ({
          parameter,
          validate: this.requestAjv.compile(parameter.schema),
        })),
        validateBody: bodySchema ? this.requestAjv.compile(bodySchema) : undefined,
      });
    return {
      hasJsonBody: bodySchema !== undefined,
      query(params) {
        const values: QueryValues = {};
        for (const { parameter, validate } of compile().queryParams) {
          const raw = params.get(parameter.name);
          if (raw === null) {
            if (parameter.required) throw invalidInput(messages.parameterRequired(parameter.name));
            if (parameter.schema.default !== undefined) values[parameter.name] = parameter.schema.default;
            continue;
          }
          const value = coerce(raw, parameter.schema);
          if (!validate(value)) throw invalidInput(errorMessage(parameter.schema));
          values[parameter.name] = value;
        }
        return values;
      },
      body(value) {
        const trimmed = bodySchema ? trimMarked(dropEmpty(value, bodySchema), bodySchema) : value;
        const { validateBody } = compile();
        if (validateBody && !validateBody(trimmed)) throw bodyError(validateBody.errors?.[0]);
        return bodySchema ? dropNulls(trimmed, bodySchema) : trimmed;
      },
      unknownFields(value) {
        if (!isObject(value) || !bodySchema?.properties) return [];
        const known = bodySchema.properties;
        return Object.keys(value).filter((name) => !Object.hasOwn(known, name));
      },
    };
  }
}

/** Query strings and headers are text; numbers are read strictly, so `1.5`, `1e3` or `0x1` stay invalid. */
function coerce(raw: string, schema: Schema): unknown {
  if (schema.type === 'integer') return /^-?\d{1,20}$/.test(raw) ? Number(raw) : raw;
  if (schema.type === 'number') return /^-?\d{1,20}(\.\d{1,20})?$/.test(raw) ? Number(raw) : raw;
  if (schema.type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
  return raw;
}

const CONSTRAINTS = [
  'type',
  'enum',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minItems',
  'maxItems',
];

/** Throws unless every constrained schema node (properties and items included) has an `x-error-message`. */
function requireMessages(schema: Schema, where: string, inQuery = false): void {
  // A query value is always a string, so `type: string` alone cannot refuse one.
  const constrained = CONSTRAINTS.some(
    (keyword) => keyword in schema && !(inQuery && keyword === 'type' && schema.type === 'string'),
  );
  if (constrained && typeof schema['x-error-message'] !== 'string') {
    throw new Error(`openapi.yaml: ${where} has constraints but no x-error-message.`);
  }
  for (const [name, child] of Object.entries(schema.properties ?? {})) requireMessages(child, `${where}.${name}`);
  if (schema.items) requireMessages(schema.items, `${where}[]`);
}

/** Drops top-level optional properties that are `null`: on create and update, null means "not given". */
function dropNulls(value: unknown, schema: Schema): unknown {
  if (!isObject(value) || !schema.properties) return value;
  let copy: Record<string, unknown> | undefined;
  for (const name of Object.keys(schema.properties)) {
    if (Object.hasOwn(value, name) && value[name] === null && !schema.required?.includes(name)) {
      copy ??= { ...value };
      delete copy[name];
    }
  }
  return copy ?? value;
}

/**
 * Drops top-level optional properties that are `""` where the body schema says `x-empty-is-unset`: `""`
 * means "not given" there, as `null` does (before the check: `""` is no time zone and no unit system).
 */
function dropEmpty(value: unknown, schema: Schema): unknown {
  if (schema['x-empty-is-unset'] !== true || !isObject(value) || !schema.properties) return value;
  let copy: Record<string, unknown> | undefined;
  for (const name of Object.keys(schema.properties)) {
    if (Object.hasOwn(value, name) && value[name] === '' && !schema.required?.includes(name)) {
      copy ??= { ...value };
      delete copy[name];
    }
  }
  return copy ?? value;
}

/** Trims the top-level string properties whose schema says `x-trim`. */
function trimMarked(value: unknown, schema: Schema): unknown {
  if (!isObject(value) || !schema.properties) return value;
  const record = value;
  let copy: Record<string, unknown> | undefined;
  for (const [name, property] of Object.entries(schema.properties)) {
    const field = Object.hasOwn(record, name) ? record[name] : undefined;
    if (property['x-trim'] && typeof field === 'string') {
      copy ??= { ...record };
      copy[name] = field.trim();
    }
  }
  return copy ?? value;
}

function bodyError(error: ErrorObject | undefined): Refusal {
  if (!error) throw new Error('ajv refused a body without saying why.');
  const field = error.instancePath.slice(1).replace(/\//g, '.');
  if (error.keyword === 'required') {
    const missing = String(error.params.missingProperty);
    return invalidInput(messages.fieldRequired(field ? `${field}.${missing}` : missing));
  }
  if (!isObject(error.parentSchema)) throw new Error('ajv refused a body without its schema (verbose is on).');
  return invalidInput(errorMessage(error.parentSchema, error.keyword));
}

/**
 * The message of a schema for a refusal: its `x-error-messages` entry for the keyword, else its
 * `x-error-message`. requireMessages made sure at start-up that a constrained schema has one.
 */
function errorMessage(schema: Record<string, unknown>, keyword?: string): string {
  const byKeyword = schema['x-error-messages'];
  const message = (keyword && isObject(byKeyword) ? byKeyword[keyword] : undefined) ?? schema['x-error-message'];
  if (typeof message !== 'string') throw new Error('openapi.yaml: a constraint refused a value but has no message.');
  return message;
}

function essence(contentType: string | null): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function describe(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message}`).join('; ');
}
