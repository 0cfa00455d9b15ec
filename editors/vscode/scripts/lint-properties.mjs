// The `dols.lint.<code>` settings for the output of `dols rules`: one line per rule,
// `<code> <level> <description>` separated by runs of spaces, then a blank line and a note.

/** Levels a user can pick; "default" keeps the rule's own level (or the one in dols.toml). */
export const LEVELS = ["default", "off", "hint", "info", "warning", "error"];

export function parseRules(output) {
  const lines = output.split("\n").map((line) => line.trim());
  const end = lines.indexOf("", lines.findIndex((line) => line !== ""));
  return lines
    .slice(0, end < 0 ? lines.length : end)
    .filter((line) => line.length > 0)
    .map((line) => {
      const match = /^(\S+)\s+(\S+)\s+(.*)$/.exec(line);
      if (!match) throw new Error(`unexpected line in \`dols rules\`: ${line}`);
      return { code: match[1], level: match[2], description: match[3] };
    });
}

export function lintProperties(output) {
  const out = {};
  for (const rule of parseRules(output)) {
    out[`dols.lint.${rule.code}`] = {
      type: "string",
      enum: LEVELS,
      default: "default",
      markdownDescription: `${rule.description} Its own level is \`${rule.level}\`.`,
    };
  }
  return out;
}
