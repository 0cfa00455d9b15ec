// The extension's settings as the server reads them (`initializationOptions` and
// `workspace/didChangeConfiguration`): `{ dols: { lint, sql, completion } }`. Settings the
// server does not read (the binary's path, tracing) stay in the editor; a lint left at
// "default" is not sent, so the rule keeps its own level or the one in dols.toml.

/** What the extension reads from the `dols` section (`WorkspaceConfiguration.get`). */
export interface SettingsSource {
  get<T>(key: string): T | undefined;
  /** The `dols.lint.<code>` keys present in the section (contributed or set by hand). */
  lintCodes(): string[];
}

export interface ServerSettings {
  dols: {
    lint: Record<string, string>;
    sql: { tags: string[]; wrappers: string[]; exclude: string[]; migrations: Migration[] };
    completion: { apiMembers: string };
  };
}

const LEVELS = new Set(["off", "hint", "info", "warning", "error"]);
const API_MEMBERS = new Set(["auto", "always", "never"]);

/** A `dols.sql.migrations` entry: a path, or a path for some classes only. */
export type Migration = string | { path: string; classes: string[] };

function migrations(value: unknown): Migration[] {
  if (!Array.isArray(value)) return [];
  const out: Migration[] = [];
  for (const v of value) {
    if (typeof v === "string" && v.trim() !== "") {
      out.push(v.trim());
    } else if (typeof v === "object" && v !== null && typeof (v as { path?: unknown }).path === "string") {
      const entry = v as { path: string; classes?: unknown };
      if (entry.path.trim() !== "") out.push({ path: entry.path.trim(), classes: strings(entry.classes) });
    }
  }
  return out;
}

function strings(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.filter((v): v is string => typeof v === "string" && v.trim() !== "").map((v) => v.trim());
}

export function serverSettings(source: SettingsSource): ServerSettings {
  const lint: Record<string, string> = {};
  for (const code of source.lintCodes()) {
    const level = source.get<string>(`lint.${code}`);
    if (typeof level === "string" && LEVELS.has(level)) {
      lint[code] = level;
    }
  }
  const apiMembers = source.get<string>("completion.apiMembers");
  return {
    dols: {
      lint,
      sql: {
        tags: strings(source.get("sql.tags")),
        wrappers: strings(source.get("sql.wrappers")),
        exclude: strings(source.get("sql.exclude")),
        migrations: migrations(source.get("sql.migrations")),
      },
      completion: { apiMembers: typeof apiMembers === "string" && API_MEMBERS.has(apiMembers) ? apiMembers : "auto" },
    },
  };
}

/** The lint codes of a settings section seen as nested objects (`{ lint: { code: … } }`). */
export function lintCodesOf(section: unknown): string[] {
  if (typeof section !== "object" || section === null) return [];
  const lint = (section as Record<string, unknown>)["lint"];
  if (typeof lint !== "object" || lint === null) return [];
  return Object.keys(lint).sort();
}

/** Whether a change of these settings needs the server started again (a new binary). */
export function needsRestart(affects: (key: string) => boolean): boolean {
  return affects("dols.server.path");
}
