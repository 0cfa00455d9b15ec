// The console's formatting of values — Node's `util.inspect` layout as workerd prints it, and
// printf-style directives — compiled to bytecode of its own and evaluated the first time a
// value other than plain strings is printed (see `inspector` in prelude.js). Its value is a
// function that takes the prelude's natives and returns `inspect` and `format`.
(function (N) {
  "use strict";
  // Node's quoting: single quotes unless the string has one, then double, then backticks.
  function quote(str) {
    const q = !str.includes("'") ? "'" : !str.includes('"') ? '"' : !str.includes("`") ? "`" : "'";
    const esc = str.replace(/[\\\x00-\x1f\x7f]/g, (c) => ({ "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\b": "\\b", "\f": "\\f", "\v": "\\v" })[c] || "\\x" + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0"));
    return q + (q === "'" ? esc.replace(/'/g, "\\'") : esc) + q;
  }
  // `state.circular` maps an object that is referenced from inside itself to its `*n` label;
  // `indent` is the column the value starts at when its entries go on lines of their own.
  function inspect(v, depth, seen, state = { circular: new Map() }, indent = 0) {
    switch (typeof v) {
      case "string": return depth === 0 ? v : quote(v);
      case "number": return Object.is(v, -0) ? "-0" : String(v);
      case "bigint": return v + "n";
      case "undefined": return "undefined";
      case "symbol": return v.toString();
      case "function": return v.prototype && /^class\b/.test(Function.prototype.toString.call(v))
        ? "[class " + (v.name || "(anonymous)") + "]" : v.name ? "[Function: " + v.name + "]" : "[Function (anonymous)]";
      case "boolean": return String(v);
    }
    if (v === null) return "null";
    if (seen.includes(v)) {
      if (!state.circular.has(v)) state.circular.set(v, state.circular.size + 1);
      return "[Circular *" + state.circular.get(v) + "]";
    }
    if (v instanceof Error) return v.stack ? v.name + ": " + v.message + "\n" + v.stack.replace(/\n$/, "") : v.name + ": " + v.message;
    if (depth > 2) return Array.isArray(v) ? "[Array]" : "[Object]";
    seen = seen.concat([v]);
    const sub = (x) => inspect(x, depth + 1, seen, state, indent + 2);
    const out = inspectObject(v, sub, indent);
    return state.circular.has(v) ? "<ref *" + state.circular.get(v) + "> " + out : out;
  }
  const BREAK_LENGTH = 80, MAX_ITEMS = 100;
  // Entries on one line when they fit in 80 columns, else one per line (arrays of more than
  // six short items in aligned columns), as Node's `util.inspect` lays them out.
  function layout(open, entries, close, indent, items) {
    let lines = entries;
    if (items && entries.length > 6) lines = columns(entries, indent, items);
    if (lines === entries) {
      const start = entries.length + indent + open.length + 10;
      let total = entries.length + start;
      let fits = total + entries.length <= BREAK_LENGTH;
      for (let i = 0; fits && i < entries.length; i++) { total += entries[i].length; fits = total <= BREAK_LENGTH; }
      const joined = entries.join(", ");
      if (fits && !joined.includes("\n")) return open + " " + joined + " " + close;
    }
    const pad = "\n" + " ".repeat(indent);
    return open + pad + "  " + lines.join("," + pad + "  ") + pad + close;
  }
  // Groups many short array items into aligned columns (numbers right-aligned).
  function columns(entries, indent, items) {
    const n = entries.length - (items.more ? 1 : 0);
    let total = 0, max = 0;
    for (let i = 0; i < n; i++) { total += entries[i].length + 2; max = Math.max(max, entries[i].length); }
    const width = max + 2;
    if (!(width * 3 + indent < BREAK_LENGTH && (total / width > 5 || max <= 6))) return entries;
    const bias = Math.sqrt(width - total / entries.length);
    const biased = Math.max(width - 3 - bias, 1);
    const cols = Math.min(Math.round(Math.sqrt(2.5 * biased * n) / biased), Math.floor((BREAK_LENGTH - indent) / width), 12, 15);
    if (cols <= 1) return entries;
    const colWidth = [];
    for (let c = 0; c < cols; c++) {
      let w = 0;
      for (let j = c; j < n; j += cols) w = Math.max(w, entries[j].length);
      colWidth.push(w + 2);
    }
    const right = items.numeric;
    const out = [];
    for (let i = 0; i < n; i += cols) {
      const end = Math.min(i + cols, n);
      let line = "";
      for (let j = i; j < end - 1; j++) line += right ? (entries[j] + ", ").padStart(colWidth[j - i]) : (entries[j] + ", ").padEnd(colWidth[j - i]);
      line += right ? entries[end - 1].padStart(colWidth[end - 1 - i] - 2) : entries[end - 1];
      out.push(line);
    }
    if (items.more) out.push(entries[entries.length - 1]);
    return out;
  }
  function listItems(v, sub) {
    const parts = [];
    const shown = Math.min(v.length, MAX_ITEMS);
    for (let i = 0; i < shown; i++) {
      if (i in v) { parts.push(sub(v[i])); continue; }
      let j = i;
      while (j < shown && !(j in v)) j++;
      parts.push("<" + (j - i) + " empty item" + (j - i > 1 ? "s" : "") + ">");
      i = j - 1;
    }
    const more = v.length > MAX_ITEMS;
    if (more) parts.push("... " + (v.length - MAX_ITEMS) + " more item" + (v.length - MAX_ITEMS > 1 ? "s" : ""));
    let numeric = true;
    for (let i = 0; i < shown && numeric; i++) numeric = typeof v[i] === "number" || typeof v[i] === "bigint";
    return { parts, items: { more, numeric } };
  }
  function inspectObject(v, sub, indent) {
    if (Array.isArray(v)) {
      if (v.length === 0) return "[]";
      const { parts, items } = listItems(v, sub);
      return layout("[", parts, "]", indent, items);
    }
    if (v instanceof Date) return isNaN(v) ? "Invalid Date" : v.toISOString();
    if (v instanceof RegExp) return String(v);
    if (v instanceof Map) return v.size ? layout("Map(" + v.size + ") {", [...v].map(([k, x]) => sub(k) + " => " + sub(x)), "}", indent) : "Map(0) {}";
    if (v instanceof Set) return v.size ? layout("Set(" + v.size + ") {", [...v].map(sub), "}", indent) : "Set(0) {}";
    if (v instanceof WeakMap || v instanceof WeakSet) return (v instanceof WeakMap ? "WeakMap" : "WeakSet") + " { <items unknown> }";
    if (v instanceof Promise) {
      const [st, value] = N.promiseState(v);
      return "Promise { " + (st === 0 ? "<pending>" : st === 2 ? "<rejected> " + sub(value) : sub(value)) + " }";
    }
    if (v instanceof ArrayBuffer) {
      const bytes = Array.from(new Uint8Array(v, 0, Math.min(v.byteLength, MAX_ITEMS)), (b) => b.toString(16).padStart(2, "0"));
      const more = v.byteLength > MAX_ITEMS ? " ... " + (v.byteLength - MAX_ITEMS) + " more byte" + (v.byteLength - MAX_ITEMS > 1 ? "s" : "") : "";
      return layout("ArrayBuffer {", ["[Uint8Contents]: <" + bytes.join(" ") + more + ">", "byteLength: " + v.byteLength], "}", indent);
    }
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      const open = v.constructor.name + "(" + v.length + ") [";
      if (v.length === 0) return open + "]";
      const { parts, items } = listItems(v, sub);
      return layout(open, parts, "]", indent, items);
    }
    const keys = Object.keys(v);
    const ctor = Object.getPrototypeOf(v) && Object.getPrototypeOf(v).constructor;
    const prefix = ctor && ctor !== Object && ctor.name ? ctor.name + " " : Object.getPrototypeOf(v) === null ? "[Object: null prototype] " : "";
    if (keys.length === 0) return prefix + "{}";
    const key = (k) => /^[A-Za-z_$][\w$]*$/.test(k) ? k : quote(k);
    return layout(prefix + "{", keys.map((k) => key(k) + ": " + sub(v[k])), "}", indent);
  }
  // `console.log("%s is %d", ...)`: printf-style directives in a first string argument.
  function format(args) {
    if (typeof args[0] !== "string" || !args[0].includes("%")) return args.map((a) => inspect(a, 0, [])).join(" ");
    let i = 1;
    const first = args[0].replace(/%([sdifjoOc%])/g, (m, d) => {
      if (d === "%") return "%";
      if (i >= args.length) return m;
      const a = args[i++];
      switch (d) {
        case "s": return typeof a === "string" ? a : typeof a === "bigint" ? a + "n" : typeof a === "object" && a !== null ? inspect(a, 1, []) : inspect(a, 0, []);
        case "d": case "i": { if (typeof a === "bigint") return a + "n"; const n = Number(a); return String(d === "i" ? Math.trunc(n) : n); }
        case "f": return String(parseFloat(a));
        case "j": try { return JSON.stringify(a); } catch { return "[Circular]"; }
        case "c": return "";
        default: return inspect(a, 1, []);
      }
    });
    return [first, ...args.slice(i).map((a) => inspect(a, 0, []))].join(" ");
  }
  return { inspect, format };
})
