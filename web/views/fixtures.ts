// Trace steps for the web unit tests: hand-written ones shaped like the engine's trace contract,
// and real runs of built-in flows.
import { findFlow, parseScenario, type Trace, type TraceStep } from "../../engine/index.ts";
import { Session } from "../../engine/session/session.ts";

export function step(fields: Partial<TraceStep> & Pick<TraceStep, "index" | "op">): TraceStep {
  return { enclave: "e0", ret: 0, events: [], epcm: [], ...fields };
}

export const faultStep = step({
  index: 5,
  op: { op: "EENTER", tcs: "0x0", call: "write", addr: "0xc000", value: "0x1122334455667788" },
  run: {
    function: "ERESUME",
    exception_vector: 14,
    exception_error_code: "0x8007",
    exception_addr: "0x7f000000c000",
    exception_offset: "0xc000",
  },
  epcm: [
    {
      epc: 9,
      enclave: "e0",
      offset: "0xc000",
      valid: true,
      type: "REG",
      perms: "RW-",
      pending: true,
      modified: false,
      pr: false,
      blocked: false,
    },
  ],
});

export const readStep = step({
  index: 8,
  op: { op: "EENTER", tcs: "0x0", call: "read", addr: "0xc000" },
  run: {
    function: "EEXIT",
    exception_vector: 0,
    exception_error_code: "0x0",
    exception_addr: "0x0",
    exception_offset: "0x0",
  },
  call: { value: "0x1122334455667788" },
});

export const refusedIoctl = step({
  index: 2,
  op: {
    op: "ioctl",
    cmd: "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS",
    arg: { offset: "0x5000", length: "0x1000", permissions: "0x1" },
  },
  ret: -1,
  errno: "EPERM",
  arg: { count: "0x0", result: "0x0" },
  unmet: ['errno: expected "EINVAL", got "EPERM"'],
});

export const sampleTrace: Trace = {
  format: "epcm-trace/1",
  title: "augment: EAUG on a page fault",
  machine: { epcPages: 128, sgx2: true },
  enclaves: { e0: { base: "0x7f0000000000", size: "0x10000" } },
  steps: [refusedIoctl, faultStep, readStep],
  final: { epcm: [], pages: [] },
};

// Real runs for component tests: the engine's own session (as the worker would hold it), so the
// views are tested on what the engine actually reports.
const sessions = new Map<string, Session>();

export function flowSession(id: string): Session {
  let s = sessions.get(id);
  if (!s) {
    const flow = findFlow(id);
    if (!flow) throw new Error(`no flow ${id}`);
    const parsed = parseScenario(flow.scenario);
    if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
    s = new Session(parsed.scenario);
    sessions.set(id, s);
  }
  return s;
}
