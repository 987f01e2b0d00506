// JSON as the answer rule reads it (docs/answer-rule.md), which JSON.parse cannot:
// - an integer is a number token without fraction or exponent: `0.0` and `1e0` are
//   numbers, not integers, although JavaScript makes them 0 and 1;
// - an integer beyond 2^53 stays exact: it is read as a bigint;
// - a key twice in one object makes the text malformed (JSON.parse keeps the last).
// Integers within the safe range are plain numbers, so ordinary fields stay ordinary.

/** What `parseJson` read: the value, and which members hold a number token with a
 * fraction or an exponent whose value is whole (`0.0`), which a schema's `integer`
 * must refuse although `Number.isInteger` accepts it. */
export interface Parsed {
  value: unknown;
  /** container (object or array) -> keys (or indexes) of such members; null: none */
  wholeFloats: WeakMap<object, Set<string | number>> | null;
  /** whether an integer past 2^53 was read (as a bigint) */
  bigints: boolean;
}

export class JsonSyntaxError extends Error {}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** Reads `text` as one JSON value, or throws JsonSyntaxError saying where and why. */
export function parseJson(text: string): Parsed {
  const reader = new Reader(text);
  reader.space();
  const value = reader.value(null, 0);
  reader.space();
  if (reader.at < text.length) reader.fail("text after the value");
  return { value, wholeFloats: reader.wholeFloats, bigints: reader.bigints };
}

// Deep enough for any answer of the spec, shallow enough for the stack.
const MAX_DEPTH = 256;

class Reader {
  at = 0;
  wholeFloats: WeakMap<object, Set<string | number>> | null = null;
  bigints = false;

  constructor(readonly text: string) {}

  fail(why: string): never {
    throw new JsonSyntaxError(`${why} at character ${this.at + 1}`);
  }

  space(): void {
    const text = this.text;
    while (this.at < text.length && WHITESPACE.has(text.charCodeAt(this.at))) this.at += 1;
  }

  /** A value; `where` is its container and key, to mark a whole float there. */
  value(where: [object, string | number] | null, depth: number): unknown {
    const c = this.text.charCodeAt(this.at);
    if (c === 0x7b) return this.object(depth + 1);
    if (c === 0x5b) return this.array(depth + 1);
    if (c === 0x22) return this.string();
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number(where);
    for (const [word, meaning] of LITERALS) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return meaning;
      }
    }
    return this.fail(this.at >= this.text.length ? "unexpected end" : "unexpected character");
  }

  object(depth: number): object {
    if (depth > MAX_DEPTH) this.fail("nesting too deep");
    const result: Record<string, unknown> = {};
    this.at += 1;
    this.space();
    if (this.text.charCodeAt(this.at) === 0x7d) {
      this.at += 1;
      return result;
    }
    for (;;) {
      if (this.text.charCodeAt(this.at) !== 0x22) this.fail("expected a key");
      const key = this.string();
      if (Object.hasOwn(result, key)) this.fail(`duplicate key ${JSON.stringify(key)}`);
      this.space();
      if (this.text.charCodeAt(this.at) !== 0x3a) this.fail("expected ':'");
      this.at += 1;
      this.space();
      const value = this.value([result, key], depth);
      // An own property even for "__proto__", as JSON.parse makes it.
      if (key === "__proto__") {
        Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true });
      } else {
        result[key] = value;
      }
      this.space();
      const next = this.text.charCodeAt(this.at);
      this.at += 1;
      if (next === 0x7d) return result;
      if (next !== 0x2c) this.fail("expected ',' or '}'");
      this.space();
    }
  }

  array(depth: number): unknown[] {
    if (depth > MAX_DEPTH) this.fail("nesting too deep");
    const result: unknown[] = [];
    this.at += 1;
    this.space();
    if (this.text.charCodeAt(this.at) === 0x5d) {
      this.at += 1;
      return result;
    }
    for (;;) {
      result.push(this.value([result, result.length], depth));
      this.space();
      const next = this.text.charCodeAt(this.at);
      this.at += 1;
      if (next === 0x5d) return result;
      if (next !== 0x2c) this.fail("expected ',' or ']'");
      this.space();
    }
  }

  string(): string {
    const text = this.text;
    const start = this.at + 1;
    let at = start;
    // The common case: no escapes, read as one slice.
    for (;;) {
      const c = text.charCodeAt(at);
      if (c === 0x22) {
        this.at = at + 1;
        return text.slice(start, at);
      }
      if (c === 0x5c || Number.isNaN(c)) break;
      if (c < 0x20) {
        this.at = at;
        this.fail("control character in a string");
      }
      at += 1;
    }
    // With escapes: let JSON.parse read the token, once its end is found.
    at = start;
    for (;;) {
      const c = text.charCodeAt(at);
      if (Number.isNaN(c)) {
        this.at = at;
        this.fail("unterminated string");
      }
      if (c === 0x5c) at += 2;
      else if (c === 0x22) break;
      else at += 1;
    }
    try {
      const value: unknown = JSON.parse(text.slice(start - 1, at + 1));
      this.at = at + 1;
      return value as string;
    } catch {
      this.at = start - 1;
      return this.fail("invalid string");
    }
  }

  number(where: [object, string | number] | null): number | bigint {
    NUMBER.lastIndex = this.at;
    const match = NUMBER.exec(this.text);
    if (match === null) this.fail("invalid number");
    const token = match[0];
    this.at += token.length;
    if (match[1] === undefined && match[2] === undefined) {
      const value = Number(token);
      if (Number.isSafeInteger(value)) return value;
      this.bigints = true;
      return BigInt(token);
    }
    const value = Number(token);
    if (!Number.isFinite(value)) this.fail("number out of range");
    if (Number.isInteger(value) && where !== null) {
      const [container, key] = where;
      this.wholeFloats ??= new WeakMap();
      const keys = this.wholeFloats.get(container) ?? new Set();
      keys.add(key);
      this.wholeFloats.set(container, keys);
    }
    return value;
  }
}

const LITERALS: ReadonlyArray<[string, unknown]> = [
  ["true", true],
  ["false", false],
  ["null", null],
];
// The JSON number grammar, read where the reader is (sticky); groups: fraction, exponent.
const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;

/** JSON text of a value that may hold bigints, written as exact number tokens; a
 * member `wholeFloats` marks (as parseJson read it) is written with its fraction, `0.0`. */
export function stringifyJson(value: unknown, wholeFloats: Parsed["wholeFloats"] = null): string {
  const write = (item: unknown, container: object | null, key: string | number): string => {
    if (typeof item === "bigint") return item.toString();
    if (typeof item === "number" && container !== null && wholeFloats?.get(container)?.has(key) === true) {
      return item.toFixed(1);
    }
    if (Array.isArray(item)) return `[${item.map((inner, index) => write(inner ?? null, item, index)).join(",")}]`;
    if (typeof item === "object" && item !== null) {
      const members = Object.entries(item)
        .filter(([, inner]) => inner !== undefined)
        .map(([name, inner]) => `${JSON.stringify(name)}:${write(inner, item, name)}`);
      return `{${members.join(",")}}`;
    }
    return JSON.stringify(item) ?? "null";
  };
  return write(value, null, "");
}
