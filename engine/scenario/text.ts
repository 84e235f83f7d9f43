// The plain-text step log with EPCM tables: readable in a terminal and fit to paste into a
// mailing-list reply (ASCII, lines kept under 80 columns where the content allows).

import { bugHeadline } from "../kernel/stale-pte.ts";
import type { EpcmEntryJson, KernelPageJson, Trace, TraceEvent, TraceStep } from "./trace-types.ts";

const WIDTH = 78;

function wrap(text: string, indent: string): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = indent;
  for (const w of words) {
    if (line.length > indent.length && line.length + 1 + w.length > WIDTH) {
      lines.push(line);
      line = `${indent}  ${w}`;
    } else line = line.length > indent.length ? `${line} ${w}` : `${line}${w}`;
  }
  if (line.trim()) lines.push(line);
  return lines;
}

/** One line describing the op, in the scenario's own names. */
export function opLine(op: Record<string, unknown>): string {
  const { op: name, ...rest } = op;
  // docs/scenario-format.md, Races: explicit interleavings: the listed steps follow on their own lines.
  if (name === "race")
    return `race of ${(rest.steps as unknown[]).length} steps, order [${(rest.order as number[]).join(", ")}]`;
  if (name === "ioctl") {
    const arg = rest.arg as Record<string, unknown> | undefined;
    const fields = arg
      ? Object.entries(arg)
          .filter(([k]) => k !== "data" && k !== "tcs")
          .map(([k, v]) => `${k}=${typeof v === "object" ? JSON.stringify(v) : v}`)
      : [];
    return `ioctl ${rest.cmd}${fields.length ? ` {${fields.join(", ")}}` : ""}`;
  }
  const fields = Object.entries(rest).map(([k, v]) => `${k}=${v}`);
  return `${name}${fields.length ? ` ${fields.join(" ")}` : ""}`;
}

/** The user-visible outcome of a step. */
export function outcomeLine(s: TraceStep): string {
  const parts: string[] = [];
  if (s.run) {
    const r = s.run;
    parts.push(`ret ${s.ret}, run.function ${r.function}`);
    if (r.exception_vector) {
      const v =
        r.exception_vector === 14
          ? "#PF"
          : r.exception_vector === 13
            ? "#GP"
            : `vector ${r.exception_vector}`;
      parts.push(
        `${v} ${r.exception_error_code}${r.exception_vector === 14 ? ` at offset ${r.exception_offset}` : ""}`,
      );
    }
  } else if (s.ret === undefined && s.thread) {
    parts.push(`stays inside on CPU ${s.thread.cpu} (the vDSO has not returned)`);
  } else {
    const mmap = (s.op as Record<string, unknown>).op === "mmap";
    parts.push(
      s.ret === -1 ? `ret -1, errno ${s.errno}` : mmap ? `ret 0x${s.ret.toString(16)}` : `ret ${s.ret}`,
    );
  }
  if (s.arg)
    parts.push(
      Object.entries(s.arg)
        .map(([k, v]) => `${k} ${v}`)
        .join(", "),
    );
  if (s.call?.ret_name !== undefined) parts.push(`RAX ${s.call.ret_name}`);
  if (s.call?.value !== undefined) parts.push(`value ${s.call.value}`);
  if (s.value !== undefined) parts.push(`value ${s.value}`);
  if (s.signal !== undefined) parts.push(s.signal);
  if (s.run && s.thread) parts.push(`thread inside on CPU ${s.thread.cpu}`);
  if (s.repeated !== undefined) parts.push(`repeated ${s.repeated}`);
  if (s.stalled) parts.push("STALLED");
  return parts.join("; ");
}

export function flagsText(e: Pick<EpcmEntryJson, "pending" | "modified" | "pr" | "blocked">): string {
  const f: string[] = [];
  if (e.pending) f.push("PENDING");
  if (e.modified) f.push("MODIFIED");
  if (e.pr) f.push("PR");
  if (e.blocked) f.push("BLOCKED");
  return f.join(" ");
}

function table(rows: string[][], indent: string): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => `${indent}${r.map((c, i) => c.padEnd(widths[i])).join("  ")}`.trimEnd());
}

/**
 * Runs shorter than this are listed entry by entry; from this length on, a run of entries that
 * differ only by advancing EPC index and offset is one row ("EPC 6–32773 ... ×32768"), so a
 * real-size run stays readable (docs/scenario-format.md, Compact traces).
 */
export const TEXT_RUN_MIN = 64;

/** Consecutive items `same` chains together, as [first, last, count] groups (runs < TEXT_RUN_MIN are split up). */
function runsOf<T>(items: readonly T[], same: (prev: T, cur: T) => boolean): Array<[T, T, number]> {
  const out: Array<[T, T, number]> = [];
  let i = 0;
  while (i < items.length) {
    let j = i + 1;
    while (j < items.length && same(items[j - 1], items[j])) j++;
    if (j - i >= TEXT_RUN_MIN) out.push([items[i], items[j - 1], j - i]);
    else for (let x = i; x < j; x++) out.push([items[x], items[x], 1]);
    i = j;
  }
  return out;
}

const nextOffset = (a: string | null, b: string | null): boolean =>
  a !== null && b !== null && BigInt(b) === BigInt(a) + 0x1000n;
const span = (a: string, b: string, n: number): string => (n === 1 ? a : `${a}–${b}`);

export function epcmTable(entries: EpcmEntryJson[], indent = "  "): string[] {
  const rows = [["EPC", "enclave", "offset", "type", "perms", "flags"]];
  const same = (p: EpcmEntryJson, c: EpcmEntryJson): boolean =>
    c.epc === p.epc + 1 &&
    c.valid === p.valid &&
    c.enclave === p.enclave &&
    c.type === p.type &&
    c.perms === p.perms &&
    flagsText(c) === flagsText(p) &&
    (p.valid ? nextOffset(p.offset, c.offset) : true);
  for (const [e, last, n] of runsOf(entries, same)) {
    const epc = span(String(e.epc), String(last.epc), n);
    const count = n > 1 ? [`×${n}`] : [];
    rows.push(
      e.valid
        ? [
            epc,
            e.enclave ?? "-",
            n > 1 ? span(e.offset ?? "-", last.offset ?? "-", n) : (e.offset ?? "-"),
            e.type ?? "-",
            e.perms,
            [flagsText(e), ...count].filter(Boolean).join(" "),
          ]
        : [epc, "-", "-", "(free)", "---", count.join("")],
    );
  }
  return table(rows, indent);
}

function pagesTable(pages: KernelPageJson[], indent = "  "): string[] {
  const rows = [["enclave", "offset", "type", "vm_max_prot", "EPC"]];
  const same = (p: KernelPageJson, c: KernelPageJson): boolean =>
    c.enclave === p.enclave &&
    c.type === p.type &&
    c.vm_max_prot === p.vm_max_prot &&
    c.resident === p.resident &&
    nextOffset(p.offset, c.offset) &&
    (p.resident ? c.epc === (p.epc as number) + 1 : true);
  for (const [p, last, n] of runsOf(pages, same)) {
    const where =
      n === 1
        ? p.resident
          ? String(p.epc)
          : `evicted (VA ${p.va_page} slot ${p.va_slot})`
        : p.resident
          ? `${p.epc}–${last.epc} (×${n})`
          : `evicted (×${n})`;
    rows.push([p.enclave, span(p.offset, last.offset, n), p.type, p.vm_max_prot, where]);
  }
  return table(rows, indent);
}

/** A race's listed steps with their outcomes, and the lock boundaries passed in order. */
function raceLines(s: TraceStep): string[] {
  const out: string[] = [];
  for (const p of s.race ?? []) {
    out.push(...wrap(`race[${p.index}] CPU ${p.cpu}: ${opLine(p.op)} => ${outcomeLine(p)}`, "    "));
    if (p.note) out.push(...wrap(`# ${p.note}`, "      "));
    for (const u of p.unmet ?? []) out.push(...wrap(`!! expectation not met: ${u}`, "      "));
  }
  (s.schedule ?? []).forEach((b, i) => {
    out.push(...wrap(`schedule ${i + 1}: race[${b.step}] at ${b.boundary}`, "    "));
  });
  return out;
}

/** The whole trace as text. `events: false` leaves out the micro-steps. */
export function formatTraceText(trace: Trace, opts: { events?: boolean } = {}): string {
  const events = opts.events ?? true;
  const out: string[] = [];
  out.push(`Scenario: ${trace.title}`);
  out.push(
    `Machine: ${trace.machine.epcPages} EPC pages, ${trace.machine.sgx2 ? "SGX2" : "SGX1 only"}${trace.machine.cpus !== undefined ? `, ${trace.machine.cpus} CPUs` : ""}`,
  );
  // docs/scenario-format.md, Kernel versions and what-ifs: named only when the scenario chose them.
  const { kernel, mutate } = trace.machine;
  if (kernel !== undefined || mutate !== undefined)
    out.push(`Kernel: ${kernel ?? "v6.0"}${mutate?.length ? `, what-if: ${mutate.join(", ")}` : ""}`);
  for (const [name, e] of Object.entries(trace.enclaves))
    out.push(`Enclave ${name}: base ${e.base}, size ${e.size}`);
  for (const s of trace.steps) {
    out.push("");
    const on = s.cpu ? ` CPU ${s.cpu}:` : "";
    out.push(...wrap(`[${s.index}]${on}${s.enclave !== "e0" ? ` (${s.enclave})` : ""} ${opLine(s.op)}`, ""));
    if (s.note) out.push(...wrap(`# ${s.note}`, "    "));
    out.push(...wrap(`=> ${outcomeLine(s)}`, "    "));
    // Each event names its basis (docs/scenario-format.md, Provenance of events).
    if (s.race) out.push(...raceLines(s));
    const cpuOf = (e: TraceEvent) => (s.race ? `CPU ${e.cpu} ` : "");
    if (events) for (const e of s.events) out.push(...wrap(`- ${cpuOf(e)}[${e.basis}] ${e.text}`, "    "));
    if (s.epcm.length) {
      out.push("    EPCM entries changed:");
      out.push(...epcmTable(s.epcm, "      "));
    }
    for (const u of s.unmet ?? []) out.push(...wrap(`!! expectation not met: ${u}`, "    "));
    if (s.oops) out.push(...wrap(`!! KERNEL OOPS in ${s.oops.function}(): ${s.oops.text}`, "    "));
    // docs/scenario-format.md, Races: a kernel bug the step left behind without crashing.
    for (const b of s.bugs ?? []) out.push(...wrap(`!! ${bugHeadline(b)}`, "    "));
  }
  // docs/scenario-format.md, Kernel bugs that crash.
  if (trace.stopped) {
    out.push("");
    out.push(
      ...wrap(
        `The kernel oopsed at step ${trace.stopped.step}: the run ends there (${trace.stopped.not_run} step(s) not run).`,
        "",
      ),
    );
  }
  out.push("");
  out.push("Final EPCM:");
  out.push(...epcmTable(trace.final.epcm));
  if (trace.final.pages.length) {
    out.push("");
    out.push("Kernel's enclave pages:");
    out.push(...pagesTable(trace.final.pages));
  }
  if (trace.final.threads) {
    out.push("");
    out.push("Threads inside:");
    if (trace.final.threads.length === 0) out.push("  (none)");
    for (const t of trace.final.threads) {
      out.push(`  CPU ${t.cpu}: ${t.enclave} TCS ${t.tcs}`);
      for (const e of t.tlb)
        out.push(
          `    TLB ${e.enclave}+${e.offset} ${e.rights}${e.stale ? " (stale: more than the EPCM allows)" : ""}`,
        );
    }
  }
  return `${out.join("\n")}\n`;
}
