// Which scenarios with several CPUs the kernel selftest harness can express
// (tools/testing/selftests/sgx/main.c): none that need one. A TEST_F runs on one thread that
// enters the enclave through one struct sgx_enclave_run and returns from each call before the
// next line (ENCL_CALL()); it cannot keep a thread inside on another CPU while it issues ioctls,
// nor send an interrupt to one. A plain load or store to the mapping (`access`) could be written,
// but its SIGSEGV/SIGBUS would kill the test, and main.c has no such step.

import type { Scenario } from "../scenario/types.ts";

/** Why the harness cannot express the scenario, or undefined when the CPU additions are unused. */
export function cpuRefusal(scenario: Scenario): string | undefined {
  for (let i = 0; i < scenario.steps.length; i++) {
    const s = scenario.steps[i];
    const at = `steps[${i}] (${s.op})`;
    if ((s.op === "EENTER" || s.op === "ERESUME") && s.stay)
      return `${at} keeps a thread inside the enclave (stay): the selftest harness enters through one struct sgx_enclave_run and every ENCL_CALL() returns before the next line, so no thread can stay inside while the test goes on`;
    if (s.op === "run" || s.op === "EEXIT" || s.op === "interrupt")
      return `${at} needs a thread that stayed inside the enclave, which the selftest harness cannot keep (one thread, ENCL_CALL() returns each time)`;
    if (s.op === "race")
      return `${at} runs steps concurrently on several CPUs at chosen lock boundaries: the selftest harness runs one thread and cannot interleave kernel paths`;
    if (s.op === "access")
      return `${at} is a plain user-space access to the enclave mapping: main.c has no such step, and the SIGSEGV/SIGBUS it may get would kill the test`;
    if (s.cpu !== undefined && s.cpu !== 0)
      return `${at} runs on CPU ${s.cpu}: the selftest harness runs the whole test on one thread and cannot choose the CPU of each step`;
  }
  return undefined;
}
