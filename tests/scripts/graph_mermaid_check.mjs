// graph_mermaid_check.mjs FILE... - parse Mermaid files with Mermaid's own parser.
// Used by graph_mermaid.sh; needs the npm packages mermaid (10) and jsdom on NODE_PATH.
import fs from 'fs';
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
globalThis.DOMParser = dom.window.DOMParser;
const mermaid = (await import('mermaid')).default;
mermaid.initialize({ startOnLoad: false });
let bad = 0;
for (const file of process.argv.slice(2)) {
  try {
    await mermaid.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    bad++;
    console.log(`FAIL: ${file}: ${String(e.message || e).split('\n').slice(0, 4).join(' | ')}`);
  }
}
console.log(`mermaid: ${process.argv.length - 2 - bad} parsed, ${bad} failed`);
process.exit(bad ? 1 : 0);
