// Import a scenario file (validated by the engine before anything changes) and export the
// editor's scenario as a .json file.
import { useRef, useState } from "react";
import { validateScenario } from "../../store/engine-queries.ts";
import { downloadBlob } from "../download.ts";

/** Largest file read (the engine's own limit on scenario text is 10 MiB). */
export const MAX_IMPORT_BYTES = 10 * 1024 * 1024;

interface Props {
  /** The editor's text (what Export writes). */
  text: string;
  /** File name (without .json) for Export. */
  exportName: string;
  /** Called with a file's text once the engine found it valid. */
  onImported(text: string, scenario: unknown, fileName: string): void;
}

type Problem = { file: string; intro: string; errors: string[] } | null;

/** A file name from a title: lowercase letters, digits and dashes. */
export function fileSlug(title: string): string {
  const slug = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
  return slug === "" ? "scenario" : slug;
}

export function ImportExport({ text, exportName, onImported }: Props) {
  const input = useRef<HTMLInputElement>(null);
  const [problem, setProblem] = useState<Problem>(null);
  const [note, setNote] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function importFile(file: File): Promise<void> {
    setNote(null);
    setProblem(null);
    if (file.size > MAX_IMPORT_BYTES) {
      setProblem({
        file: file.name,
        intro: "is too large to be a scenario",
        errors: [
          `${file.size.toLocaleString("en-US")} bytes; the limit is ${MAX_IMPORT_BYTES.toLocaleString("en-US")}.`,
        ],
      });
      return;
    }
    setBusy(true);
    try {
      const content = await file.text();
      const errors = await validateScenario(content);
      if (errors.length > 0) {
        setProblem({ file: file.name, intro: "is not a scenario EPCM Explorer can run", errors });
        return;
      }
      onImported(content, JSON.parse(content), file.name);
      setNote(`Imported “${file.name}”.`);
    } catch (e) {
      setProblem({ file: file.name, intro: "could not be read", errors: [(e as Error).message] });
    } finally {
      setBusy(false);
      // The same file can be chosen again (after fixing it).
      if (input.current) input.current.value = "";
    }
  }

  function exportScenario(): void {
    setNote(null);
    setProblem(null);
    try {
      JSON.parse(text);
    } catch (e) {
      setProblem({
        file: "The editor's scenario",
        intro: "is not valid JSON, so it was not exported",
        errors: [(e as Error).message],
      });
      return;
    }
    const name = `${fileSlug(exportName)}.json`;
    downloadBlob(new Blob([text.endsWith("\n") ? text : `${text}\n`], { type: "application/json" }), name);
    setNote(`Exported “${name}”.`);
  }

  return (
    <div className="scn-files">
      <div className="scn-actions">
        {/* The native file control is hidden; its label looks and works like a button. */}
        <label className="scn-file-label">
          Import scenario
          <input
            ref={input}
            type="file"
            accept=".json,application/json"
            disabled={busy}
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) void importFile(file);
            }}
          />
        </label>
        <button type="button" onClick={exportScenario}>
          Export scenario
        </button>
      </div>
      <span className="scn-ok" role="status">
        {note}
      </span>
      {problem && (
        <div className="scn-error" role="alert">
          <strong>
            {problem.file.startsWith("The editor") ? problem.file : `“${problem.file}”`} {problem.intro}:
          </strong>
          <ul>
            {problem.errors.map((m) => (
              <li key={m}>
                <code>{m}</code>
              </li>
            ))}
          </ul>
          <p className="scn-hint">Nothing you had was changed.</p>
        </div>
      )}
    </div>
  );
}
