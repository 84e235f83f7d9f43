import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/App.tsx";
import { EmbedApp } from "./app/EmbedApp.tsx";
import { isEmbedLink } from "./share/link.ts";
import { followSystemScheme } from "./styles/system-scheme.ts";
import "./styles/theme.css";
import "./styles.css";

followSystemScheme();

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");

createRoot(root).render(
  <StrictMode>{isEmbedLink(window.location.search) ? <EmbedApp /> : <App />}</StrictMode>,
);
