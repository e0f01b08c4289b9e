// The streamed request of make bench, as a small Node.js client would
// make it.  Usage: node client.mjs URL BODY HEADERS
// POSTs the file BODY to URL with the "Name: value" lines of the file
// HEADERS (so that no key is on a command line), reads the event stream
// with fetch and writes each delta's content to standard output as it
// comes.  Node's own modules only.
import { readFileSync } from "node:fs";

const [url, bodyPath, headersPath] = process.argv.slice(2);
const headers = {};
for (const line of readFileSync(headersPath, "utf8").split("\n")) {
  const i = line.indexOf(": ");
  if (i > 0) headers[line.slice(0, i)] = line.slice(i + 2);
}
const resp = await fetch(url, {
  method: "POST",
  headers,
  body: readFileSync(bodyPath),
});
if (resp.status !== 200) {
  console.error(`client.mjs: HTTP ${resp.status}`);
  process.exit(1);
}
const decoder = new TextDecoder();
let rest = "";
for await (const piece of resp.body) {
  const lines = (rest + decoder.decode(piece, { stream: true })).split("\n");
  rest = lines.pop();
  for (const line of lines) {
    if (!line.startsWith("data: ") || line.trim() === "data: [DONE]") continue;
    const text = JSON.parse(line.slice(6)).choices?.[0]?.delta?.content;
    if (text) process.stdout.write(text);
  }
}
