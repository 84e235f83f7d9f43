// The API history panel: how the SGX2 series' user-space API changed from V1 to mainline, so
// a reader of old review threads knows which ioctl and struct names belong to which version.
// On an ioctl step, the entries about that ioctl are highlighted.
import { useExplorer } from "../../store/explorer.ts";
import { API_HISTORY } from "./api-history.ts";
import "./history.css";

export function ApiHistory() {
  const cmd = useExplorer((s) => {
    const op = s.step >= 1 ? s.info?.steps[s.step - 1]?.op : undefined;
    return op?.op === "ioctl" && typeof op.cmd === "string" ? op.cmd : null;
  });
  return (
    <section className="history" aria-labelledby="history-heading">
      <h2 id="history-heading" className="history-heading">
        The SGX2 series, V1 to mainline
      </h2>
      <p className="history-intro">
        Review threads of the series use the names of their version. The explorer models mainline (Linux 6.0).
        {cmd && (
          <>
            {" "}
            Entries about <code>{cmd}</code> (this step) are marked.
          </>
        )}
      </p>
      <ol className="history-versions">
        {API_HISTORY.map((v) => (
          <li key={v.version} className="history-version">
            <h3>
              {v.version} <span className="history-date">{v.date}</span>
              {v.patches !== undefined && <span className="history-date"> · {v.patches} patches</span>}
            </h3>
            <p>{v.summary}</p>
            <ul className="history-changes">
              {v.changes.map((c) => {
                const mine = cmd !== null && c.ioctls.includes(cmd);
                return (
                  <li
                    key={c.what}
                    className={mine ? "history-change is-current" : "history-change"}
                    aria-current={mine ? "true" : undefined}
                  >
                    <strong>{c.what}</strong>
                    {c.before && (
                      <div className="history-code">
                        <span>before</span>
                        <pre>{c.before}</pre>
                      </div>
                    )}
                    {c.after && (
                      <div className="history-code">
                        <span>{c.before ? "after" : "API"}</span>
                        <pre>{c.after}</pre>
                      </div>
                    )}
                    {c.reading && <p className="history-reading">{c.reading}</p>}
                    {c.section && <p className="history-section">{c.section}</p>}
                  </li>
                );
              })}
            </ul>
            <a href={v.source.url} target="_blank" rel="noopener noreferrer">
              {v.source.title}
            </a>
          </li>
        ))}
      </ol>
    </section>
  );
}
