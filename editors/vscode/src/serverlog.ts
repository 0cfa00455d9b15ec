// The server's stderr is its log: one `[level] message` line per entry. The extension
// splits it into lines and hands each to the output channel at its own level, so that an
// info line is not shown as an error.

export type Level = "error" | "warn" | "info" | "debug" | "trace";

const LEVELS: ReadonlySet<string> = new Set(["error", "warn", "info", "debug", "trace"]);

/** A log line's level and message; a line without a known `[level]` is an error (a panic). */
export function parseLogLine(line: string): { level: Level; message: string } {
  const match = /^\[(\w+)\] ?(.*)$/s.exec(line);
  if (match && LEVELS.has(match[1])) {
    return { level: match[1] as Level, message: match[2] };
  }
  return { level: "error", message: line };
}

/** Collects chunks of output and hands back the complete lines. */
export class LineSplitter {
  private rest = "";

  push(chunk: string): string[] {
    const parts = (this.rest + chunk).split(/\r?\n/);
    this.rest = parts.pop() ?? "";
    return parts.filter((p) => p.length > 0);
  }

  /** What is left after the stream ended. */
  flush(): string[] {
    const rest = this.rest;
    this.rest = "";
    return rest.length > 0 ? [rest] : [];
  }
}
