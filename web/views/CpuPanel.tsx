// The logical processors of a run that names a CPU or keeps a thread inside
// (docs/scenario-format.md, "Logical processors, threads that stay inside, TLBs"): a lane per
// CPU over the steps (a thread inside, the step ran there, an AEX, an IPI; clicking seeks), and
// the TLB of every CPU after the current step, as the engine reports it (RunInfo.cpus: the
// view never computes it). The "TLB" table (columns CPU, Offset, Rights, Stale) is the panel's
// accessible form; stale entries (more rights than the EPCM allows now) are marked.
import type { TraceStep } from "../engine/client.ts";
import { useExplorer } from "../store/explorer.ts";
import "./cpus.css";

/** Lanes get one cell per step up to this many steps (CPU scenarios are short). */
const MAX_LANE_STEPS = 400;

interface Cell {
  inside: string | null;
  ran: boolean;
  aex: boolean;
  ipi: boolean;
}

function cellOf(
  step: TraceStep,
  threads: Array<{ cpu: number; enclave: string; tcs: string }>,
  cpu: number,
): Cell {
  const t = threads.find((x) => x.cpu === cpu);
  return {
    inside: t ? `${t.enclave} TCS ${t.tcs}` : null,
    ran: (step.cpu ?? 0) === cpu,
    aex: step.events.some((e) => e.kind === "aex" && e.cpu === cpu),
    ipi: step.events.some((e) => e.kind === "ipi" && (e.cpus ?? []).includes(cpu) && e.cpu !== cpu),
  };
}

function cellLabel(cpu: number, k: number, c: Cell): string {
  const parts = [c.inside ? `thread inside ${c.inside}` : "no thread inside"];
  if (c.ran) parts.push("ran the step");
  if (c.aex) parts.push("AEX");
  if (c.ipi) parts.push("IPI received");
  return `CPU ${cpu}, after step ${k}: ${parts.join(", ")}`;
}

export function CpuPanel() {
  const info = useExplorer((s) => s.info);
  const step = useExplorer((s) => s.step);
  const seek = useExplorer((s) => s.seek);
  const cpus = info?.cpus;
  if (!info || !cpus) return null;
  const used = new Set<number>([0]);
  for (const st of info.steps) used.add(st.cpu ?? 0);
  for (const ts of cpus.threads) for (const t of ts) used.add(t.cpu);
  const lanes = [...used].sort((a, b) => a - b);
  const now = step >= 1 ? (cpus.threads[step - 1] ?? []) : [];
  const rows = now.flatMap((t) => t.tlb.map((e) => ({ cpu: t.cpu, ...e })));
  const showLanes = info.steps.length <= MAX_LANE_STEPS;
  return (
    <section className="cpus" aria-label="CPUs">
      <h2>
        CPUs <span className="time-muted">({cpus.count} in the machine)</span>
      </h2>
      {showLanes ? (
        <div className="cpu-lanes">
          {lanes.map((cpu) => (
            <div className="cpu-lane" key={cpu}>
              <span className="cpu-lane-name">CPU {cpu}</span>
              <ol className="cpu-cells" aria-label={`CPU ${cpu} over the steps`}>
                {info.steps.map((st, i) => {
                  const k = i + 1;
                  const c = cellOf(st, cpus.threads[i] ?? [], cpu);
                  const cls = [
                    "cpu-cell",
                    c.inside ? "is-inside" : "",
                    c.ran ? "is-ran" : "",
                    c.aex ? "has-aex" : "",
                    c.ipi ? "has-ipi" : "",
                    k === step ? "is-current" : "",
                  ]
                    .filter(Boolean)
                    .join(" ");
                  return (
                    <li key={st.index} aria-current={k === step ? "step" : undefined}>
                      <button
                        type="button"
                        className={cls}
                        aria-label={cellLabel(cpu, k, c)}
                        title={cellLabel(cpu, k, c)}
                        onClick={() => void seek(k)}
                      >
                        {c.aex ? "A" : c.ipi ? "I" : ""}
                      </button>
                    </li>
                  );
                })}
              </ol>
            </div>
          ))}
        </div>
      ) : (
        <p className="time-muted">
          Too many steps for per-step lanes; the TLB table follows the current step.
        </p>
      )}
      <table className="cpu-tlb">
        <caption>TLB</caption>
        <thead>
          <tr>
            <th scope="col">CPU</th>
            <th scope="col">Offset</th>
            <th scope="col">Rights</th>
            <th scope="col">Stale</th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={4} className="time-muted">
                No CPU caches an enclave translation after this step.
              </td>
            </tr>
          ) : (
            rows.map((r) => (
              <tr key={`${r.cpu}:${r.enclave}:${r.offset}`} className={r.stale ? "is-stale" : undefined}>
                <td>{r.cpu}</td>
                <td>
                  <code>
                    {r.enclave}+{r.offset}
                  </code>
                </td>
                <td>
                  <code>{r.rights}</code>
                </td>
                <td>{r.stale ? "stale: more than the EPCM allows" : "no"}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </section>
  );
}
