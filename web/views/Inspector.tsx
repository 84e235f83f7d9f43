// The inspector: everything the engine reports about the selected page at the current step: its
// EPCM entry, the kernel's record (struct sgx_encl_page), its page-table view per mapping, TCS or
// SECS fields, VA slots in use, and its non-zero data words.
import { type ReactNode, useEffect, useRef } from "react";
import { hex, pageTypeLabel, permsText } from "../../engine/vocabulary/index.ts";
import type { PageDetail } from "../engine/client.ts";
import { type Selection, useExplorer } from "../store/explorer.ts";
import "./time.css";

function Row({ name, children }: { name: ReactNode; children: ReactNode }) {
  return (
    <div className="inspector-row">
      <dt>{name}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Bit({ on, name }: { on: boolean; name: string }) {
  return (
    <span className={`inspector-bit ${on ? "is-on" : "is-off"}`}>
      <span className="sr-only">{name} </span>
      {on ? "set" : "clear"}
    </span>
  );
}

function Perms({ letters }: { letters: string }) {
  return (
    <span className="inspector-perms">
      <code>{letters}</code>
      <span className="inspector-perms-words">
        {" "}
        (
        {["read", "write", "execute"].filter((_, i) => letters[i] && letters[i] !== "-").join(", ") ||
          "no access"}
        )
      </span>
    </span>
  );
}

function title(sel: NonNullable<Selection>, d: PageDetail | null): string {
  if (sel.kind === "page") return `Page ${sel.enclave}+${hex(sel.offset)}`;
  const owner = d?.kernel ? ` (${d.kernel.enclave}+${hex(d.kernel.offset)})` : "";
  return `EPC page ${sel.epc}${owner}`;
}

function EpcmSection({ d }: { d: PageDetail }) {
  const e = d.epcm;
  return (
    <section className="inspector-section" aria-label="EPCM entry">
      <h3>EPCM entry</h3>
      {!e ? (
        <p className="time-muted">
          No valid EPCM entry:{" "}
          {d.kernel && !d.kernel.resident
            ? "the page is evicted; its contents are encrypted in regular memory."
            : "no EPC page backs this address."}
        </p>
      ) : (
        <dl className="inspector-grid">
          <Row name="EPC page">
            <code>{e.epc}</code>
          </Row>
          <Row name="VALID">
            <Bit on={e.valid} name="VALID" />
          </Row>
          <Row name="Type">
            <code>{e.type ?? "—"}</code>
          </Row>
          <Row name="R W X">
            <Perms letters={e.perms} />
          </Row>
          <Row name="PENDING">
            <Bit on={e.pending} name="PENDING" />
          </Row>
          <Row name="MODIFIED">
            <Bit on={e.modified} name="MODIFIED" />
          </Row>
          <Row name="PR">
            <Bit on={e.pr} name="PR" />
          </Row>
          <Row name="BLOCKED">
            <Bit on={e.blocked} name="BLOCKED" />
          </Row>
          <Row name="Owner enclave">
            {e.enclave ? <code>{e.enclave}</code> : <span className="time-muted">none</span>}
          </Row>
          <Row name="Offset">
            {e.offset ? <code>{e.offset}</code> : <span className="time-muted">—</span>}
          </Row>
        </dl>
      )}
    </section>
  );
}

function KernelSection({ d }: { d: PageDetail }) {
  const k = d.kernel;
  return (
    <section className="inspector-section" aria-label="Kernel record">
      <h3>
        Kernel record <small className="time-muted">struct sgx_encl_page</small>
      </h3>
      {!k ? (
        <p className="time-muted">
          The kernel has no page at this offset (an unbacked hole, or not an enclave page).
        </p>
      ) : (
        <dl className="inspector-grid">
          <Row name="Enclave, offset">
            <code>
              {k.enclave}+{hex(k.offset)}
            </code>
          </Row>
          <Row name="Type">
            <code>{pageTypeLabel(k.type)}</code>
          </Row>
          <Row name={<code>vm_max_prot_bits</code>}>
            <Perms letters={permsText(k.vmMaxProt)} />
          </Row>
          <Row name="State">{k.resident ? `resident in EPC page ${k.epc}` : "evicted"}</Row>
          {!k.resident && (
            <Row name="Version slot">
              {k.vaPage >= 0 ? (
                <>
                  VA page <code>{k.vaPage}</code>, slot <code>{k.vaSlot}</code>
                </>
              ) : (
                <span className="time-muted">none</span>
              )}
            </Row>
          )}
        </dl>
      )}
    </section>
  );
}

function MappingSection({ d }: { d: PageDetail }) {
  return (
    <section className="inspector-section" aria-label="Page tables">
      <h3>Page tables</h3>
      {d.mappings.length === 0 ? (
        <p className="time-muted">
          Not mapped: no VMA covers this page, so any access faults in the page tables.
        </p>
      ) : (
        <table className="inspector-table">
          <thead>
            <tr>
              <th scope="col">VMA</th>
              <th scope="col">Prot</th>
              <th scope="col">PTE</th>
            </tr>
          </thead>
          <tbody>
            {d.mappings.map((m) => (
              <tr key={`${m.vmaStart}-${m.vmaEnd}`}>
                <td>
                  <code>
                    {hex(m.vmaStart)}–{hex(m.vmaEnd)}
                  </code>
                </td>
                <td>
                  <code>{permsText(m.prot)}</code>
                </td>
                <td>{m.pte}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function ControlSection({ d }: { d: PageDetail }) {
  if (d.tcs) {
    const t = d.tcs;
    return (
      <section className="inspector-section" aria-label="TCS fields">
        <h3>TCS fields</h3>
        <dl className="inspector-grid">
          <Row name="STATE">
            <code>{t.state}</code> <span className="time-muted">({t.state === 0 ? "free" : "in use"})</span>
          </Row>
          <Row name="CSSA">
            <code>{t.cssa}</code>
          </Row>
          <Row name="NSSA">
            <code>{t.nssa}</code>
          </Row>
          <Row name="OSSA">
            <code>{t.ossa}</code>
          </Row>
          <Row name="OENTRY">
            <code>{t.oentry}</code>
          </Row>
        </dl>
      </section>
    );
  }
  if (d.secs) {
    const s = d.secs;
    return (
      <section className="inspector-section" aria-label="SECS fields">
        <h3>SECS fields</h3>
        <dl className="inspector-grid">
          <Row name="BASEADDR">
            <code>{s.base}</code>
          </Row>
          <Row name="SIZE">
            <code>{s.size}</code>
          </Row>
          <Row name="ATTRIBUTES">
            <code>{s.attributes}</code>
          </Row>
          <Row name="Initialized">{s.initialized ? "yes (EINIT done)" : "no"}</Row>
          <Row name="Child pages">
            <code>{s.childCount}</code>
          </Row>
          <Row name="Epoch">
            <code>{s.epoch}</code>
          </Row>
        </dl>
      </section>
    );
  }
  return null;
}

function DataSection({ d }: { d: PageDetail }) {
  if (!d.epcm) return null;
  return (
    <section className="inspector-section" aria-label="Data">
      <h3>
        Data <small className="time-muted">non-zero 8-byte words</small>
      </h3>
      {d.vaSlotsUsed !== undefined && (
        <p>
          Version Array: <code>{d.vaSlotsUsed}</code> of 512 slots in use.
        </p>
      )}
      {d.words.length === 0 ? (
        <p className="time-muted">All zero.</p>
      ) : (
        <div className="inspector-words">
          <table className="inspector-table">
            <thead>
              <tr>
                <th scope="col">Offset</th>
                <th scope="col">Value</th>
              </tr>
            </thead>
            <tbody>
              {d.words.map(([offset, value]) => (
                <tr key={offset}>
                  <td>
                    <code>{hex(offset)}</code>
                  </td>
                  <td>
                    <code>{value}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {d.words.length >= 512 && <p className="time-muted">Showing the first 512 words.</p>}
        </div>
      )}
    </section>
  );
}

export function Inspector() {
  const selection = useExplorer((s) => s.selection);
  const detail = useExplorer((s) => s.detail);
  const step = useExplorer((s) => s.step);
  const inside = useExplorer((s) => s.event !== null);
  const select = useExplorer((s) => s.select);
  const ref = useRef<HTMLElement>(null);
  const key = selection ? JSON.stringify(selection) : null;

  // A page was clicked: bring the inspector into view (it sits below the events, often below the
  // fold). The side panel scrolls on its own beside the grids, so the clicked page stays in view.
  // Once per selection, when its details have arrived (before that the section is short and the
  // panel cannot scroll far enough).
  const scrolledFor = useRef<string | null>(null);
  const ready = detail !== null;
  useEffect(() => {
    if (key === null) {
      scrolledFor.current = null;
      return;
    }
    const el = ref.current;
    if (!el || !ready || scrolledFor.current === key) return;
    scrolledFor.current = key;
    const panel = el.closest<HTMLElement>(".panel-right");
    if (panel && panel.scrollHeight > panel.clientHeight + 1) {
      panel.scrollTop += el.getBoundingClientRect().top - panel.getBoundingClientRect().top;
    } else if (typeof el.scrollIntoView === "function") {
      el.scrollIntoView({ block: "nearest" });
    }
  }, [key, ready]);

  return (
    <section ref={ref} className="inspector" aria-labelledby="inspector-title">
      <div className="inspector-head">
        <h2 id="inspector-title">{selection ? title(selection, detail) : "Inspector"}</h2>
        {selection && (
          <button type="button" className="stepper-text-button" onClick={() => void select(null)}>
            Clear selection
          </button>
        )}
      </div>
      {!selection ? (
        <p className="time-muted inspector-hint">
          Click a page in either grid to see its EPCM entry, the kernel's record, its page tables and its
          data.
        </p>
      ) : !detail ? (
        <p className="time-muted" role="status">
          Reading the page…
        </p>
      ) : (
        <>
          <p className="time-muted inspector-at">
            {step === 0 ? "Before the first step" : `After step ${step}`}
            {inside && " (as the whole step leaves it)"}
          </p>
          <EpcmSection d={detail} />
          <KernelSection d={detail} />
          {(selection.kind === "page" || detail.kernel) && <MappingSection d={detail} />}
          <ControlSection d={detail} />
          <DataSection d={detail} />
        </>
      )}
    </section>
  );
}
