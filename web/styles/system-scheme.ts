// Mirrors the system's colour scheme into <html data-scheme="light|dark">, so that theme.css
// writes the dark palette once, for both the "Dark" choice and "System" on a dark system
// (data-theme absent). The canvases repaint through colors.ts's watchTheme().

/** Sets `data-scheme` from prefers-color-scheme now and whenever the system changes it. */
export function followSystemScheme(root: HTMLElement = document.documentElement): () => void {
  if (typeof matchMedia !== "function") return () => {};
  const media = matchMedia("(prefers-color-scheme: dark)");
  const apply = () => {
    root.dataset.scheme = media.matches ? "dark" : "light";
  };
  apply();
  media.addEventListener("change", apply);
  return () => media.removeEventListener("change", apply);
}
