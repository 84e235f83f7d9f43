import { describe, expect, it } from "vitest";
import { withRaceOrder } from "./race-order.ts";

const race = (extra: Record<string, unknown> = {}) => ({
  op: "race",
  note: "two loads",
  steps: [
    { op: "access", offset: "0xc000", kind: "read", cpu: 0 },
    { op: "access", offset: "0xc000", kind: "read", cpu: 1 },
  ],
  ...extra,
});

const scenario = (step: Record<string, unknown>) => ({
  format: "epcm-scenario/1",
  title: "t",
  machine: { cpus: 2, kernel: "v6.0" },
  steps: [{ op: "mmap", offset: "0x0", length: "0x1000", prot: "PROT_READ" }, step, { op: "munmap" }],
});

const pretty = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

describe("withRaceOrder", () => {
  it("replaces the order in its place: the pretty text differs only on the order's lines", () => {
    const before = scenario(race({ order: [0, 1, 0, 1], expect: { ret: 0 } }));
    const r = withRaceOrder(before, 1, [0, 0, 1]);
    if (!r.ok) throw new Error(r.message);
    const a = pretty(before).split("\n");
    const b = pretty(r.scenario).split("\n");
    const orderAt = a.findIndex((l) => l.includes('"order"'));
    // The lines before the order, and from the first line after each order's closing bracket on.
    expect(b.slice(0, orderAt)).toEqual(a.slice(0, orderAt));
    const tail = (lines: string[]) => lines.slice(lines.indexOf("      ],", orderAt) + 1);
    expect(tail(b)).toEqual(tail(a));
    expect((r.scenario.steps as Array<Record<string, unknown>>)[1]).toEqual(
      race({ order: [0, 0, 1], expect: { ret: 0 } }),
    );
    expect(Object.keys((r.scenario.steps as Array<Record<string, unknown>>)[1])).toEqual([
      "op",
      "note",
      "steps",
      "order",
      "expect",
    ]);
  });

  it("adds an order right after the listed steps when the race had none", () => {
    const r = withRaceOrder(scenario({ op: "race", steps: [], note: "n" }), 1, [1, 0]);
    expect(r.ok && Object.keys((r.scenario.steps as Array<Record<string, unknown>>)[1])).toEqual([
      "op",
      "steps",
      "order",
      "note",
    ]);
    const odd = withRaceOrder(scenario({ op: "race" }), 1, [1]);
    expect(odd.ok && (odd.scenario.steps as Array<Record<string, unknown>>)[1]).toEqual({
      op: "race",
      order: [1],
    });
  });

  it("leaves the input untouched and shares the other steps", () => {
    const before = scenario(race({ order: [1] }));
    const copy = structuredClone(before);
    const r = withRaceOrder(before, 1, [0, 1]);
    expect(before).toEqual(copy);
    expect(r.ok && (r.scenario.steps as unknown[])[0]).toBe(before.steps[0]);
    expect(r.ok && r.scenario.machine).toBe(before.machine);
  });

  it("refuses what is not a race step of a scenario, saying why", () => {
    expect(withRaceOrder(null, 0, [0])).toEqual({
      ok: false,
      message: "The scenario has no list of steps to change.",
    });
    expect(withRaceOrder({ steps: {} }, 0, [0]).ok).toBe(false);
    expect(withRaceOrder(scenario(race()), 0, [0])).toEqual({
      ok: false,
      message: "steps[0] is not a race step of this scenario: its order cannot be set.",
    });
    expect(withRaceOrder(scenario(race()), 7, [0]).ok).toBe(false);
    expect(withRaceOrder(scenario(race()), 1, [0, -1])).toEqual({
      ok: false,
      message: "An order lists step indexes (whole numbers from 0), got [0, -1].",
    });
  });
});
