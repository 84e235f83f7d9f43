// A tolerant scan of JSON text for the scenario editor: where a JSON path sits in the text (to
// mark the engine's validation messages), and what the cursor is on (a key or a value, at which
// path, inside which objects) for completion. It never throws and accepts half-written JSON, so
// it works while the user types. One pass, linear in the text's length.

export type PathSegment = string | number;

/** Where one value sits: its key (for object members) and the value itself. */
export interface Span {
  keyFrom?: number;
  keyTo?: number;
  from: number;
  to: number;
  /** The value is an object or an array. */
  container: boolean;
}

/** An object or array being scanned. */
export interface Frame {
  kind: "object" | "array";
  from: number;
  path: PathSegment[];
  /** Object members seen so far: primitive values as written (strings unquoted). */
  values: Map<string, string | number | boolean | null | undefined>;
  /** Current key (objects) once read; index of the current element (arrays). */
  key: string | null;
  index: number;
  /** Objects: the next string is a key. Arrays: a value may start. */
  expectKey: boolean;
  /** Objects: a ":" was read after the key. */
  afterColon: boolean;
  /** Start of the current member's key, while it is being read. */
  keyFrom: number;
  keyTo: number;
}

interface Token {
  type: "{" | "}" | "[" | "]" | ":" | "," | "string" | "word";
  from: number;
  to: number;
  /** string: the decoded text (best effort); word: the raw text. */
  text: string;
  /** A string without its closing quote (the line ended first). */
  open?: boolean;
}

const WORD_END = /[\s{}[\]:,"]/;

function decode(raw: string): string {
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

/** The tokens of `text`, one at a time; `pos` may be moved on past a skipped container. */
class Tokenizer {
  pos = 0;
  constructor(private readonly text: string) {}

  next(): Token | undefined {
    const text = this.text;
    const n = text.length;
    let i = this.pos;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) {
        i++;
        continue;
      }
      const ch = text[i];
      if (ch === "{" || ch === "}" || ch === "[" || ch === "]" || ch === ":" || ch === ",") {
        this.pos = i + 1;
        return { type: ch, from: i, to: i + 1, text: ch };
      }
      if (ch === '"') {
        const end = stringEnd(text, i);
        const open = end >= n || text[end] !== '"';
        this.pos = open ? end : end + 1;
        return { type: "string", from: i, to: this.pos, text: decode(text.slice(i + 1, end)), open };
      }
      let j = i + 1;
      while (j < n && !WORD_END.test(text[j])) j++;
      this.pos = j;
      return { type: "word", from: i, to: j, text: text.slice(i, j) };
    }
    this.pos = n;
    return undefined;
  }
}

/**
 * Where the string starting at `i` (a quote) stops: its closing quote, the newline that ends it
 * unclosed, or the end of the text.
 */
function stringEnd(text: string, i: number): number {
  const n = text.length;
  let j = i + 1;
  while (j < n) {
    const d = text.charCodeAt(j);
    if (d === 92) {
      j += 2; // a backslash escapes the next character
      continue;
    }
    if (d === 34 || d === 10) break; // the closing quote, or a newline: the string ends unclosed
    j++;
  }
  return Math.min(j, n);
}

/**
 * Past the container whose opener ends at `from` (nested `depth` deep once opened), as the scan
 * would go through it token by token: the end of its closer, or -1 where the scan would stop
 * first (nesting reaches MAX_DEPTH, or the text ends with the container still open).
 */
function containerEnd(text: string, from: number, depth: number): number {
  const n = text.length;
  let inner = 0;
  let i = from;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      const end = stringEnd(text, i);
      i = end < n && text.charCodeAt(end) === 34 ? end + 1 : end;
      continue;
    }
    if (c === 123 || c === 91) {
      if (depth + inner >= MAX_DEPTH) return -1;
      inner++;
    } else if (c === 125 || c === 93) {
      if (inner === 0) return i + 1;
      inner--;
    }
    i++;
  }
  return -1;
}

function wordValue(w: string): number | boolean | null | undefined {
  if (w === "true") return true;
  if (w === "false") return false;
  if (w === "null") return null;
  const v = Number(w);
  return Number.isFinite(v) ? v : undefined;
}

function pathKey(path: readonly PathSegment[]): string {
  return JSON.stringify(path);
}

export interface ScanHooks {
  /** A value starts at `path` (after its key and colon, for object members). */
  valueStart?(
    path: PathSegment[],
    from: number,
    keyFrom: number | undefined,
    keyTo: number | undefined,
  ): void;
  /** A value at `path` ends. */
  valueEnd?(path: PathSegment[], to: number, container: boolean): void;
  /**
   * Whether the scan must look inside the object or array at `path`; where it need not, it
   * skips to the container's end (only without `at`: completion sees every member).
   */
  enter?(path: PathSegment[]): boolean;
  /** Called once the scan passes `at` (before the token that ends after it is handled). */
  at?: number;
  atPosition?(stack: Frame[], token: Token | undefined): void;
}

/**
 * Nesting the scan follows: the validator refuses anything deeper (engine/scenario/LIMITS.md,
 * nesting depth 64), so there is nothing to mark or complete below it; stopping there keeps
 * hostile text (100,000 nested arrays) linear, as each frame holds its whole path.
 */
const MAX_DEPTH = 64;

/** The scanner: a stack of frames, one per open object or array. */
function scan(text: string, hooks: ScanHooks): void {
  const stack: Frame[] = [];
  let reported = hooks.at === undefined;
  const top = () => stack[stack.length - 1];
  const childPath = (): PathSegment[] | undefined => {
    const f = top();
    if (!f) return [];
    if (f.kind === "array") return [...f.path, f.index];
    return f.key !== null && f.afterColon ? [...f.path, f.key] : undefined;
  };
  const startValue = (from: number): PathSegment[] | undefined => {
    const path = childPath();
    const f = top();
    if (path) {
      const member = f?.kind === "object";
      hooks.valueStart?.(path, from, member ? f.keyFrom : undefined, member ? f.keyTo : undefined);
    }
    return path;
  };
  const endMember = () => {
    const f = top();
    if (!f) return;
    if (f.kind === "object") {
      f.expectKey = false;
    }
  };
  const tokens = new Tokenizer(text);
  const skips = hooks.enter !== undefined && hooks.at === undefined;
  for (let t = tokens.next(); t !== undefined; t = tokens.next()) {
    // The cursor is in (or at the end of) a word or string; or before a punctuation token.
    const at = hooks.at;
    const reaches =
      at !== undefined && (t.to > at || (t.to === at && (t.type === "string" || t.type === "word")));
    if (!reported && reaches) {
      reported = true;
      hooks.atPosition?.(stack.slice(), t.from < (at as number) ? t : undefined);
    }
    const f = top();
    switch (t.type) {
      case "{":
      case "[": {
        if (stack.length >= MAX_DEPTH) return;
        const path = startValue(t.from) ?? [...(f?.path ?? []), "?"];
        if (skips && !hooks.enter?.(path)) {
          // Nothing wanted inside: on to its closer, as the tokens would have gone.
          const end = containerEnd(text, t.to, stack.length + 1);
          if (end < 0) return;
          hooks.valueEnd?.(path, end, true);
          endMember();
          tokens.pos = end;
          break;
        }
        const frame: Frame = {
          kind: t.type === "{" ? "object" : "array",
          from: t.from,
          path,
          values: new Map(),
          key: null,
          index: 0,
          expectKey: true,
          afterColon: false,
          keyFrom: -1,
          keyTo: -1,
        };
        stack.push(frame);
        break;
      }
      case "}":
      case "]": {
        const closed = stack.pop();
        if (closed) hooks.valueEnd?.(closed.path, t.to, true);
        endMember();
        break;
      }
      case ":":
        if (f?.kind === "object" && f.key !== null) f.afterColon = true;
        break;
      case ",":
        if (f?.kind === "object") {
          f.key = null;
          f.afterColon = false;
          f.expectKey = true;
        } else if (f?.kind === "array") {
          f.index++;
        }
        break;
      case "string":
      case "word": {
        // A key; also a string after a key without its colon (a member still being written,
        // and the comma forgotten): the scan stays in step with the members that follow.
        const missingComma = f?.kind === "object" && f.key !== null && !f.afterColon && !f.expectKey;
        if (
          f?.kind === "object" &&
          ((f.expectKey && !f.afterColon) || (missingComma && t.type === "string"))
        ) {
          f.key = t.text;
          f.keyFrom = t.from;
          f.keyTo = t.to;
          f.expectKey = false;
          if (!f.values.has(f.key)) f.values.set(f.key, undefined);
          break;
        }
        const path = startValue(t.from);
        if (path) hooks.valueEnd?.(path, t.to, false);
        if (f?.kind === "object" && f.key !== null && f.afterColon) {
          f.values.set(f.key, t.type === "string" ? t.text : wordValue(t.text));
        }
        endMember();
        break;
      }
    }
  }
  if (!reported) hooks.atPosition?.(stack.slice(), undefined);
}

/**
 * Where each of `paths` sits in `text` (paths not found are absent from the map). `skip`: pass
 * over the containers no wanted path lies in (the tests compare it with a scan of every token).
 */
export function locatePaths(
  text: string,
  paths: readonly (readonly PathSegment[])[],
  skip = true,
): Map<string, Span> {
  const wanted = new Set(paths.map(pathKey));
  // The containers a wanted path lies inside: the scan skips every other one (a pasted array of
  // a million steps is passed over at the speed of a character loop).
  const inside = new Set<string>();
  let longest = 0;
  for (const p of paths) {
    longest = Math.max(longest, p.length);
    for (let n = 0; n < p.length; n++) inside.add(pathKey(p.slice(0, n)));
  }
  const open = new Map<string, Span>();
  const found = new Map<string, Span>();
  scan(text, {
    ...(skip ? { enter: (path: PathSegment[]) => path.length < longest && inside.has(pathKey(path)) } : {}),
    valueStart(path, from, keyFrom, keyTo) {
      if (path.length > longest) return;
      const k = pathKey(path);
      if (wanted.has(k) && !found.has(k)) open.set(k, { from, to: from, keyFrom, keyTo, container: false });
    },
    valueEnd(path, to, container) {
      if (path.length > longest || open.size === 0) return;
      const k = pathKey(path);
      const span = open.get(k);
      if (span) {
        open.delete(k);
        found.set(k, { ...span, to, container });
      }
    },
  });
  // A container that never closed (half-written text) still has a start.
  for (const [k, span] of open)
    if (!found.has(k)) found.set(k, { ...span, to: text.length, container: true });
  return found;
}

/**
 * The path at the start of an engine validation message (`steps[3].arg.length: ...`,
 * `steps[0].arg.data["0x11"]: ...`, `scenario: ...`) and the rest of the message, or null when
 * the message does not start with a path.
 */
export function splitMessage(message: string): { path: PathSegment[]; text: string } | null {
  if (message.startsWith("scenario: ")) return { path: [], text: message.slice("scenario: ".length) };
  const path: PathSegment[] = [];
  let i = 0;
  const ident = /^[A-Za-z_$][A-Za-z0-9_$]*/;
  for (;;) {
    const rest = message.slice(i);
    if (path.length === 0 || rest.startsWith(".")) {
      const m = ident.exec(path.length === 0 ? rest : rest.slice(1));
      if (!m) return null;
      path.push(m[0]);
      i += m[0].length + (path.length === 1 ? 0 : 1);
      continue;
    }
    if (rest.startsWith("[")) {
      const n = /^\[(\d+)\]/.exec(rest);
      if (n) {
        path.push(Number(n[1]));
        i += n[0].length;
        continue;
      }
      const s = /^\[("(?:[^"\\]|\\.)*")\]/.exec(rest);
      if (!s) return null;
      try {
        path.push(JSON.parse(s[1]) as string);
      } catch {
        return null;
      }
      i += s[0].length;
      continue;
    }
    if (rest.startsWith(": ")) return { path, text: rest.slice(2) };
    return null;
  }
}

export interface Mark {
  from: number;
  to: number;
  message: string;
}

/** The end of the line holding `from` (or `limit`, if sooner). */
function lineEnd(text: string, from: number, limit: number): number {
  const nl = text.indexOf("\n", from);
  return Math.min(nl < 0 ? text.length : nl, limit);
}

/**
 * Text ranges for the engine's validation messages: the offending value (or key, for an
 * unknown field), else the nearest enclosing value that exists (a missing field marks its
 * object's first line). A JSON syntax error marks the position the parser names.
 */
export function marksFor(text: string, messages: readonly string[]): Mark[] {
  const parsed = messages.map((m) => ({ message: m, split: splitMessage(m) }));
  const wanted: PathSegment[][] = [];
  for (const p of parsed) {
    if (!p.split) continue;
    for (let n = p.split.path.length; n >= 1; n--) wanted.push(p.split.path.slice(0, n));
  }
  const spans = locatePaths(text, wanted);
  const marks: Mark[] = [];
  for (const { message, split } of parsed) {
    if (!split) continue;
    const syntax = /at position (\d+)/.exec(split.text);
    if (split.path.length === 0) {
      if (syntax) {
        const at = Math.min(Number(syntax[1]), Math.max(0, text.length - 1));
        marks.push({ from: at, to: Math.min(text.length, at + 1), message });
      } else {
        const start = Math.max(0, text.search(/\S/));
        marks.push({ from: start, to: lineEnd(text, start, text.length), message });
      }
      continue;
    }
    let n = split.path.length;
    let span: Span | undefined;
    for (; n >= 1 && !span; n--) span = spans.get(pathKey(split.path.slice(0, n)));
    if (!span) {
      const start = Math.max(0, text.search(/\S/));
      marks.push({ from: start, to: lineEnd(text, start, text.length), message });
      continue;
    }
    const exact = n + 1 === split.path.length;
    const unknownField = /^(unknown field|not a field of)/.test(split.text);
    if (exact && unknownField && span.keyFrom !== undefined && span.keyTo !== undefined) {
      marks.push({ from: span.keyFrom, to: span.keyTo, message });
    } else if (exact && !span.container) {
      marks.push({ from: span.from, to: span.to, message });
    } else if (exact && span.keyFrom !== undefined && span.keyTo !== undefined) {
      marks.push({ from: span.keyFrom, to: span.keyTo, message });
    } else {
      marks.push({
        from: span.from,
        to: Math.max(span.from + 1, lineEnd(text, span.from, span.to)),
        message,
      });
    }
  }
  return marks;
}

/** What the cursor is on, for completion. */
export interface CursorContext {
  kind: "key" | "value";
  /** For a key: the object's path. For a value: the value's path. */
  path: PathSegment[];
  /** The open objects and arrays around the cursor, outermost first, with every member the scan saw. */
  frames: Frame[];
  /** The text to replace: the partial word or string content before the cursor. */
  from: number;
  to: number;
  /** The cursor is inside quotes (the range excludes them). */
  quoted: boolean;
  /** What is typed so far (without quotes). */
  typed: string;
}

/** What the cursor at `pos` is on, or null where nothing can be completed (between tokens after a value). */
export function contextAt(text: string, pos: number): CursorContext | null {
  let result: CursorContext | null = null;
  scan(text, {
    at: pos,
    atPosition(stack, token) {
      const f = stack[stack.length - 1];
      if (!f) return;
      // The token the cursor is in (it started before the cursor), if any.
      let from = pos;
      let to = pos;
      let quoted = false;
      let typed = "";
      if (token && (token.type === "string" || token.type === "word")) {
        if (token.type === "string") {
          quoted = true;
          from = token.from + 1;
          to = token.open ? token.to : token.to - 1;
          if (pos > to) return; // after the closing quote
          typed = text.slice(from, pos);
          to = Math.max(to, pos);
        } else {
          from = token.from;
          to = token.to;
          typed = text.slice(from, pos);
        }
      } else if (token) {
        return;
      }
      if (f.kind === "object") {
        if (f.expectKey && !f.afterColon) {
          result = { kind: "key", path: f.path, frames: stack, from, to, quoted, typed };
          return;
        }
        if (f.key !== null && f.afterColon) {
          const valueTyped = token !== undefined || text.slice(0, pos).trimEnd().endsWith(":");
          if (!valueTyped) return;
          result = { kind: "value", path: [...f.path, f.key], frames: stack, from, to, quoted, typed };
        }
        return;
      }
      result = { kind: "value", path: [...f.path, f.index], frames: stack, from, to, quoted, typed };
    },
  });
  return result;
}
