// End-to-end test of the extension in a real VS Code: code-server in a headless Chromium,
// driven with playwright-core. It packs the extension into a .vsix (without a binary),
// installs it into a fresh extensions folder, points `dols.server.path` at the dols under
// test, opens a copy of an example project and then, in src/index.ts:
//
// 1. types a query into a `sql.exec` string and reads the SQL completion (columns, tables);
// 2. types a query with an unknown column and reads dols's diagnostic in the Problems panel;
// 3. asks for completion after `this.ctx.storage.setAl` and `this.ctx.storage.sql.exe`, where
//    TypeScript (with the Workers types) lists the members too, and counts each member's rows:
//    exactly one with the default `dols.completion.apiMembers`, two with "always"; and after
//    `ala` in the body of a class extending DurableObject, where TypeScript offers the
//    base class's `alarm` handler: the labels of the list, with each setting;
// 4. hovers a storage member and reads dols's part of the hover.
//
// What it saw goes to a JSON file; the Rust test tests/vscode/main.rs checks it. Variables:
//
//   DOLS_BIN            the dols binary (required)
//   DOLS_E2E_PROJECT    a throwaway copy of an example project (required; files are edited)
//   DOLS_E2E_OUT        the result file (required)
//   DOLS_E2E_SCRATCH    a folder for code-server's data, logs and the browser profile (required)
//   DOLS_CODE_SERVER    the code-server binary (default: `code-server` on PATH)
//   DOLS_E2E_NODE_DIR   a folder put first on PATH for code-server (its Node), optional
//   DOLS_CHROMIUM       the browser (default /usr/bin/chromium)
//   DOLS_E2E_SHOTS      a folder for screenshots (completion.png, hover.png, diagnostic.png)
//   DOLS_E2E_TIMEOUT_MS how long each wait may take (default 30000)
//
// The workers types come from this package's own devDependencies, linked into the project's
// node_modules, so that TypeScript types `ctx` as it would in a real project.

import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

const extensionDir = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const env = (name, fallback) => {
  const value = process.env[name] || fallback;
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};
const dolsBin = env("DOLS_BIN");
const project = env("DOLS_E2E_PROJECT");
const outFile = env("DOLS_E2E_OUT");
const scratch = env("DOLS_E2E_SCRATCH");
const codeServer = env("DOLS_CODE_SERVER", "code-server");
const browserPath = env("DOLS_CHROMIUM", "/usr/bin/chromium");
const shots = process.env.DOLS_E2E_SHOTS;
const timeout = Number(process.env.DOLS_E2E_TIMEOUT_MS || 30000);

const result = { error: null, steps: [] };
const step = (name, data) => {
  result.steps.push(name);
  console.log(`[e2e] ${name}${data === undefined ? "" : `: ${JSON.stringify(data)}`}`);
};
const save = () => writeFileSync(outFile, JSON.stringify(result, null, 2));

const childEnv = {
  ...process.env,
  PATH: process.env.DOLS_E2E_NODE_DIR ? `${process.env.DOLS_E2E_NODE_DIR}:${process.env.PATH}` : process.env.PATH,
  DOLS_LOG: "info",
};

function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what, check, ms = timeout) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await check();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await sleep(250);
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
}

// ---- Set-up: the .vsix, the extensions folder, the settings, the project's types ----

function setUp() {
  const vsix = join(scratch, "dols.vsix");
  execFileSync(process.execPath, ["scripts/package.mjs"], {
    cwd: extensionDir,
    env: { ...process.env, DOLS_BINARY: "none" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const manifest = JSON.parse(readFileSync(join(extensionDir, "package.json"), "utf8"));
  const built = join(extensionDir, `${manifest.name}-${manifest.version}.vsix`);
  execFileSync("mv", [built, vsix]);
  const extensions = join(scratch, "extensions");
  mkdirSync(extensions, { recursive: true });
  execFileSync(codeServer, ["--extensions-dir", extensions, "--install-extension", vsix], { env: childEnv, stdio: ["ignore", "ignore", "inherit"] });
  step("installed the vsix");

  const user = join(scratch, "user-data", "User");
  mkdirSync(user, { recursive: true });
  writeSettings({});

  const types = join(extensionDir, "node_modules", "@cloudflare", "workers-types");
  if (!existsSync(types)) throw new Error(`${types} is missing: run npm ci in editors/vscode`);
  mkdirSync(join(project, "node_modules", "@cloudflare"), { recursive: true });
  symlinkSync(types, join(project, "node_modules", "@cloudflare", "workers-types"));
  return extensions;
}

function writeSettings(extra) {
  const settings = {
    "dols.server.path": dolsBin,
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": false,
    "workbench.welcomePage.walkthroughs.openOnInstall": false,
    "security.workspace.trust.enabled": false,
    "telemetry.telemetryLevel": "off",
    "extensions.autoCheckUpdates": false,
    "extensions.autoUpdate": false,
    "files.autoSave": "off",
    "workbench.secondarySideBar.defaultVisibility": "hidden",
    "chat.disableAIFeatures": true,
    "workbench.activityBar.location": "hidden",
    // Typing goes in as written: no closing quotes or brackets added, no popups while typing.
    "editor.autoClosingBrackets": "never",
    "editor.autoClosingQuotes": "never",
    "editor.autoSurround": "never",
    "editor.quickSuggestions": { other: false, comments: false, strings: false },
    "editor.suggestOnTriggerCharacters": false,
    "editor.parameterHints.enabled": false,
    "editor.minimap.enabled": false,
    "editor.hover.delay": 200,
    "editor.suggest.showStatusBar": false,
    ...extra,
  };
  writeFileSync(join(scratch, "user-data", "User", "settings.json"), JSON.stringify(settings, null, 2));
  // code-server is a remote window: settings of machine scope (the binary's path) are read
  // from the machine's settings, not the user's.
  mkdirSync(join(scratch, "user-data", "Machine"), { recursive: true });
  writeFileSync(join(scratch, "user-data", "Machine", "settings.json"), JSON.stringify({ "dols.server.path": dolsBin }, null, 2));
}

// ---- The editor ----

async function openFile(page, name) {
  await page.keyboard.press("Control+P");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout });
  await input.fill(name);
  await waitFor("the file in quick open", async () => (await page.locator(".quick-input-list .monaco-list-row").count()) > 0);
  await page.keyboard.press("Enter");
  await page.locator(".monaco-editor .view-lines").first().waitFor({ state: "visible", timeout });
  await page.locator(".monaco-editor textarea").first().focus();
}

/** Puts the cursor at the end of the 1-based `line`. */
async function goToLineEnd(page, line) {
  await page.keyboard.press("Control+G");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout });
  await input.fill(`:${line}`);
  await page.keyboard.press("Enter");
  await input.waitFor({ state: "hidden", timeout });
  await page.keyboard.press("End");
}

/** Opens a new line below `line` and types `text` on it; returns the new line's number. */
async function typeLineAfter(page, line, text) {
  await goToLineEnd(page, line);
  await page.keyboard.press("Enter");
  await page.keyboard.type(text, { delay: 5 });
  return line + 1;
}

/** The labels of the suggest widget's rows (the rendered ones), after Ctrl+Space. */
async function suggest(page, what, enough) {
  const widget = page.locator(".editor-widget.suggest-widget");
  let seen = [];
  return waitFor(what, async () => {
    if (!(await widget.isVisible())) {
      await page.keyboard.press("Control+Space");
      await sleep(400);
    }
    const rows = await widget.locator(".monaco-list-row").evaluateAll((els) =>
      els.map((el) => ({
        label: el.querySelector(".label-name")?.textContent ?? "",
        detail: el.querySelector(".details-label")?.textContent ?? "",
        aria: el.getAttribute("aria-label") ?? "",
      })),
    );
    if (rows.length > 0 && (!enough || enough(rows))) return rows;
    if (rows.length > 0) seen = rows.map((r) => r.label);
    // Still loading, or an answer from before the servers were ready: ask again.
    await page.keyboard.press("Escape");
    await sleep(500);
    return null;
  }).catch((e) => {
    throw new Error(`${e.message}; the last list shown: ${JSON.stringify(seen)}`);
  });
}

async function screenshot(page, name) {
  if (!shots) return;
  mkdirSync(shots, { recursive: true });
  const editor = page.locator(".part.editor").first();
  await editor.screenshot({ path: join(shots, name) });
  step(`screenshot ${name}`);
}

/** Deletes the current line (the one typed for a step) so the next step starts clean. */
async function deleteLine(page) {
  await page.keyboard.press("Escape");
  await page.keyboard.press("Control+Shift+K");
}

const lineOf = (text, needle) => {
  const i = text.split("\n").findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`no line holds ${JSON.stringify(needle)}`);
  return i + 1;
};

// ---- The run ----

async function main() {
  mkdirSync(scratch, { recursive: true });
  const extensions = setUp();
  const port = await freePort();
  const logFile = join(scratch, "code-server.log");
  const server = spawn(
    codeServer,
    [
      "--bind-addr", `127.0.0.1:${port}`,
      "--auth", "none",
      "--disable-telemetry",
      "--disable-update-check",
      "--disable-workspace-trust",
      "--user-data-dir", join(scratch, "user-data"),
      "--extensions-dir", extensions,
      project,
    ],
    { env: childEnv, stdio: ["ignore", "pipe", "pipe"] },
  );
  const log = [];
  server.stdout.on("data", (d) => log.push(String(d)));
  server.stderr.on("data", (d) => log.push(String(d)));
  let browser;
  try {
    await waitFor("code-server to answer /healthz", async () => {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null);
      // It answers {"status":"expired"} until a browser has connected, "alive" afterwards.
      return res?.ok && (await res.text()).includes("status");
    });
    step("code-server is up", { port });

    browser = await chromium.launchPersistentContext(join(scratch, "browser"), {
      executablePath: browserPath,
      headless: true,
      viewport: { width: 1100, height: 620 },
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    const page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(project)}`);
    await page.locator(".monaco-workbench").waitFor({ state: "visible", timeout });
    step("workbench loaded");

    const file = join(project, "src", "index.ts");
    const text = readFileSync(file, "utf8");
    await openFile(page, "index.ts");
    step("opened src/index.ts");

    // 0. The SQL of `this.sql.exec("DELETE FROM counter")` is coloured as SQL by the
    // injection grammar: DELETE's colour differs from the string's quote.
    await goToLineEnd(page, lineOf(text, 'this.sql.exec("DELETE FROM counter");'));
    result.sql_colours = await waitFor("the DELETE line on screen, tokenized", () =>
      page.evaluate(() => {
        // Monaco renders spaces as no-break spaces.
        const text = (el) => el.textContent.replace(/\u00a0/g, " ");
        const line = [...document.querySelectorAll(".view-line")].find((l) => text(l).includes('exec("DELETE FROM counter")'));
        if (!line) return null;
        const colour = (word) => {
          const span = [...line.querySelectorAll("span span")].find((s) => text(s).includes(word));
          return span ? getComputedStyle(span).color : null;
        };
        const colours = { quote: colour('"'), delete: colour("DELETE"), counter: colour("counter"), plain: colour("this") };
        // Until the tokenizer has run, every span has the editor's plain colour; the string's
        // quote then takes the theme's string colour.
        return colours.quote && colours.quote !== colours.plain ? colours : null;
      }),
    );
    step("colours of the DELETE line", result.sql_colours);

    // 1. SQL completion inside a sql.exec string, after `SELECT ` in `reset()`.
    const resetLine = lineOf(text, "reset(): number {");
    await typeLineAfter(page, resetLine, 'this.sql.exec("SELECT  FROM counter");');
    await page.keyboard.press("End");
    for (let i = 0; i < '  FROM counter");'.length - 1; i++) await page.keyboard.press("ArrowLeft");
    const sqlRows = await suggest(page, "SQL completion in the string", (rows) => rows.some((r) => r.label === "value"));
    result.sql_completion = sqlRows.map((r) => r.label);
    step("SQL completion", result.sql_completion);
    await screenshot(page, "vscode-completion.png");
    await deleteLine(page);

    // 2. A broken query: dols's diagnostic in the Problems panel.
    await typeLineAfter(page, resetLine, 'this.sql.exec("SELECT nope FROM counter");');
    await page.keyboard.press("Control+Shift+M");
    const problem = await waitFor("dols's diagnostic of the unknown column", async () => {
      const rows = await page.locator(".markers-panel .monaco-list-row").allTextContents();
      return rows.find((r) => r.includes("nope"));
    });
    result.diagnostic = problem;
    step("diagnostic", problem);
    // The squiggle's hover, for the screenshot.
    await page.locator(".monaco-editor textarea").first().focus();
    await goToLineEnd(page, resetLine + 1);
    for (let i = 0; i < ' FROM counter");'.length + 1; i++) await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("Control+K");
    await page.keyboard.press("Control+I");
    await page.locator(".monaco-hover").first().waitFor({ state: "visible", timeout }).catch(() => {});
    await screenshot(page, "vscode-diagnostic.png");
    await page.keyboard.press("Escape");
    await page.keyboard.press("Control+J"); // hide the panel again
    await page.locator(".monaco-editor textarea").first().focus();
    await goToLineEnd(page, resetLine + 1);
    await deleteLine(page);

    // 3. Member completion where TypeScript lists the members too: each member once.
    const counts = async (typed, member) => {
      await typeLineAfter(page, resetLine, typed);
      const rows = await suggest(page, `completion after ${typed}`, (rs) => rs.some((r) => r.label === member));
      const labels = rows.map((r) => r.label);
      await deleteLine(page);
      return { typed, member, rows: labels.filter((l) => l === member).length, labels };
    };
    result.members_auto = [await counts("this.ctx.storage.setAl", "setAlarm"), await counts("this.ctx.storage.sql.exe", "exec")];
    step("members with apiMembers=auto", result.members_auto.map((m) => [m.member, m.rows]));
    // A handler in the class body of Counter, which extends DurableObject and has no alarm
    // yet: TypeScript lists the base class's `alarm` (labelled `alarm?`, an optional
    // member), and dols leaves it to TypeScript.
    const classBody = async (want) => {
      await typeLineAfter(page, lineOf(text, "private sql: SqlStorage;"), "ala");
      const rows = await suggest(page, "completion of `ala` in the class body", (rs) => rs.some(want));
      await deleteLine(page);
      return { typed: "ala", labels: rows.map((r) => r.label) };
    };
    const typescriptAlarm = (r) => r.label.replace(/\?$/, "") === "alarm";
    result.handler_auto = await classBody(typescriptAlarm);
    step("class body with apiMembers=auto", result.handler_auto.labels);
    // As workspace settings: the folder is watched, so VS Code sees the change at once.
    const workspaceSettings = join(project, ".vscode", "settings.json");
    mkdirSync(dirname(workspaceSettings), { recursive: true });
    writeFileSync(workspaceSettings, JSON.stringify({ "dols.completion.apiMembers": "always" }));
    await sleep(1500);
    result.members_always = [
      await waitFor("both lists after switching to always", async () => {
        const c = await counts("this.ctx.storage.setAl", "setAlarm");
        return c.rows > 1 ? c : null;
      }, 15000).catch(async () => counts("this.ctx.storage.setAl", "setAlarm")),
    ];
    step("members with apiMembers=always", result.members_always.map((m) => [m.member, m.rows]));
    result.handler_always = await classBody((r) => r.label.startsWith("async alarm("));
    step("class body with apiMembers=always", result.handler_always.labels);
    writeFileSync(workspaceSettings, "{}");
    await sleep(1000);

    // 4. Hover on `kv` in `this.ctx.storage.kv`: TypeScript's hover, and dols's under it.
    const kvLine = lineOf(text, "const kv = this.ctx.storage.kv;");
    await goToLineEnd(page, kvLine);
    await page.keyboard.press("ArrowLeft");
    const hover = await waitFor("dols's hover", async () => {
      await page.keyboard.press("Control+K");
      await page.keyboard.press("Control+I");
      await sleep(800);
      const texts = await page.locator(".monaco-hover .hover-contents, .monaco-hover .rendered-markdown").allTextContents();
      const all = texts.join("\n");
      return all.includes("SQLite") || all.includes("synchronous") ? all : null;
    });
    result.hover = hover;
    step("hover", hover.slice(0, 200));
    await screenshot(page, "vscode-hover.png");
    await page.keyboard.press("Escape");

    // 5. The shadow schema of the class under the cursor (RateLimiter: no tables; then Counter).
    await goToLineEnd(page, lineOf(text, "reset(): number {"));
    await page.keyboard.press("Control+Shift+P");
    const palette = page.locator(".quick-input-widget input");
    await palette.waitFor({ state: "visible", timeout });
    await palette.fill(">dols: Show Shadow Schema");
    await waitFor("the command in the palette", async () => (await page.locator(".quick-input-list .monaco-list-row").count()) > 0);
    await page.keyboard.press("Enter");
    result.schema = await waitFor("the schema document", async () => {
      // The schema opens beside the source: the view lines of the page hold both.
      const lines = await page.locator(".view-line").allTextContents();
      const joined = lines.map((l) => l.replace(/\u00a0/g, " ")).join("\n");
      return joined.includes("-- Counter (src/index.ts)") ? joined.slice(joined.indexOf("-- Counter (src/index.ts)")) : null;
    });
    await screenshot(page, "vscode-schema.png");
    step("shadow schema", result.schema.slice(0, 120));
  } catch (e) {
    result.error = e instanceof Error ? `${e.message}\n${e.stack}` : String(e);
    if (browser) {
      const page = browser.pages()[0];
      await page?.screenshot({ path: join(scratch, "failure.png") }).catch(() => {});
    }
  } finally {
    await browser?.close().catch(() => {});
    server.kill("SIGTERM");
    writeFileSync(join(scratch, "code-server.log"), log.join(""));
    save();
  }
  console.log(`[e2e] ${result.error ? "failed" : "done"}; result in ${outFile}`);
}

main().then(
  () => process.exit(result.error ? 1 : 0),
  (e) => {
    result.error = String(e?.stack ?? e);
    save();
    process.exit(1);
  },
);
