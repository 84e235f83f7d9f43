// A minimal static server for the browser tests: serves a built site under a URL prefix (as a
// project page would be), with the site's Content-Security-Policy header.
//   node e2e/static-server.mjs DIR PORT PREFIX
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join, normalize, resolve } from "node:path";

const [dir = "dist", port = "4198", prefix = "/sub/path/"] = process.argv.slice(2);
const root = resolve(dir);
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

createServer(async (req, res) => {
  const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
  if (!path.startsWith(prefix)) {
    res.writeHead(404).end("not under the prefix");
    return;
  }
  const rel = normalize(path.slice(prefix.length) || "index.html");
  const file = join(root, rel.endsWith("/") ? `${rel}index.html` : rel);
  if (!file.startsWith(root)) {
    res.writeHead(403).end();
    return;
  }
  try {
    if (!(await stat(file)).isFile()) throw new Error("not a file");
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(res);
  } catch {
    res.writeHead(404).end("not found");
  }
}).listen(Number(port), "127.0.0.1");
