// client.test.mjs - drive `missionc lsp` with the protocol library of VS Code's own
// language client (vscode-languageserver-protocol over vscode-jsonrpc, as installed by
// `npm ci` with vscode-languageclient): initialize, open a broken file, wait for its
// diagnostics, then hover, definition, references, completion, rename, symbols, code
// actions and an orderly shutdown. MISSIONC names the server (default: missionc on PATH).
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const rpc = require('vscode-languageserver-protocol/node');
const P = require('vscode-languageserver-protocol');

const missionc = process.env.MISSIONC || 'missionc';
const dir = realpathSync(mkdtempSync(join(tmpdir(), 'missionc-vscode-')));
const file = join(dir, 'broken.mission');
const text = [
  'import "std/units"',
  'mission m "M" {',
  '  period 2021 .. 2030',
  '  owner  ecc',
  '  budget 5 MEUR',
  '}',
  '/// The European Commission.',
  'actor ec "European Commission" { sector public }',
  'instrument grants "Grants" { kind grant; by ec; budget 2 MEUR }',
  '',
].join('\n');
writeFileSync(file, text);
const uri = pathToFileURL(file).href;

const child = spawn(missionc, ['lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
const conn = rpc.createProtocolConnection(new rpc.StreamMessageReader(child.stdout),
                                          new rpc.StreamMessageWriter(child.stdin));
const published = [];
let wake = null;
conn.onNotification(P.PublishDiagnosticsNotification.type, (p) => {
  published.push(p);
  if (wake) wake();
});
conn.listen();

/** The next diagnostics published for uri at version (10 s at most). */
async function diagnostics(version) {
  const deadline = Date.now() + 10000;
  for (;;) {
    const i = published.findIndex((p) => p.uri === uri && p.version === version);
    if (i >= 0) return published.splice(i, 1)[0].diagnostics;
    if (Date.now() > deadline) throw new Error('no diagnostics for version ' + version);
    await new Promise((resolve) => { wake = resolve; setTimeout(resolve, 200); });
  }
}

let checks = 0;
function ok(cond, what) {
  assert.ok(cond, what);
  checks++;
  console.log('ok   ' + what);
}

try {
  const init = await conn.sendRequest(P.InitializeRequest.type, {
    processId: process.pid, rootUri: pathToFileURL(dir).href, capabilities: {}, workspaceFolders: null,
  });
  ok(init.capabilities.hoverProvider && init.capabilities.renameProvider.prepareProvider, 'initialize: capabilities');
  await conn.sendNotification(P.InitializedNotification.type, {});
  await conn.sendNotification(P.DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: 'mission', version: 1, text },
  });
  let diags = await diagnostics(1);
  const unknown = diags.find((d) => d.code === 'E0201');
  ok(unknown && unknown.range.start.line === 3 && unknown.range.start.character === 9, 'diagnostic E0201 at 4:10');
  ok(unknown.relatedInformation.some((r) => r.message === "did you mean 'ec'?"), 'related note: did you mean');
  ok(/LANGUAGE\.md#e0201-unknown-name$/.test(unknown.codeDescription.href), 'codeDescription: LANGUAGE.md section');

  const td = { uri };
  const hover = await conn.sendRequest(P.HoverRequest.type, { textDocument: td, position: { line: 8, character: 46 } });
  ok(hover && hover.contents.value.includes('actor ec') && hover.contents.value.includes('The European Commission.'),
     'hover: actor with its doc');
  const def = await conn.sendRequest(P.DefinitionRequest.type, { textDocument: td, position: { line: 8, character: 46 } });
  ok(def.uri === uri && def.range.start.line === 7, 'definition: the actor declaration');
  const refs = await conn.sendRequest(P.ReferencesRequest.type, {
    textDocument: td, position: { line: 7, character: 7 }, context: { includeDeclaration: true } });
  ok(refs.length === 2, 'references: declaration and use');
  const actions = await conn.sendRequest(P.CodeActionRequest.type, {
    textDocument: td, range: unknown.range, context: { diagnostics: [unknown] } });
  const fix = actions.find((a) => a.title === "replace with 'ec'");
  ok(fix && fix.edit.changes[uri][0].newText === 'ec', 'code action: the did-you-mean fix');

  // apply the fix as an editor would, as an incremental change
  await conn.sendNotification(P.DidChangeTextDocumentNotification.type, {
    textDocument: { uri, version: 2 },
    contentChanges: [{ range: fix.edit.changes[uri][0].range, text: 'ec' }],
  });
  diags = await diagnostics(2);
  ok(!diags.some((d) => d.code === 'E0201'), 'after the fix: no unknown name');

  const completion = await conn.sendRequest(P.CompletionRequest.type, {
    textDocument: td, position: { line: 8, character: 2 } });
  ok(completion.items.some((i) => i.label === 'instrument'), 'completion: declaration kinds at the top level');
  const rename = await conn.sendRequest(P.RenameRequest.type, {
    textDocument: td, position: { line: 7, character: 7 }, newName: 'commission' });
  ok(rename.changes[uri].length === 3, 'rename: declaration and both uses');
  await assert.rejects(conn.sendRequest(P.RenameRequest.type, {
    textDocument: td, position: { line: 7, character: 7 }, newName: 'grants' }), /one namespace/);
  ok(true, 'rename onto an instrument name: refused (one namespace)');
  const symbols = await conn.sendRequest(P.DocumentSymbolRequest.type, { textDocument: td });
  ok(symbols.map((s) => s.name).join(' ') === 'm ec grants', 'document symbols');
  await assert.rejects(conn.sendRequest('missionc/unknown', {}), (e) => e.code === -32601);
  ok(true, 'unknown method: MethodNotFound');

  await conn.sendRequest(P.ShutdownRequest.type);
  const exited = new Promise((resolve) => child.on('exit', resolve));
  await conn.sendNotification(P.ExitNotification.type);
  ok((await exited) === 0, 'shutdown and exit: status 0');
  console.log(`${checks} checks passed with vscode-languageserver-protocol`);
} finally {
  conn.dispose();
  child.kill();
  rmSync(dir, { recursive: true, force: true });
}
