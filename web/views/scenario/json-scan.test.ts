// The tolerant JSON scan behind the editor's marks and completion: where a validation message's
// JSON path sits in the text, and what the cursor is on, on whole and half-written text.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { contextAt, locatePaths, marksFor, type PathSegment, splitMessage } from "./json-scan.ts";

const text = JSON.stringify(
  {
    format: "epcm-scenario/1",
    steps: [
      { op: "ioctl", cmd: "SGX_IOC_ENCLAVE_CREATE", arg: { size: "8k" } },
      { op: "mmap", offset: 0, length: 4096, prot: "PROT_READ", flag: 1 },
      { op: "ioctl", cmd: "SGX_IOC_ENCLAVE_ADD_PAGES", arg: { data: { "0x11": 1 } } },
    ],
  },
  null,
  2,
);

/** The text each mark covers. */
function marked(source: string, messages: string[]): string[] {
  return marksFor(source, messages).map((m) => source.slice(m.from, m.to));
}

describe("splitMessage", () => {
  it("reads the JSON path the validator writes before each message", () => {
    expect(splitMessage("steps[3].arg.length: expected a number")).toEqual({
      path: ["steps", 3, "arg", "length"],
      text: "expected a number",
    });
    expect(splitMessage('steps[0].arg.data["0x11"]: offset 0x11 is not a multiple of 8')?.path).toEqual([
      "steps",
      0,
      "arg",
      "data",
      "0x11",
    ]);
    expect(splitMessage("scenario: not valid JSON: oops")).toEqual({
      path: [],
      text: "not valid JSON: oops",
    });
    expect(splitMessage("The engine could not check it: gone")).toBeNull();
  });
});

describe("marksFor", () => {
  it("marks a bad value, an unknown field's key and a key that is not an identifier", () => {
    expect(
      marked(text, [
        'steps[0].arg.size: expected a number or a hex string, got "8k"',
        "steps[1].flag: unknown field (known: op, enclave, note, expect, cpu, offset, length, prot, flags)",
        'steps[2].arg.data["0x11"]: offset 0x11 is not a multiple of 8 (data words are 8 bytes)',
      ]),
    ).toEqual(['"8k"', '"flag"', "1"]);
  });

  it("marks a missing field at the first line of the object that lacks it", () => {
    // Pretty-printed, the object's first line is its opening brace.
    const [mark] = marksFor(text, ["steps[0].arg.ssa_frame_size: required field is missing"]);
    expect(mark.from).toBe(text.indexOf('"arg": {') + '"arg": '.length);
    expect(text.slice(mark.from, mark.to)).toBe("{");
    const oneLine = '{"steps": [{"op": "mmap", "offset": 0}]}';
    expect(marked(oneLine, ["steps[0].length: required field is missing"])).toEqual([
      '{"op": "mmap", "offset": 0}',
    ]);
  });

  it("marks where JSON.parse stopped, and the start for a message about the whole scenario", () => {
    const broken = '{"format": "epcm-scenario/1",, "steps": []}';
    expect(
      marksFor(broken, ["scenario: not valid JSON: Unexpected token ',' at position 29"]).map((m) => m.from),
    ).toEqual([29]);
    expect(marked(text, ["scenario: more than 5000000 values in all, the limit"])).toEqual(["{"]);
  });

  it("ignores messages without a path and stays linear on hostile nesting", () => {
    expect(marksFor(text, ["The engine could not check it: gone"])).toEqual([]);
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    const t0 = performance.now();
    expect(marksFor(deep, ['scenario: expected an object with "format", got an array'])).toHaveLength(1);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});

describe("locatePaths", () => {
  // Scenario-like JSON (keys a wanted path names, strings with escaped quotes, backslashes and
  // newlines, nesting past the scan's depth of 64), then damaged as users paste or half write it:
  // cut short, or with a piece spliced in.
  const key = fc.constantFrom("steps", "arg", "op", "data", "0x11", 'a"b');
  const str = fc.constantFrom("x", 'q"uote', "back\\slash", "new\nline", "{[", "]}", "\\");
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      str,
      fc.integer(),
      fc.constant(null),
      fc.constant("deep"),
      fc.array(tie("value"), { maxLength: 4 }),
      fc.dictionary(key, tie("value"), { maxKeys: 4 }),
    ),
  }));
  const damage = fc.constantFrom("", "{", "}", "[", "]", ",", ":", '"', "\n", "[".repeat(70));
  const doc = fc
    .tuple(value, fc.nat(), fc.nat(), damage, fc.boolean())
    .map(([v, cut, at, piece, truncate]) => {
      const deep = `[${"[".repeat(70)}1${"]".repeat(70)}]`;
      const json = JSON.stringify(v).replaceAll('"deep"', deep);
      if (truncate) return json.slice(0, cut % (json.length + 1));
      const i = at % (json.length + 1);
      return json.slice(0, i) + piece + json.slice(i);
    });
  const segment: fc.Arbitrary<PathSegment> = fc.oneof(key, fc.integer({ min: 0, max: 3 }));
  const paths = fc.array(fc.array(segment, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 4 });

  it("finds what a scan of every token finds, while skipping the containers no path lies in", () => {
    fc.assert(
      fc.property(doc, paths, (text, wanted) => {
        expect([...locatePaths(text, wanted)]).toEqual([...locatePaths(text, wanted, false)]);
      }),
      { numRuns: 3000 },
    );
  });

  it("locates a pasted array of a million steps (passed over; its time is in bench:ui's hostile pastes)", () => {
    const big = `{"format":"epcm-scenario/1","title":"big","steps":[${"{},".repeat(999_999)}{}]}`;
    const from = big.indexOf("[");
    expect(locatePaths(big, [["steps"]]).get(JSON.stringify(["steps"]))).toEqual({
      from,
      to: big.length - 1,
      keyFrom: big.indexOf('"steps"'),
      keyTo: big.indexOf('"steps"') + 7,
      container: true,
    });
  });
});

describe("contextAt", () => {
  it("tells a key from a value, with its path and what is typed so far", () => {
    const src = '{"steps": [{"op": "EEN", "ca';
    const value = contextAt(src, src.indexOf("EEN") + 3);
    expect(value).toMatchObject({ kind: "value", path: ["steps", 0, "op"], quoted: true, typed: "EEN" });
    const key = contextAt(src, src.length);
    expect(key).toMatchObject({ kind: "key", path: ["steps", 0], quoted: true, typed: "ca" });
    expect(key?.frames.at(-1)?.values.get("op")).toBe("EEN");
  });

  it("has nothing to offer right after a finished value", () => {
    const src = '{"op": "close" ';
    expect(contextAt(src, src.length)).toBeNull();
  });
});
