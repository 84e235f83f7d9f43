// "Add a step": a form with the real names (ioctl commands and struct fields, mmap/mprotect with
// PROT_* flags, the enclave calls with SECINFO flags, reclaim) whose "Append step" adds the step
// to the editor's JSON. The engine validates it; its messages name the offending field.
import { type FormEvent, type ReactNode, useId, useState } from "react";
import {
  ATTRIBUTE_BITS,
  CALLS,
  type CallName,
  DEFAULT_FIELDS,
  fieldsFor,
  IOCTL_CMDS,
  type IoctlCmd,
  OPS,
  type OpKind,
  PAGE_TYPES,
  type PageType,
  PERM_BITS,
  PROT_BITS,
  SECINFO_BITS,
  type StepFields,
} from "./step-form.ts";

export type AppendResult = { ok: true; message: string } | { ok: false; messages: string[] };

interface Props {
  /** Adds the step to the editor's scenario; resolves with what happened. */
  onAppend(step: StepFields): Promise<AppendResult>;
}

const OP_LABELS: Record<OpKind, string> = {
  ioctl: "ioctl (on /dev/sgx_enclave)",
  mmap: "mmap",
  mprotect: "mprotect",
  munmap: "munmap",
  EENTER: "EENTER (enclave call)",
  ERESUME: "ERESUME",
  reclaim: "reclaim (memory pressure)",
  close: "close",
};

const CALL_LABELS: Record<CallName, string> = {
  write: "write (8-byte store)",
  read: "read (8-byte load)",
  exec: "exec (instruction fetch)",
  nop: "nop",
  EACCEPT: "EACCEPT",
  EACCEPTCOPY: "EACCEPTCOPY",
  EMODPE: "EMODPE",
  init_tcs: "init_tcs (write a TCS image)",
};

const TEXT_FIELDS: Record<string, { label: string; hint?: string }> = {
  offset: { label: "offset", hint: "from the enclave's base" },
  length: { label: "length" },
  size: { label: "size", hint: "ELRANGE size, a power of two" },
  ssa_frame_size: { label: "ssa_frame_size" },
  xfrm: { label: "xfrm" },
  tcs: { label: "tcs", hint: "offset of the TCS page" },
  addr: { label: "addr", hint: "offset from the enclave's base" },
  value: { label: "value", hint: "8 bytes, e.g. 0x1122334455667788" },
  src: { label: "src", hint: "offset of the page to copy" },
  ssa: { label: "ssa" },
  entry: { label: "entry" },
  repeat: { label: "pages", hint: "repeat on this many consecutive pages (optional)" },
  pages: { label: "pages", hint: "EPC pages to evict" },
};

type TextKey =
  | "offset"
  | "length"
  | "size"
  | "ssa_frame_size"
  | "xfrm"
  | "tcs"
  | "addr"
  | "value"
  | "src"
  | "ssa"
  | "entry"
  | "repeat"
  | "pages";

function Checks<K extends string>(props: {
  legend: string;
  names: readonly K[];
  values: Record<K, boolean>;
  onChange(values: Record<K, boolean>): void;
  children?: ReactNode;
}) {
  const id = useId();
  return (
    <fieldset className="scn-checks">
      <legend>{props.legend}</legend>
      {props.names.map((n) => (
        <label key={n} htmlFor={`${id}-${n}`}>
          <input
            id={`${id}-${n}`}
            type="checkbox"
            checked={props.values[n]}
            onChange={(e) => props.onChange({ ...props.values, [n]: e.target.checked })}
          />
          {n}
        </label>
      ))}
      {props.children}
    </fieldset>
  );
}

export function AppendStepForm({ onAppend }: Props) {
  const id = useId();
  const [f, setF] = useState<StepFields>(DEFAULT_FIELDS);
  const [result, setResult] = useState<AppendResult | null>(null);
  const [busy, setBusy] = useState(false);
  const shown = new Set(fieldsFor(f));
  const set = <K extends keyof StepFields>(key: K, value: StepFields[K]) => {
    setF((old) => ({ ...old, [key]: value }));
    setResult(null);
  };

  const text = (key: TextKey) => {
    const spec = TEXT_FIELDS[key];
    return (
      <div className="scn-field" key={key}>
        <label htmlFor={`${id}-${key}`}>{spec.label}</label>
        <input
          id={`${id}-${key}`}
          type="text"
          spellCheck={false}
          autoComplete="off"
          value={f[key]}
          placeholder={key === "repeat" ? "1" : undefined}
          aria-describedby={spec.hint ? `${id}-${key}-hint` : undefined}
          onChange={(e) => set(key, e.target.value)}
        />
        {spec.hint && (
          <span id={`${id}-${key}-hint`} className="scn-hint">
            {spec.hint}
          </span>
        )}
      </div>
    );
  };

  const pageTypeSelect = (key: "secinfoType" | "page_type", label: string) => (
    <div className="scn-field" key={key}>
      <label htmlFor={`${id}-${key}`}>{label}</label>
      <select id={`${id}-${key}`} value={f[key]} onChange={(e) => set(key, e.target.value as PageType)}>
        {PAGE_TYPES.map((t) => (
          <option key={t} value={t}>
            {t}
          </option>
        ))}
      </select>
    </div>
  );

  async function submit(e: FormEvent): Promise<void> {
    e.preventDefault();
    setBusy(true);
    try {
      setResult(await onAppend(f));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="scn-form" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Add a step</h3>
      <div className="scn-row">
        <div className="scn-field">
          <label htmlFor={`${id}-op`}>Operation</label>
          <select id={`${id}-op`} value={f.op} onChange={(e) => set("op", e.target.value as OpKind)}>
            {OPS.map((o) => (
              <option key={o} value={o}>
                {OP_LABELS[o]}
              </option>
            ))}
          </select>
        </div>
        <div className="scn-field scn-narrow">
          <label htmlFor={`${id}-enclave`}>enclave</label>
          <input
            id={`${id}-enclave`}
            type="text"
            spellCheck={false}
            autoComplete="off"
            value={f.enclave}
            onChange={(e) => set("enclave", e.target.value)}
          />
        </div>
      </div>

      {f.op === "ioctl" && (
        <div className="scn-field">
          <label htmlFor={`${id}-cmd`}>cmd</label>
          <select id={`${id}-cmd`} value={f.cmd} onChange={(e) => set("cmd", e.target.value as IoctlCmd)}>
            {IOCTL_CMDS.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
      )}

      {shown.has("call") && (
        <div className="scn-field">
          <label htmlFor={`${id}-call`}>call</label>
          <select id={`${id}-call`} value={f.call} onChange={(e) => set("call", e.target.value as CallName)}>
            {CALLS.map((c) => (
              <option key={c} value={c}>
                {CALL_LABELS[c]}
              </option>
            ))}
          </select>
        </div>
      )}

      <div className="scn-grid">
        {(
          [
            "tcs",
            "offset",
            "length",
            "size",
            "ssa_frame_size",
            "xfrm",
            "addr",
            "value",
            "src",
            "ssa",
            "entry",
          ] as const
        )
          .filter((k) => shown.has(k))
          .map(text)}
      </div>

      {shown.has("attributes") && (
        <Checks
          legend="attributes"
          names={ATTRIBUTE_BITS}
          values={f.attributes}
          onChange={(v) => set("attributes", v)}
        />
      )}
      {shown.has("secinfo") && (
        <Checks
          legend="SECINFO flags"
          names={SECINFO_BITS}
          values={f.secinfo}
          onChange={(v) => set("secinfo", v)}
        >
          {pageTypeSelect("secinfoType", "page type")}
        </Checks>
      )}
      {shown.has("measure") && (
        <fieldset className="scn-checks">
          <legend>flags</legend>
          <label htmlFor={`${id}-measure`}>
            <input
              id={`${id}-measure`}
              type="checkbox"
              checked={f.measure}
              onChange={(e) => set("measure", e.target.checked)}
            />
            SGX_PAGE_MEASURE
          </label>
        </fieldset>
      )}
      {shown.has("permissions") && (
        <Checks
          legend="permissions"
          names={PERM_BITS}
          values={f.permissions}
          onChange={(v) => set("permissions", v)}
        />
      )}
      {shown.has("page_type") && pageTypeSelect("page_type", "page_type")}
      {shown.has("prot") && (
        <Checks legend="prot" names={PROT_BITS} values={f.prot} onChange={(v) => set("prot", v)} />
      )}
      {(shown.has("repeat") || shown.has("pages")) && (
        <div className="scn-grid">{shown.has("repeat") ? text("repeat") : text("pages")}</div>
      )}

      <div className="scn-field">
        <label htmlFor={`${id}-note`}>note (optional)</label>
        <input
          id={`${id}-note`}
          type="text"
          autoComplete="off"
          value={f.note}
          onChange={(e) => set("note", e.target.value)}
        />
      </div>

      <div className="scn-actions">
        <button type="submit" disabled={busy}>
          Append step
        </button>
        {result?.ok && (
          <span className="scn-ok" role="status">
            {result.message}
          </span>
        )}
      </div>
      {result && !result.ok && (
        <div className="scn-error" role="alert">
          <strong>The step was not added:</strong>
          <ul>
            {result.messages.map((m) => (
              <li key={m}>
                <code>{m}</code>
              </li>
            ))}
          </ul>
        </div>
      )}
    </form>
  );
}
