// The dols extension: starts `dols lsp` for the TypeScript and JavaScript files and the
// wrangler configs of a workspace that holds a wrangler config, and adds its commands.

import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
} from "vscode-languageclient/node";

import { resolveBinary, type Resolution, shippedBinary } from "./binary";
import { isSchemaAnswer, SCHEME, SchemaStore, schemaPath } from "./schema";
import { LineSplitter, parseLogLine } from "./serverlog";
import { lintCodesOf, needsRestart, serverSettings } from "./settings";

let client: LanguageClient | undefined;
let serverProcess: ChildProcess | undefined;
let output: vscode.LogOutputChannel;

/** The files dols analyses: sources, wrangler configs, dols.toml and `.sql` files (the
 * migration files dols.toml names, so that editing one re-checks the queries), on disk. */
const DOCUMENTS: LanguageClientOptions["documentSelector"] = [
  { scheme: "file", language: "typescript" },
  { scheme: "file", language: "typescriptreact" },
  { scheme: "file", language: "javascript" },
  { scheme: "file", language: "javascriptreact" },
  { scheme: "file", pattern: "**/wrangler.{json,jsonc,toml}" },
  { scheme: "file", pattern: "**/dols.toml" },
  { scheme: "file", pattern: "**/*.sql" },
];

function isExecutable(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    if (process.platform !== "win32") fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findBinary(context: vscode.ExtensionContext): Resolution {
  // An archive tool may have dropped the shipped binary's executable bit.
  const shipped = shippedBinary(context.extensionPath, process.platform);
  if (process.platform !== "win32" && fs.existsSync(shipped) && !isExecutable(shipped)) {
    try {
      fs.chmodSync(shipped, 0o755);
    } catch (e) {
      output.appendLine(`cannot make ${shipped} executable: ${String(e)}`);
    }
  }
  const config = vscode.workspace.getConfiguration("dols");
  return resolveBinary({
    configured: config.get<string>("server.path") ?? "",
    workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    extensionPath: context.extensionPath,
    platform: process.platform,
    searchPath: process.env.PATH,
    home: os.homedir(),
    isExecutable,
  });
}

function currentSettings() {
  const config = vscode.workspace.getConfiguration("dols");
  return serverSettings({
    get: <T>(key: string) => config.get<T>(key),
    lintCodes: () => lintCodesOf({ lint: config.get("lint") }),
  });
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  const found = findBinary(context);
  if (!found.ok) {
    output.appendLine(found.message);
    const choice = await vscode.window.showErrorMessage(found.message, "Open Settings", "Show Output");
    if (choice === "Open Settings") {
      await vscode.commands.executeCommand("workbench.action.openSettings", "dols.server.path");
    } else if (choice === "Show Output") {
      output.show();
    }
    return;
  }
  output.appendLine(`starting ${found.path} lsp (found through ${found.source})`);
  const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  // The server is started here rather than by the client, so that its log (stderr) reaches
  // the output channel line by line at each line's own level.
  const serverOptions: ServerOptions = async () => {
    const child = spawn(found.path, ["lsp"], { cwd, stdio: ["pipe", "pipe", "pipe"] });
    serverProcess = child;
    const lines = new LineSplitter();
    const log = (line: string) => {
      const { level, message } = parseLogLine(line);
      output[level](message);
    };
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => lines.push(chunk).forEach(log));
    child.stderr.on("end", () => lines.flush().forEach(log));
    child.on("exit", (code, signal) => output.info(`dols lsp exited (${signal ?? `code ${code}`})`));
    await new Promise<void>((resolve, reject) => {
      child.once("spawn", resolve);
      child.once("error", reject);
    });
    return { reader: child.stdout, writer: child.stdin };
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENTS,
    initializationOptions: currentSettings(),
    outputChannel: output,
    traceOutputChannel: output,
  };
  client = new LanguageClient("dols", "dols", serverOptions, clientOptions);
  try {
    await client.start();
  } catch (e) {
    const message = `dols could not start ${found.path}: ${e instanceof Error ? e.message : String(e)}`;
    output.appendLine(message);
    void vscode.window.showErrorMessage(message, "Show Output").then((c) => c && output.show());
  }
}

async function stopClient(): Promise<void> {
  const running = client;
  const child = serverProcess;
  client = undefined;
  serverProcess = undefined;
  if (running) {
    await running.stop().catch((e: unknown) => output.appendLine(`stopping dols: ${String(e)}`));
  }
  // `exit` makes the server leave; one that did not is ended.
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill();
  }
}

async function showShadowSchema(store: SchemaStore, changed: vscode.EventEmitter<vscode.Uri>): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.uri.scheme !== "file") {
    void vscode.window.showInformationMessage("Put the cursor in a Durable Object class of a TypeScript or JavaScript file first.");
    return;
  }
  if (!client || !client.isRunning()) {
    void vscode.window.showErrorMessage("The dols server is not running (see the dols output).");
    return;
  }
  const position = client.code2ProtocolConverter.asPosition(editor.selection.active);
  const answer: unknown = await client.sendRequest(ExecuteCommandRequest.type, {
    command: "dols.showSchema",
    arguments: [editor.document.uri.toString(), position],
  });
  if (!isSchemaAnswer(answer)) {
    void vscode.window.showInformationMessage("No Durable Object class here: put the cursor inside the class whose schema you want.");
    return;
  }
  const uri = vscode.Uri.from({ scheme: SCHEME, path: schemaPath(answer.class) });
  store.set(uri.path, answer.sql);
  changed.fire(uri);
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.languages.setTextDocumentLanguage(doc, "sql");
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("dols", { log: true });
  context.subscriptions.push(output);

  const store = new SchemaStore();
  const changed = new vscode.EventEmitter<vscode.Uri>();
  context.subscriptions.push(
    changed,
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, {
      onDidChange: changed.event,
      provideTextDocumentContent: (uri) => store.get(uri.path),
    }),
    vscode.commands.registerCommand("dols.restartServer", async () => {
      await stopClient();
      await startClient(context);
    }),
    vscode.commands.registerCommand("dols.showShadowSchema", () => showShadowSchema(store, changed)),
    vscode.commands.registerCommand("dols.showOutput", () => output.show()),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (!e.affectsConfiguration("dols")) return;
      if (needsRestart((key) => e.affectsConfiguration(key))) {
        await stopClient();
        await startClient(context);
      } else if (client?.isRunning()) {
        await client.sendNotification(DidChangeConfigurationNotification.type, { settings: currentSettings() });
      }
    }),
  );
  await startClient(context);
}

export async function deactivate(): Promise<void> {
  await stopClient();
}
