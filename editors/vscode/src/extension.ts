// Starts `camplint lsp` for the workspace: findings, hover with the rule's docs, quick
// fixes and fix-all come from the server; this file only launches it.
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const command = vscode.workspace
    .getConfiguration("camplint")
    .get<string>("path", "camplint");
  const serverOptions: ServerOptions = { command, args: ["lsp"] };
  const clientOptions: LanguageClientOptions = {
    // Campaigns and audiences (TOML), drafts (Markdown), contact lists and the ledger
    // (CSV): the server decides which of them belong to a project.
    documentSelector: [
      { scheme: "file", pattern: "**/*.toml" },
      { scheme: "file", pattern: "**/*.md" },
      { scheme: "file", pattern: "**/*.csv" },
    ],
  };
  client = new LanguageClient("camplint", "camplint", serverOptions, clientOptions);
  context.subscriptions.push(client);
  await client.start();
}

export async function deactivate(): Promise<void> {
  if (client) {
    await client.stop();
  }
}
