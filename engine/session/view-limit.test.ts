import { describe, expect, it } from "vitest";
import { parseScenario } from "../scenario/parse.ts";
import { viewRefusal } from "./view-limit.ts";

const scenario = (epcPages: number) => {
  const r = parseScenario({ format: "epcm-scenario/1", machine: { epcPages }, steps: [] });
  if (!r.ok) throw new Error(r.errors.join("; "));
  return r.scenario;
};

describe("viewRefusal", () => {
  it("opens EPCs up to 2^22 pages and names the CLI for larger ones", () => {
    expect(viewRefusal(scenario(2 ** 22))).toBeUndefined();
    expect(viewRefusal(scenario(2 ** 27))).toBe(
      "machine.epcPages: the explorer shows an EPC of up to 4194304 pages (16 GiB), this scenario has 134217728; run it with npm run sim (up to 134217728 pages).",
    );
  });
});
