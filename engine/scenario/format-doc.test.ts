// docs/scenario-format.md stays honest about what the code accepts and writes: every op, call,
// ioctl command, field and CLI option the validator and CLI accept, and every field the runner
// writes into a trace, is named in it (in backticks); its sections keep the headings others cite.
// The lists come from the code itself (the validator's own messages, a real run), not from a
// copy kept here.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { flows } from "../flows/index.ts";
import { parseScenario, runScenario } from "../index.ts";

const doc = readFileSync(new URL("../../docs/scenario-format.md", import.meta.url), "utf8");
const planned = doc.indexOf("# Planned (not yet implemented)");
/** The part that describes what the code does today. */
const today = doc.slice(0, planned);

function errorsOf(raw: unknown): string[] {
  const r = parseScenario(raw);
  return r.ok ? [] : r.errors;
}

const scenario = (steps: unknown[], extra: Record<string, unknown> = {}) => ({
  format: "epcm-scenario/1",
  steps,
  ...extra,
});

/** The list after `prefix` in the first message that has it ("known: a, b" → [a, b]). */
function listAfter(messages: string[], prefix: string, end = /[);]|$/): string[] {
  for (const m of messages) {
    const at = m.indexOf(prefix);
    if (at < 0) continue;
    const rest = m.slice(at + prefix.length);
    const stop = rest.search(end);
    return (stop < 0 ? rest : rest.slice(0, stop))
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  }
  throw new Error(`no message with ${prefix}: ${messages.join(" | ")}`);
}

const knownFields = (raw: unknown) => listAfter(errorsOf(raw), "known: ");
/** Every word inside a backtick span of the doc's "today" part (`machine.epcPages` names both). */
const codeWords = new Set(
  [...today.matchAll(/`([^`\n]+)`/g)].flatMap((m) => m[1].split(/[^A-Za-z0-9_$]+/)).filter(Boolean),
);
const named = (name: string) => codeWords.has(name);

const ops = listAfter(errorsOf(scenario([{ op: "?" }])), "valid: ");
const calls = listAfter(errorsOf(scenario([{ op: "EENTER" }])), "(one of ");

/** uapi ioctl names; the validator knows some (their `arg` is checked), others reach the kernel as unknown. */
const UAPI = [
  "SGX_IOC_ENCLAVE_CREATE",
  "SGX_IOC_ENCLAVE_ADD_PAGES",
  "SGX_IOC_ENCLAVE_INIT",
  "SGX_IOC_ENCLAVE_PROVISION",
  "SGX_IOC_VEPC_REMOVE_ALL",
  "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS",
  "SGX_IOC_ENCLAVE_MODIFY_TYPES",
  "SGX_IOC_ENCLAVE_REMOVE_PAGES",
];
const cmds = UAPI.filter((cmd) =>
  errorsOf(scenario([{ op: "ioctl", cmd, arg: { zzzz: 1 } }])).some((m) => m.includes("arg.zzzz")),
);

describe("docs/scenario-format.md", () => {
  it("keeps the section headings other documents cite", () => {
    for (const h of [
      "## Scenario",
      "### Driver calls (user space → kernel)",
      "### Enclave calls (through the vDSO, `__vdso_sgx_enter_enclave`)",
      "### Expectations",
      "## Trace",
      "## Command line",
      "# Planned (not yet implemented)",
    ])
      expect(doc.split("\n"), h).toContain(h);
    expect(planned).toBeGreaterThan(0);
  });

  it("names every op, call and known ioctl command", () => {
    expect(ops).toContain("EENTER");
    expect(calls).toContain("init_tcs");
    expect(cmds.length).toBe(7);
    for (const name of [...ops, ...calls, ...cmds]) expect(named(name), name).toBe(true);
  });

  it("names every field the validator accepts", () => {
    const fields = new Set<string>([
      ...knownFields({ ...scenario([]), zzzz: 1 }),
      ...knownFields(scenario([], { machine: { zzzz: 1 } })),
    ]);
    for (const op of ops) {
      if (op === "EENTER") continue;
      for (const f of knownFields(scenario([{ op, zzzz: 1 }]))) fields.add(f);
    }
    for (const call of calls)
      for (const f of knownFields(scenario([{ op: "EENTER", call, zzzz: 1 }]))) fields.add(f);
    for (const cmd of cmds) {
      const errors = errorsOf(scenario([{ op: "ioctl", cmd, arg: { zzzz: 1 } }]));
      if (errors.some((m) => m.includes("known: ")))
        for (const f of listAfter(errors, "known: ")) fields.add(f);
    }
    for (const f of knownFields(
      scenario([{ op: "ioctl", cmd: "SGX_IOC_ENCLAVE_INIT", arg: { sigstruct: { zzzz: 1 } } }]),
    ))
      fields.add(f);
    for (const f of knownFields(
      scenario([
        {
          op: "ioctl",
          cmd: "SGX_IOC_ENCLAVE_ADD_PAGES",
          arg: { offset: 0, length: 4096, secinfo: "TCS", tcs: [{ zzzz: 1 }] },
        },
      ]),
    ))
      fields.add(f);
    expect(fields).toContain("clobbered");
    expect(fields).toContain("enclavehash");
    for (const f of fields) expect(named(f), f).toBe(true);
  });

  it("names every field a trace has (top level, steps, run, call, events, EPCM entries, kernel pages)", () => {
    const keys = new Set<string>();
    const add = (o: object | undefined) => {
      for (const k of Object.keys(o ?? {})) keys.add(k);
    };
    for (const f of flows) {
      const p = parseScenario(f.scenario);
      if (!p.ok) throw new Error(p.errors.join("\n"));
      const { trace } = runScenario(p.scenario);
      add(trace);
      add(trace.final);
      for (const e of trace.final.epcm) add(e);
      for (const pg of trace.final.pages) add(pg);
      for (const st of trace.steps) {
        add(st);
        add(st.run);
        add(st.call);
        add(st.review);
        for (const c of st.review?.checks ?? []) add(c);
        for (const ev of st.events) add(ev);
      }
    }
    expect(keys).toContain("exception_offset");
    expect(keys).toContain("va_slot");
    for (const k of keys) expect(named(k), k).toBe(true);
  });

  it("names every option of the command line", () => {
    const cli = readFileSync(new URL("../cli.ts", import.meta.url), "utf8");
    const options = new Set(cli.match(/--[a-z][a-z-]*/g));
    expect(options).toContain("--format");
    for (const o of options) expect(today.includes(o), o).toBe(true);
  });

  it("marks the planned additions as not implemented, and the validator indeed rejects them", () => {
    // A thread that stays inside, in a race, is planned: the validator refuses a run as a listed step.
    const run = { op: "run", call: "nop" };
    for (const raw of [
      scenario([{ op: "race", steps: [run, { ...run, cpu: 1 }] }], { machine: { cpus: 2 } }),
    ])
      expect(errorsOf(raw).length, JSON.stringify(raw)).toBeGreaterThan(0);
    const enter = { op: "EENTER", call: "nop" };
    expect(errorsOf(scenario([{ op: "race", steps: [enter, { ...enter, tcs: 4096, cpu: 1 }] }]))).toEqual([]);
    const create = { op: "ioctl", cmd: "SGX_IOC_ENCLAVE_CREATE", arg: { size: 8192 } };
    expect(errorsOf(scenario([{ op: "race", steps: [create, { ...create, cpu: 1 }] }]))).toEqual([]);
    // The CPU additions, user-space accesses and kernel versions are implemented (and documented
    // above the line).
    for (const raw of [
      scenario([], { machine: { kernel: "v6.6", mutate: ["no-ipi"] } }),
      scenario([], { machine: { cpus: 2 } }),
      scenario([{ op: "EENTER", call: "nop", stay: true }]),
      scenario([{ op: "interrupt" }]),
      scenario([{ op: "access", offset: 0, kind: "read" }]),
      scenario([{ op: "EENTER", call: "nop", cpu: 1 }]),
      scenario([
        {
          op: "race",
          steps: [
            { op: "access", offset: 0, kind: "read" },
            { op: "access", offset: 0, kind: "read", cpu: 1 },
          ],
          order: [1, 0],
        },
      ]),
    ])
      expect(errorsOf(raw), JSON.stringify(raw)).toEqual([]);
    expect(doc.slice(planned)).toContain("**None of this works");
  });
});
