// Where the dols binary is: the `dols.server.path` setting, else the copy shipped inside the
// extension, else `dols` on PATH. Pure: the file system and environment come in as arguments,
// so the unit tests can give their own.

import * as path from "node:path";

export interface BinaryInputs {
  /** The `dols.server.path` setting ("" when unset). */
  configured: string;
  /** The first workspace folder, for `${workspaceFolder}` and relative paths. */
  workspaceFolder: string | undefined;
  /** The extension's own folder (the shipped binary is `server/dols` in it). */
  extensionPath: string;
  platform: NodeJS.Platform;
  /** The PATH variable. */
  searchPath: string | undefined;
  home: string;
  isExecutable: (file: string) => boolean;
}

export type BinarySource = "setting" | "shipped" | "PATH";

export type Resolution =
  | { ok: true; path: string; source: BinarySource }
  | { ok: false; message: string };

export function binaryName(platform: NodeJS.Platform): string {
  return platform === "win32" ? "dols.exe" : "dols";
}

/** The shipped binary's place inside the extension folder. */
export function shippedBinary(extensionPath: string, platform: NodeJS.Platform): string {
  const p = platform === "win32" ? path.win32 : path.posix;
  return p.join(extensionPath, "server", binaryName(platform));
}

/** `~` and `${workspaceFolder}` expanded; a relative path taken from the workspace folder. */
export function expandConfigured(configured: string, inputs: Pick<BinaryInputs, "workspaceFolder" | "home" | "platform">): string {
  const p = inputs.platform === "win32" ? path.win32 : path.posix;
  let value = configured.trim();
  if (value === "~" || value.startsWith("~/") || value.startsWith("~\\")) {
    value = p.join(inputs.home, value.slice(1));
  }
  if (inputs.workspaceFolder !== undefined) {
    value = value.split("${workspaceFolder}").join(inputs.workspaceFolder);
  }
  if (!p.isAbsolute(value) && inputs.workspaceFolder !== undefined) {
    value = p.join(inputs.workspaceFolder, value);
  }
  return value;
}

export const INSTALL_HINT =
  "Install it with `cargo install --path server/cli` from a clone of dols, or set `dols.server.path` to the binary.";

export function resolveBinary(inputs: BinaryInputs): Resolution {
  if (inputs.configured.trim() !== "") {
    const file = expandConfigured(inputs.configured, inputs);
    if (inputs.isExecutable(file)) {
      return { ok: true, path: file, source: "setting" };
    }
    return {
      ok: false,
      message: `The setting dols.server.path names ${file}, which is not an executable file. Fix the setting, or clear it to use the binary shipped with the extension or \`dols\` on PATH.`,
    };
  }
  const shipped = shippedBinary(inputs.extensionPath, inputs.platform);
  if (inputs.isExecutable(shipped)) {
    return { ok: true, path: shipped, source: "shipped" };
  }
  const p = inputs.platform === "win32" ? path.win32 : path.posix;
  const delimiter = inputs.platform === "win32" ? ";" : ":";
  for (const dir of (inputs.searchPath ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = p.join(dir, binaryName(inputs.platform));
    if (inputs.isExecutable(candidate)) {
      return { ok: true, path: candidate, source: "PATH" };
    }
  }
  return {
    ok: false,
    message: `The dols language server was not found: dols.server.path is not set, the extension ships no binary, and \`dols\` is not on PATH. ${INSTALL_HINT}`,
  };
}
