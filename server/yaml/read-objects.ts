import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';

/** Where an object came from, so that the server's problems can be shown against the file. */
export interface ObjectSource {
  file: string;
  /** 1-based, as an editor counts YAML documents */
  document: number;
  /** 1-based position in a document that holds a list of objects */
  item?: number;
  /** `Kind/id`, when the object names both */
  label?: string;
  /** the line of the nearest node at or above `path` inside this object */
  locate(path: ReadonlyArray<string | number>): number | undefined;
}

export interface ReadObjects {
  objects: unknown[];
  sources: ObjectSource[];
}

/** A file that cannot be read as GroveObjects: shown as is, exit code 1 (the CLI), 400 (REST). */
export class InputError extends Error {
  constructor(
    message: string,
    /** where the file went wrong, when known (1-based) */
    readonly at: { document?: number; line?: number } = {},
  ) {
    super(message);
  }
}

const shapeHint = 'expected a GroveObject, a list of them, or { objects: [...] }';

/** Parses multi-document YAML, or JSON (a list, one object, or `{ objects: [...] }`). */
export function readObjects(text: string, file: string): ReadObjects {
  if (file.endsWith('.json')) checkJson(text, file);
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: true });
  const result: ReadObjects = { objects: [], sources: [] };
  const lineOf = (node: Node | null | undefined) => (node?.range ? lineCounter.linePos(node.range[0]).line : undefined);
  for (const [index, document] of [...documents].entries()) {
    const number = index + 1;
    const error = document.errors[0];
    if (error) {
      const line = error.linePos?.[0].line;
      const message = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      throw new InputError(`${file}${line ? `:${line}` : ''}: document ${number}: ${message}`, { document: number, line });
    }
    for (const entry of entriesOf(document, file, number)) {
      result.objects.push(entry.value);
      result.sources.push({
        file,
        document: number,
        item: entry.item,
        label: labelOf(entry.value),
        locate: (path) => nearestLine(entry.node, path, lineOf),
      });
    }
  }
  if (!result.objects.length) throw new InputError(`${file}: no objects found`);
  return result;
}

function entriesOf(document: Document.Parsed, file: string, number: number): { value: unknown; node: Node; item?: number }[] {
  const root = document.contents;
  // an empty document, e.g. after a trailing `---`
  if (root === null || (isScalar(root) && root.value === null)) return [];
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    throw new InputError(`${file}: document ${number}: ${(error as Error).message}`, { document: number }); // e.g. an alias bomb
  }
  const list = isMap(root) && !root.has('kind') && isSeq(root.get('objects', true)) ? (root.get('objects', true) as Node) : root;
  if (isSeq(list)) {
    const values = (list === root ? value : (value as { objects: unknown[] }).objects) as unknown[];
    return list.items.map((node, index) => ({ value: values[index], node: node as Node, item: index + 1 }));
  }
  if (isMap(root)) return [{ value, node: root }];
  throw new InputError(`${file}: document ${number}: ${shapeHint}`, { document: number });
}

function labelOf(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const { kind, metadata } = value as { kind?: unknown; metadata?: { id?: unknown } };
  return typeof kind === 'string' && typeof metadata?.id === 'string' ? `${kind}/${metadata.id}` : undefined;
}

/** Follows `path` as far as the file has it; a field's line is its key's, where a person looks. */
function nearestLine(root: Node, path: ReadonlyArray<string | number>, lineOf: (node: Node | null | undefined) => number | undefined): number | undefined {
  let node: unknown = root;
  let line = lineOf(root);
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (isScalar(item.key) ? item.key.value : item.key) === segment);
      if (!pair) break;
      line = lineOf(pair.key as Node) ?? line;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number' && node.items[segment]) {
      node = node.items[segment];
      line = lineOf(node as Node) ?? line;
    } else break;
  }
  return line;
}

/** JSON's own parser names the position of a syntax error better than a YAML parser would. */
function checkJson(text: string, file: string): void {
  try {
    JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message)?.[1];
    const line = position === undefined ? undefined : text.slice(0, Number(position)).split('\n').length;
    throw new InputError(`${file}${line ? `:${line}` : ''}: invalid JSON: ${message}`, { line });
  }
}
