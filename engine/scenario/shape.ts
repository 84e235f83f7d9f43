// Shape check: depth, size and value kinds of the whole input, before field validation, so that
// no later reader (expectations, trace echo) meets cycles, deep nesting or non-JSON values.

import { LIMITS } from "./limits.ts";
import { describeValue } from "./numbers.ts";
import { type Collector, child } from "./validate.ts";

interface Frame {
  value: object;
  depth: number;
  parent: Frame | undefined;
  key: string | number;
}

function framePath(frame: Frame, key: string | number): string {
  const keys: Array<string | number> = [key];
  for (let f: Frame | undefined = frame; f?.parent !== undefined; f = f.parent) keys.push(f.key);
  let path = "";
  for (let i = keys.length - 1; i >= 0; i--) path = child(path, keys[i]);
  return path;
}

export function checkShape(c: Collector, root: object): boolean {
  const stack: Frame[] = [{ value: root, depth: 1, parent: undefined, key: "" }];
  let values = 1;
  while (stack.length > 0) {
    const frame = stack.pop() as Frame;
    const isArray = Array.isArray(frame.value);
    const keys = isArray ? undefined : Object.keys(frame.value);
    const length = keys ? keys.length : (frame.value as unknown[]).length;
    values += length;
    if (values > LIMITS.maxValues) {
      c.add("", `more than ${LIMITS.maxValues} values in all, the limit`);
      return false;
    }
    for (let i = 0; i < length; i++) {
      const key: string | number = keys ? keys[i] : i;
      if (typeof key === "string" && key.length > LIMITS.maxInputChars) {
        c.add(
          framePath(frame, key.slice(0, 20)),
          `a field name longer than ${LIMITS.maxInputChars} characters`,
        );
        return false;
      }
      const v = (frame.value as Record<string | number, unknown>)[key];
      switch (typeof v) {
        case "object":
          if (v === null) break;
          if (frame.depth >= LIMITS.maxDepth) {
            c.add(framePath(frame, key), `nested more than ${LIMITS.maxDepth} levels deep`);
            return false;
          }
          stack.push({ value: v, depth: frame.depth + 1, parent: frame, key });
          break;
        case "string":
          if (v.length > LIMITS.maxInputChars) {
            c.add(
              framePath(frame, key),
              `a string of ${v.length} characters is longer than the limit of ${LIMITS.maxInputChars}`,
            );
            return false;
          }
          break;
        case "bigint":
        case "function":
        case "symbol":
          c.add(framePath(frame, key), `expected a JSON value, got ${describeValue(v)}`);
          return false;
        default:
          break;
      }
    }
  }
  return true;
}
