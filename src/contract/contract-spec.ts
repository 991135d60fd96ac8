/**
 * What the runner reads from openapi.yaml beyond the operations: where each rule lives (JSON pointers),
 * whether it is [doc] or [ours] (`x-source` marks and the `x-contract-sources` defaults), and the
 * documented refusals with their messages (`x-refusals`, `x-error-message`).
 */
import type { Operation, Schema, SpecDocument } from '../openapi/document.ts';
import { fieldsOf, isObject, stringAt, stringsOf } from './json.ts';
import type { Severity } from './model.ts';
import { ResponseValidators } from './validators.ts';

export interface Refusal {
  key: string;
  status: number;
  message?: string;
  error?: string;
  pointer: string;
  /** The source of the rule (refuse at all), of the status, and of the message text. */
  ruleSeverity: Severity;
  statusSeverity: Severity;
  messageSeverity: Severity;
}

export class ContractSpec {
  readonly validators: ResponseValidators;
  private readonly pointers = new WeakMap<object, string>();
  private readonly defaults: Record<string, string>;

  constructor(readonly doc: SpecDocument) {
    this.defaults = stringsOf(doc.raw['x-contract-sources']) ?? { default: 'doc' };
    // Components first: a shared schema is named where it is defined, not where it is used.
    this.index(doc.raw.components, '#/components');
    this.index(doc.raw.paths, '#/paths');
    this.validators = new ResponseValidators(doc, (node) => this.pointerOf(node));
  }

  get operations(): Operation[] {
    return this.doc.apiOperations;
  }

  op(operationId: string): Operation {
    const op = this.doc.byId.get(operationId);
    if (!op) throw new Error(`openapi.yaml has no operation ${operationId}.`);
    return op;
  }

  has(operationId: string): boolean {
    return this.doc.byId.has(operationId);
  }

  /** The JSON pointer of a node of the (dereferenced) document. */
  pointerOf(node: unknown): string {
    return (typeof node === 'object' && node !== null && this.pointers.get(node)) || '#';
  }

  operationPointer(operationId: string): string {
    const op = this.op(operationId);
    return `#/paths/${escapePointer(op.path)}/${op.method}`;
  }

  /**
   * The severity of a rule at a pointer: the nearest `x-source` (or `x-<key>-source`) on the way from the
   * node up to the document, else the document's default for that key.
   */
  severityAt(pointer: string, key?: string): Severity {
    const nodes = resolvePath(this.doc.raw, pointer);
    for (const node of nodes.reverse()) {
      const own = key ? node[`${key}-source`] : undefined;
      if (own === 'doc' || own === 'ours') return own === 'doc' ? 'contract' : 'fidelity';
      if (!key && (node['x-source'] === 'doc' || node['x-source'] === 'ours'))
        return node['x-source'] === 'doc' ? 'contract' : 'fidelity';
    }
    if (key && this.defaults[defaultKey(key)])
      return this.defaults[defaultKey(key)] === 'ours' ? 'fidelity' : 'contract';
    if (key) return this.severityAt(pointer);
    return this.defaults.default === 'ours' ? 'fidelity' : 'contract';
  }

  severityOf(node: unknown, key?: string): Severity {
    return this.severityAt(this.pointerOf(node), key);
  }

  defaultSource(key: string): Severity {
    return this.defaults[defaultKey(key)] === 'ours' ? 'fidelity' : 'contract';
  }

  /** The refusals an operation documents: its own `x-refusals` and those of its documented responses. */
  refusals(operationId: string): Map<string, Refusal> {
    const op = this.op(operationId);
    const out = new Map<string, Refusal>();
    const add = (holder: Record<string, unknown> | undefined) => {
      for (const [key, value] of Object.entries(fieldsOf(holder?.['x-refusals']) ?? {})) {
        const entry = fieldsOf(value) ?? {};
        const pointer = `${this.pointerOf(holder)}/x-refusals/${key}`;
        const source = (name: string, fallback: Severity): Severity =>
          entry[name] === 'doc' ? 'contract' : entry[name] === 'ours' ? 'fidelity' : fallback;
        const rule = source('x-source', this.severityAt(this.pointerOf(holder)));
        out.set(key, {
          key,
          status: Number(entry.status),
          message: stringAt(entry, 'message'),
          error: stringAt(entry, 'error'),
          pointer,
          ruleSeverity: rule,
          statusSeverity: source('x-status-source', rule),
          messageSeverity: source('x-message-source', this.defaultSource('x-error-message')),
        });
      }
    };
    for (const response of Object.values(op.responses)) add({ ...response });
    add(this.rawOperation(operationId));
    return out;
  }

  refusal(operationId: string, key: string): Refusal | undefined {
    return this.refusals(operationId).get(key);
  }

  rawOperation(operationId: string): Record<string, unknown> {
    const op = this.op(operationId);
    return fieldsOf(fieldsOf(fieldsOf(this.doc.raw.paths)?.[op.path])?.[op.method]) ?? {};
  }

  /** The JSON request body schema of an operation. */
  bodySchema(operationId: string): Schema | undefined {
    return this.op(operationId).requestBody?.content['application/json']?.schema;
  }

  /** The JSON request body schema of an operation that openapi.yaml gives one (create, update). */
  requiredBodySchema(operationId: string): Schema {
    const schema = this.bodySchema(operationId);
    if (!schema) throw new Error(`openapi.yaml: ${operationId} has no JSON request body schema.`);
    return schema;
  }

  private index(node: unknown, pointer: string): void {
    if (typeof node !== 'object' || node === null || this.pointers.has(node)) return;
    this.pointers.set(node, pointer);
    for (const [key, child] of Object.entries(node)) this.index(child, `${pointer}/${escapePointer(key)}`);
  }
}

/** The name of an extension in `x-contract-sources`: `x-error-messages` → `error-message`, `x-trim` → `trim`. */
function defaultKey(key: string): string {
  return key.replace(/^x-/, '').replace(/-messages$/, '-message');
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The objects from the document down to the pointer's target (as far as it resolves); lists on the way are passed. */
function resolvePath(root: Record<string, unknown>, pointer: string): Record<string, unknown>[] {
  const nodes: Record<string, unknown>[] = [root];
  let node: unknown = root;
  for (const raw of pointer.replace(/^#\/?/, '').split('/').filter(Boolean)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof node !== 'object' || node === null || !(key in node)) break;
    node = childOf(node, key);
    if (isObject(node)) nodes.push(node);
  }
  return nodes;
}

/** The member `key` of an object, or the item at index `key` of a list. */
function childOf(node: object, key: string): unknown {
  if (!Array.isArray(node)) return isObject(node) ? node[key] : undefined;
  const items: unknown[] = node;
  return items[Number(key)];
}

/** A message of openapi.yaml with `{placeholders}` as a matcher; known values are filled in. */
export function messageMatches(
  template: string,
  actual: unknown,
  values: Record<string, string | number> = {},
): boolean {
  if (typeof actual !== 'string') return false;
  const parts = template.split(/(\{[a-zA-Z]+\})/);
  const source = parts
    .map((part) => {
      const name = /^\{([a-zA-Z]+)\}$/.exec(part)?.[1];
      if (!name) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      return values[name] !== undefined ? String(values[name]).replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : '.+?';
    })
    .join('');
  return new RegExp(`^${source}$`, 's').test(actual);
}

export function fillMessage(template: string, values: Record<string, string | number> = {}): string {
  return template.replace(/\{([a-zA-Z]+)\}/g, (whole, name: string) =>
    values[name] !== undefined ? String(values[name]) : whole,
  );
}
