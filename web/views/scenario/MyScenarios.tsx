// "My scenarios": the editor's scenario saved under a name in this browser (web/store/saved.ts),
// listed with Load and Delete (with Undo). Saved entries that cannot be read are reported.
import { type FormEvent, useEffect, useId, useState } from "react";
import { type SavedScenario, useSaved } from "../../store/saved.ts";

interface Props {
  /** The editor's text (what Save stores). */
  text: string;
  /** Suggested name (the scenario's title). */
  suggestedName: string;
  onLoad(entry: SavedScenario): void;
}

type Note = { kind: "ok"; message: string; undo?: SavedScenario } | { kind: "error"; message: string } | null;

function when(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function MyScenarios({ text, suggestedName, onLoad }: Props) {
  const id = useId();
  const scenarios = useSaved((s) => s.scenarios);
  const problems = useSaved((s) => s.problems);
  const { refresh, save, remove, restore } = useSaved.getState();
  const [name, setName] = useState("");
  const [note, setNote] = useState<Note>(null);

  useEffect(() => refresh(), [refresh]);

  function onSave(e: FormEvent): void {
    e.preventDefault();
    const chosen = name.trim() || suggestedName;
    const r = save(chosen, text);
    if (!r.ok) {
      setNote({ kind: "error", message: r.message });
      return;
    }
    setName("");
    setNote({
      kind: "ok",
      message: r.replaced
        ? `Saved “${r.saved.name}” (replacing the earlier one).`
        : `Saved “${r.saved.name}”.`,
    });
  }

  function onDelete(entry: SavedScenario): void {
    remove(entry.id);
    setNote({ kind: "ok", message: `Deleted “${entry.name}”.`, undo: entry });
  }

  function onUndo(entry: SavedScenario): void {
    setNote(
      restore(entry)
        ? { kind: "ok", message: `Restored “${entry.name}”.` }
        : {
            kind: "error",
            message: `“${entry.name}” could not be restored: the browser refused to store it.`,
          },
    );
  }

  return (
    <section className="scn-section" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>My scenarios</h2>
      <form className="scn-save" onSubmit={onSave}>
        <label htmlFor={`${id}-name`}>Scenario name</label>
        <div className="scn-row">
          <input
            id={`${id}-name`}
            type="text"
            autoComplete="off"
            value={name}
            placeholder={suggestedName}
            maxLength={120}
            onChange={(e) => setName(e.target.value)}
          />
          <button type="submit" disabled={text.trim() === ""}>
            Save scenario
          </button>
        </div>
        <p className="scn-hint">Saved in this browser; it stays after a reload.</p>
      </form>

      {note?.kind === "error" && (
        <p className="scn-error" role="alert">
          {note.message}
        </p>
      )}
      <p className="scn-ok" role="status">
        {note?.kind === "ok" && note.message}
        {note?.kind === "ok" && note.undo && (
          <>
            {" "}
            <button type="button" className="scn-link" onClick={() => onUndo(note.undo as SavedScenario)}>
              Undo
            </button>
          </>
        )}
      </p>

      {problems.length > 0 && (
        <div className="scn-error" role="alert">
          <ul>
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      )}

      {scenarios.length === 0 ? (
        <p className="scn-hint">None yet.</p>
      ) : (
        <ul className="saved-list" aria-label="Saved scenarios">
          {scenarios.map((s) => (
            <li key={s.id}>
              <span className="saved-name">{s.name}</span>
              <span className="saved-when">{when(s.savedAt)}</span>
              <span className="saved-buttons">
                <button type="button" onClick={() => onLoad(s)}>
                  Load<span className="sr-only"> {s.name}</span>
                </button>
                <button type="button" onClick={() => onDelete(s)}>
                  Delete<span className="sr-only"> {s.name}</span>
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
