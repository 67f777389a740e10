// extension.js - start `missionc lsp` for .mission files and connect VS Code to it.
'use strict';
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

/** The server command: missionc.path, with -I for each missionc.includePaths folder. */
function serverOptions() {
  const config = vscode.workspace.getConfiguration('missionc');
  const command = config.get('path') || 'missionc';
  const args = ['lsp'];
  for (const dir of config.get('includePaths') || []) args.push('-I', dir);
  return { command, args, transport: TransportKind.stdio };
}

function activate(context) {
  client = new LanguageClient('missionc', 'missionc language server', serverOptions(), {
    documentSelector: [{ scheme: 'file', language: 'mission' }, { scheme: 'untitled', language: 'mission' }],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.mission') },
  });
  context.subscriptions.push(
    vscode.commands.registerCommand('missionc.restartServer', async () => {
      await client.stop();
      client = new LanguageClient('missionc', 'missionc language server', serverOptions(), client.clientOptions);
      await client.start();
    }));
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
