// The web platform and Durable Object machinery of the dols runtime, evaluated once per runtime
// before any user module. Native hooks arrive in `globalThis.__native` and are removed from
// the global scope here; everything the `cloudflare:workers` module exports lives on `__dols`.
(() => {
  "use strict";
  const N = globalThis.__native;
  delete globalThis.__native;
  const define = (name, value) =>
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });

  // ---------------------------------------------------------------- the fake clock
  // With `--fake-time` the engine provides `now`: a virtual clock that stands still while
  // JavaScript runs and jumps to the next timer when nothing else can run. `Date.now()`,
  // `new Date()`, `Date()` and `performance.now()` read it.
  if (N.now) {
    const RealDate = Date, now = N.now;
    const FakeDate = function Date(...args) {
      if (new.target === undefined) return new RealDate(now()).toString();
      return Reflect.construct(RealDate, args.length === 0 ? [now()] : args, new.target);
    };
    Object.defineProperties(FakeDate, {
      prototype: { value: RealDate.prototype },
      length: { value: 7 },
      now: { value: () => now(), writable: true, configurable: true },
      parse: { value: RealDate.parse, writable: true, configurable: true },
      UTC: { value: RealDate.UTC, writable: true, configurable: true },
    });
    Object.defineProperty(RealDate.prototype, "constructor", { value: FakeDate, writable: true, configurable: true });
    define("Date", FakeDate);
  }

  // ---------------------------------------------------------------- console
  // Formatting values (js/inspect.js, its own bytecode) is loaded the first time something other
  // than plain strings is printed: a run that logs only strings never needs it.
  let inspector = null;
  const loadInspector = () => inspector || (inspector = N.loadInspect()(N));
  const inspect = (v, depth, seen) => loadInspector().inspect(v, depth, seen);
  function format(args) {
    let plain = typeof args[0] !== "string" || !args[0].includes("%");
    for (let i = 0; plain && i < args.length; i++) plain = typeof args[i] === "string";
    return plain ? args.join(" ") : loadInspector().format(args);
  }
  const console = {
    log: (...a) => N.print(1, format(a)),
    info: (...a) => N.print(1, format(a)),
    debug: (...a) => N.print(1, format(a)),
    warn: (...a) => N.print(2, format(a)),
    error: (...a) => N.print(2, format(a)),
  };
  define("console", console);

  // ---------------------------------------------------------------- errors and cloning
  const DOM_CODES = ["IndexSizeError", "DOMStringSizeError", "HierarchyRequestError", "WrongDocumentError", "InvalidCharacterError", "NoDataAllowedError", "NoModificationAllowedError", "NotFoundError", "NotSupportedError", "InUseAttributeError", "InvalidStateError", "SyntaxError", "InvalidModificationError", "NamespaceError", "InvalidAccessError", "ValidationError", "TypeMismatchError", "SecurityError", "NetworkError", "AbortError", "URLMismatchError", "QuotaExceededError", "TimeoutError", "InvalidNodeTypeError", "DataCloneError"];
  class DOMException extends Error {
    constructor(message = "", name = "Error") {
      super(message);
      Object.defineProperty(this, "name", { value: name, configurable: true, writable: true });
    }
    get code() { return DOM_CODES.indexOf(this.name) + 1; }
    get [Symbol.toStringTag]() { return "DOMException"; }
  }
  define("DOMException", DOMException);

  const errorCtors = { Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError };
  function describe(v) {
    if (typeof v === "function") return Function.prototype.toString.call(v);
    if (typeof v === "symbol") return v.toString();
    return Object.prototype.toString.call(v);
  }
  function cloneError(e) {
    if (e instanceof DOMException) return new DOMException(e.message, e.name);
    const C = errorCtors[e.name] || Error;
    const c = new C(e.message);
    if (!(e.name in errorCtors)) Object.defineProperty(c, "name", { value: e.name, configurable: true, writable: true });
    if (typeof e.stack === "string") Object.defineProperty(c, "stack", { value: e.stack, configurable: true, writable: true });
    return c;
  }
  // The structured clone algorithm; with `onFunction`, functions are replaced by what it returns
  // (RPC passes them as callable stubs) instead of being refused.
  function cloneValue(value, onFunction) {
    const memo = new Map();
    const walk = (v) => {
      const t = typeof v;
      if (t === "function" && onFunction) return onFunction(v);
      if (t === "function" || t === "symbol") throw new DOMException(describe(v) + " could not be cloned.", "DataCloneError");
      if (t !== "object" || v === null) return v;
      if (memo.has(v)) return memo.get(v);
      let out;
      if (Array.isArray(v)) { out = new Array(v.length); memo.set(v, out); for (let i = 0; i < v.length; i++) if (i in v) out[i] = walk(v[i]); return out; }
      if (v instanceof Date) out = new Date(v.getTime());
      else if (v instanceof RegExp) out = new RegExp(v.source, v.flags);
      else if (v instanceof ArrayBuffer) out = v.slice(0);
      else if (ArrayBuffer.isView(v)) {
        // The whole buffer is cloned (once per buffer) and the view keeps its offset and length.
        let b = memo.get(v.buffer);
        if (!b) { b = v.buffer.slice(0); memo.set(v.buffer, b); }
        out = v instanceof DataView ? new DataView(b, v.byteOffset, v.byteLength) : new v.constructor(b, v.byteOffset, v.length);
      }
      else if (v instanceof Map) { out = new Map(); memo.set(v, out); for (const [k, x] of v) out.set(walk(k), walk(x)); return out; }
      else if (v instanceof Set) { out = new Set(); memo.set(v, out); for (const x of v) out.add(walk(x)); return out; }
      else if (v instanceof Error) { out = cloneError(v); }
      else if (v instanceof Boolean || v instanceof Number || v instanceof String) out = Object(v.valueOf());
      else {
        // Over RPC an RpcTarget is passed by reference, as a stub.
        if (onFunction && v instanceof RpcTarget) return targetStub(v);
        const proto = Object.getPrototypeOf(v);
        if (proto !== Object.prototype && proto !== null) {
          // Class instances lose their prototype, as with the platform's serialiser; objects
          // carrying functions are refused.
          if (!onFunction) for (const k of Object.keys(v)) if (typeof v[k] === "function") throw new DOMException(describe(v[k]) + " could not be cloned.", "DataCloneError");
        }
        out = {}; memo.set(v, out);
        for (const k of Object.keys(v)) out[k] = walk(v[k]);
        return out;
      }
      memo.set(v, out);
      return out;
    };
    return walk(value);
  }
  const structuredClone = (value) => cloneValue(value, null);
  define("structuredClone", structuredClone);

  // Storage serialisation: a JSON text with tagged values (no cycles).
  const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  function bytesToB64(u8) {
    let s = "";
    for (let i = 0; i < u8.length; i += 3) {
      const n = (u8[i] << 16) | ((u8[i + 1] || 0) << 8) | (u8[i + 2] || 0);
      s += B64[n >> 18] + B64[(n >> 12) & 63] + (i + 1 < u8.length ? B64[(n >> 6) & 63] : "=") + (i + 2 < u8.length ? B64[n & 63] : "=");
    }
    return s;
  }
  function b64ToBytes(s) {
    s = s.replace(/[\t\n\f\r ]/g, "");
    if (s.length % 4 === 0) s = s.replace(/==?$/, "");
    if (s.length % 4 === 1 || /[^A-Za-z0-9+/]/.test(s)) throw new DOMException("atob() called with invalid base64-encoded data. (Only whitespace, '+', '/', alphanumeric ASCII, and up to two terminal '=' signs when the input data length is divisible by 4 are allowed.)", "InvalidCharacterError");
    const out = new Uint8Array(Math.floor(s.length * 3 / 4));
    let j = 0;
    for (let i = 0; i < s.length; i += 4) {
      const n = (B64.indexOf(s[i]) << 18) | (B64.indexOf(s[i + 1]) << 12) | ((B64.indexOf(s[i + 2]) & 63) << 6) | (B64.indexOf(s[i + 3]) & 63);
      out[j++] = n >> 16;
      if (i + 2 < s.length) out[j++] = (n >> 8) & 255;
      if (i + 3 < s.length) out[j++] = n & 255;
    }
    return out;
  }
  // The JSON form of a primitive, shared by stored values (`ser`) and messages between
  // runtimes (`wireOut`); `NOT_PRIMITIVE` for objects, functions and symbols.
  const NOT_PRIMITIVE = Symbol("not a primitive");
  function encPrimitive(v) {
    switch (typeof v) {
      case "undefined": return { u: 1 };
      case "number": return Number.isFinite(v) && !Object.is(v, -0) ? v : { n: Object.is(v, -0) ? "-0" : String(v) };
      case "string": case "boolean": return v;
      case "bigint": return { b: String(v) };
    }
    return v === null ? null : NOT_PRIMITIVE;
  }
  // ---------------------------------------------------------------- the web platform, on demand
  // `web.js` (its own bytecode) defines these globals the first time one of them is used.
  const WEB_GLOBALS = ["TextEncoder", "TextDecoder", "btoa", "atob", "crypto", "URL", "URLSearchParams", "Headers", "Request", "Response", "fetch", "AbortSignal", "AbortController"];
  let webLoaded = false;
  function loadWeb() {
    if (webLoaded) return;
    webLoaded = true;
    for (const name of WEB_GLOBALS) delete globalThis[name];
    N.loadWeb()(N, define, DOMException, bytesToB64, b64ToBytes, hostWork);
  }
  for (const name of WEB_GLOBALS) {
    Object.defineProperty(globalThis, name, {
      configurable: true,
      enumerable: false,
      get() { loadWeb(); return globalThis[name]; },
      set(value) { loadWeb(); globalThis[name] = value; },
    });
  }

  // ---------------------------------------------------------------- timers and tasks
  // Who runs now: the object whose macrotask (delivered event, timer, RPC result) this is, and
  // the blockConcurrencyWhile() section it runs in, if any. A macrotask sets it and it stays for
  // the jobs that follow (they descend from that macrotask); when a section's callback starts,
  // the rest of the run of jobs counts as that section (its code after an immediate `await`
  // cannot be told apart from other code of the object there). The test runner is `owner: null`.
  let cur = { owner: null, section: null };
  // Whether code of `owner` started in `section` must wait: the object is held by a
  // blockConcurrencyWhile() section other than that one. As on the platform, a timer, or the
  // result of an RPC call, that was started outside the running callback waits for it to settle.
  const held = (owner, section) => owner !== null && owner.blockers.length > 0 && !owner.blockers.includes(section);
  const timers = new Map();
  let timerSeq = 0;
  // The order of timers and events: with objects on threads of their own, one counter shared by
  // every runtime of the run (so that the event loop can compare theirs); else the timer's id.
  const orderKey = (local) => (N.seq ? N.seq() : local);
  // Node's wording for a value of the wrong type ("Received type string ('x')").
  function received(v) {
    if (v === undefined || v === null) return "Received " + v;
    if (typeof v === "function") return "Received function " + (v.name || "<anonymous>");
    if (typeof v === "object") return v.constructor && v.constructor.name ? "Received an instance of " + v.constructor.name : "Received " + inspect(v, 1, []);
    let shown = inspect(v, 1, []);
    if (shown.length > 28) shown = shown.slice(0, 25) + "...";
    return "Received type " + typeof v + " (" + shown + ")";
  }
  // `setTimeout` and `setInterval` return a Timeout, as workerd does (Node's timer object): it
  // converts to the timer's number, which `clearTimeout` also takes.
  class Timeout {
    #id;
    constructor(key, id) { if (key !== ctorKey) throw new TypeError("Illegal constructor"); this.#id = id; }
    [Symbol.toPrimitive]() { return this.#id; }
    refresh() { const t = timers.get(this.#id); if (t) t.at = Date.now() + t.delay; return this; }
    unref() { return this; }
    ref() { return this; }
    hasRef() { return true; }
    close() { timers.delete(this.#id); return this; }
  }
  function addTimer(fn, ms, args, repeat) {
    if (typeof fn !== "function") throw new TypeError("The \"callback\" argument must be of type function. " + received(fn));
    const id = ++timerSeq;
    const delay = Math.max(0, Number(ms) || 0);
    timers.set(id, { fn, args, at: Date.now() + delay, delay, repeat, seq: orderKey(id), owner: cur.owner, section: cur.section });
    return new Timeout(ctorKey, id);
  }
  const clearTimer = (t) => { if (t !== null && t !== undefined) timers.delete(Number(t)); };
  define("setTimeout", (fn, ms, ...args) => addTimer(fn, ms, args, false));
  define("setInterval", (fn, ms, ...args) => addTimer(fn, ms, args, true));
  define("clearTimeout", clearTimer);
  define("clearInterval", clearTimer);
  define("queueMicrotask", (fn) => {
    if (typeof fn !== "function") throw new TypeError("Failed to execute 'queueMicrotask' on 'ServiceWorkerGlobalScope': parameter 1 is not of type 'function'.");
    Promise.resolve().then(() => fn());
  });
  // Called by the event loop: milliseconds until the next timer, or -1 when there is none.
  // A held timer is skipped until its object's section settles; then it fires (once, for an
  // interval that missed several periods).
  function nextTimer() {
    let best = null;
    for (const t of timers.values()) if (!held(t.owner, t.section) && (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq))) best = t;
    return best ? Math.max(0, best.at - Date.now()) : -1;
  }
  // The earliest timer that may run: [time, order], or null.
  function timerKey() {
    let best = null;
    for (const t of timers.values()) if (!held(t.owner, t.section) && (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq))) best = t;
    return best ? [best.at, best.seq] : null;
  }
  // Runs the earliest due timer (one macrotask).
  function runTimer() {
    let best = null, bestId = 0;
    for (const [id, t] of timers) if (!held(t.owner, t.section) && (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq))) { best = t; bestId = id; }
    if (!best || best.at > Date.now()) return;
    fireTimer(bestId, best);
  }
  function fireTimer(id, t) {
    t.released = false;
    if (t.repeat) { t.at = Date.now() + t.delay; t.seq = orderKey(++timerSeq); } else timers.delete(id);
    cur = { owner: t.owner, section: t.section };
    try { t.fn(...t.args); } catch (e) { reportUncaught(e); }
  }
  // When a section settles, the object's earliest timer that came due while it was held has
  // waited at its gate with its queued events: it goes in the order they began to wait (see
  // `deliver`). Its other due timers were not waiting yet (the platform arms one timer at a time):
  // they run as timers do, after the events queued by then.
  function releaseTimers(owner) {
    const now = Date.now();
    let best = null;
    for (const t of timers.values()) if (t.owner === owner && t.at <= now && held(t.owner, t.section) && (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq))) best = t;
    if (best) { best.released = true; anyReleased = true; }
  }
  let anyReleased = false;
  // The released timer that began to wait first, if it did so before `before` (a time).
  function releasedTimer(before) {
    if (!anyReleased) return null;
    let best = null, bestId = 0, left = false;
    for (const [id, t] of timers) {
      if (!t.released) continue;
      left = true;
      if (!held(t.owner, t.section) && t.at <= before && (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq))) { best = t; bestId = id; }
    }
    anyReleased = left;
    return best && [bestId, best];
  }
  function reportUncaught(e) {
    N.print(2, "Uncaught " + (e instanceof Error ? (e.stack ? e.name + ": " + e.message + "\n" + e.stack : e.name + ": " + e.message) : inspect(e, 0, [])));
  }
  // workerd runs in UTC and prints dates as V8 does there.
  {
    const pad = (n) => String(n).padStart(2, "0");
    const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    const time = (d) => pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + ":" + pad(d.getUTCSeconds()) + " GMT+0000 (Coordinated Universal Time)";
    const date = (d) => { const y = d.getUTCFullYear(); return DAYS[d.getUTCDay()] + " " + MONTHS[d.getUTCMonth()] + " " + pad(d.getUTCDate()) + " " + (y < 0 ? "-" + String(-y).padStart(6, "0") : String(y).padStart(4, "0")); };
    // The default locale's (en-US) formats, as ICU gives them in UTC; other locales and
    // options go to the engine's own methods.
    const proto = Date.prototype, own = { toLocaleString: proto.toLocaleString, toLocaleDateString: proto.toLocaleDateString, toLocaleTimeString: proto.toLocaleTimeString };
    const plain = (locales, options) => (locales === undefined || locales === "en-US") && (options === undefined || (Object.keys(options).length === 1 && /^(UTC|Etc\/UTC|GMT)$/.test(options.timeZone)));
    const usDate = (d) => (d.getUTCMonth() + 1) + "/" + d.getUTCDate() + "/" + d.getUTCFullYear();
    const usTime = (d) => ((d.getUTCHours() % 12) || 12) + ":" + pad(d.getUTCMinutes()) + ":" + pad(d.getUTCSeconds()) + " " + (d.getUTCHours() < 12 ? "AM" : "PM");
    const local = (name, f) => function (locales, options) {
      if (!plain(locales, options)) return own[name].call(this, locales, options);
      return isNaN(this) ? "Invalid Date" : f(this);
    };
    const methods = {
      toString() { return isNaN(this) ? "Invalid Date" : date(this) + " " + time(this); },
      toDateString() { return isNaN(this) ? "Invalid Date" : date(this); },
      toTimeString() { return isNaN(this) ? "Invalid Date" : time(this); },
      toLocaleString: local("toLocaleString", (d) => usDate(d) + ", " + usTime(d)),
      toLocaleDateString: local("toLocaleDateString", usDate),
      toLocaleTimeString: local("toLocaleTimeString", usTime),
    };
    for (const k of Object.keys(methods)) Object.defineProperty(Date.prototype, k, { value: methods[k], writable: true, configurable: true, enumerable: false });
  }
  define("self", globalThis);
  define("navigator", Object.freeze({ userAgent: "Cloudflare-Workers", hardwareConcurrency: 1, language: "en" }));
  define("performance", { now: () => Date.now() - startTime, timeOrigin: Date.now() });
  const startTime = Date.now();

  // ---------------------------------------------------------------- SQL storage
  function bindValue(v) {
    switch (typeof v) {
      case "number": case "string": return v;
      case "boolean": return v ? "true" : "false";
      case "undefined": return null;
      case "bigint": throw new TypeError("Cannot convert a BigInt value to a number");
      case "symbol": throw new TypeError("Cannot convert a Symbol value to a string");
      case "function": return String(v);
    }
    if (v === null) return null;
    if (v instanceof ArrayBuffer) return v;
    if (ArrayBuffer.isView(v)) return v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength);
    return String(v);
  }
  const rowObject = (names, row) => { const o = {}; for (let i = 0; i < names.length; i++) o[names[i]] = row[i]; return o; };
  // A cursor reads its rows from SQLite on demand: `exec()` has read the first row; `next()`
  // reads one more, `toArray()` the rest. An open cursor holds its SQLite statement until it
  // is read to its end or garbage-collected.
  const cursorRegistry = new FinalizationRegistry(({ h, id }) => N.sqlClose(h, id));
  const ALL = 1e9;
  class SqlStorageCursor {
    #h; #r; #rows; #i = 0; #id;
    constructor(key, h, r) {
      if (key !== ctorKey) throw new TypeError("Illegal constructor");
      this.#h = h; this.#r = r; this.#rows = r.rows; this.#id = r.cursor;
      if (this.#id >= 0) cursorRegistry.register(this, { h, id: this.#id }, this);
    }
    // Makes at least `n` unread rows available, if the statement has them.
    #want(n) {
      const have = this.#rows.length - this.#i;
      if (have >= n || this.#id < 0) return;
      const more = N.sqlNext(this.#h, this.#id, n - have);
      if (this.#i > 0) { this.#rows = this.#rows.slice(this.#i); this.#i = 0; }
      for (const row of more.rows) this.#rows.push(row);
      this.#r.rowsRead = more.rowsRead;
      this.#r.rowsWritten = more.rowsWritten;
      if (more.done) { cursorRegistry.unregister(this); this.#id = -1; }
    }
    get columnNames() { return this.#r.columnNames.slice(); }
    get rowsRead() { return this.#r.rowsRead; }
    get rowsWritten() { return this.#r.rowsWritten; }
    // Like the platform, the cursor reads one row ahead of the one it returns.
    _nextRaw() { this.#want(2); return this.#i < this.#rows.length ? this.#rows[this.#i++] : undefined; }
    _rest() { this.#want(ALL); const out = this.#i === 0 ? this.#rows : this.#rows.slice(this.#i); this.#rows = []; this.#i = 0; return out; }
    _remainingUpTo(n) { this.#want(n); return this.#rows.length - this.#i; }
    next() {
      const row = this._nextRaw();
      return row === undefined ? { done: true, value: undefined } : { done: false, value: rowObject(this.#r.columnNames, row) };
    }
    toArray() { const names = this.#r.columnNames; return this._rest().map((row) => rowObject(names, row)); }
    one() {
      const n = this._remainingUpTo(2);
      if (n === 0) throw new Error("Expected exactly one result from SQL query, but got no results.");
      if (n > 1) throw new Error("Expected exactly one result from SQL query, but got multiple results.");
      return this.next().value;
    }
    raw() {
      const cursor = this;
      return {
        next() { const row = cursor._nextRaw(); return row === undefined ? { done: true, value: undefined } : { done: false, value: row }; },
        toArray() { return cursor._rest(); },
        [Symbol.iterator]() { return this; },
      };
    }
    [Symbol.iterator]() {
      const cursor = this;
      return { next: () => cursor.next(), [Symbol.iterator]() { return this; } };
    }
  }
  const ctorKey = Symbol("internal");
  class SqlStorage {
    #h; #sqlite; #className;
    constructor(key, h, sqlite) { if (key !== ctorKey) throw new TypeError("Illegal constructor"); this.#h = h; this.#sqlite = sqlite; }
    #check() {
      if (!this.#sqlite) throw new Error("SQL is not enabled for this Durable Object class. To enable it, change `new_classes` to `new_sqlite_classes` within the 'migrations' field in your wrangler.jsonc or wrangler.toml file. If using workerd directly,set `enableSql = true` in your workerd config for the class. Note that this change cannot be made after the class is already deployed to production.");
    }
    exec(query, ...bindings) {
      this.#check();
      const h = this.#h();
      const r = N.sqlExec(h, String(query), bindings.map(bindValue));
      return new SqlStorageCursor(ctorKey, h, r);
    }
    get databaseSize() { this.#check(); return N.sqlSize(this.#h()); }
    get Cursor() { return SqlStorageCursor; }
  }
  const notFunction = (method, on) => new TypeError(`Failed to execute '${method}' on '${on}': parameter 1 is not of type 'function'.`);
  // The key-value API — the synchronous `storage.kv`, the asynchronous `get`/`put`/`delete`/`list`
  // and the serialisation of stored values — is js/kv.js, its own bytecode, loaded the first time
  // one of them is used.
  let kvPart = null;
  const kvApi = () => kvPart || (kvPart = N.loadKv()(N, { DOMException, describe, encPrimitive, NOT_PRIMITIVE, cloneError, bytesToB64, b64ToBytes, ctorKey }));
  class DurableObjectStorage {
    #h; #sql; #kv; #sqlite; #inst;
    constructor(key, h, sqlite, inst) {
      if (key !== ctorKey) throw new TypeError("Illegal constructor");
      this.#h = h; this.#sqlite = sqlite; this.#inst = inst;
      this.#sql = new SqlStorage(ctorKey, h, sqlite);
    }
    get sql() { return this.#sql; }
    get kv() {
      if (!this.#sqlite) throw new Error("The storage.kv (synchronous KV) API is only available for SQLite-backed Durable Objects, but this object's namespace is not declared to use SQLite. You can use the older, asyncronous interface via methods of `storage` itself (e.g. `storage.get()`). Alternatively, to enable SQLite, change `new_classes` to `new_sqlite_classes` within the 'migrations' field in your wrangler.jsonc or wrangler.toml file. If using workerd directly, set `enableSql = true` in your workerd config for the class. Note that this change cannot be made after the class is already deployed to production.");
      return this.#kv || (this.#kv = new (kvApi().SyncKvStorage)(ctorKey, this.#h));
    }
    async get(keys) { return kvApi().get(this.#h, keys); }
    async put(key, value) { return kvApi().put(this.#h, key, value); }
    async delete(keys) { return kvApi().delete(this.#h, keys); }
    async list(options) { return kvApi().list(this.#h, options); }
    async deleteAll() { N.deleteAll(this.#h()); }
    transactionSync(fn) {
      if (typeof fn !== "function") throw notFunction("transactionSync", "DurableObjectStorage");
      N.spBegin(this.#h());
      let r;
      try { r = fn(); } catch (e) { N.spEnd(this.#h(), false); throw e; }
      N.spEnd(this.#h(), true);
      return r;
    }
    // The closure runs as blockConcurrencyWhile() callbacks do (a step later, holding the
    // object's other events and timers), but a throw only rolls back: the object is not reset.
    transaction(fn) {
      if (typeof fn !== "function") return Promise.reject(notFunction("transaction", "DurableObjectStorage"));
      return this.#inst.hold(() => this.#transaction(fn), false);
    }
    async #transaction(fn) {
      const h = this.#h();
      N.asyncTxn(h, 1);
      N.spBegin(h);
      let rolledBack = false;
      const txn = {
        get: (k) => this.get(k),
        put: (k, v) => this.put(k, v),
        delete: (k) => this.delete(k),
        list: (o) => this.list(o),
        rollback: () => { rolledBack = true; },
      };
      try {
        const r = await fn(txn);
        N.spEnd(h, !rolledBack);
        return r;
      } catch (e) {
        N.spEnd(h, false);
        throw e;
      } finally {
        N.asyncTxn(h, -1);
      }
    }
    async sync() {}
    async getAlarm() {
      const v = N.metaGet(this.#h(), "alarm");
      return v === undefined || v === null ? null : v;
    }
    async setAlarm(time) {
      let ms;
      if (time instanceof Date) ms = time.getTime();
      else if (typeof time === "number") ms = time;
      else throw new TypeError("Failed to execute 'setAlarm' on 'DurableObjectStorage': parameter 1 is not of type 'date'.");
      if (!(ms > 0)) throw new TypeError("setAlarm() cannot be called with an alarm time <= 0");
      if (this.#inst.obj !== null && typeof this.#inst.obj.alarm !== "function") throw new TypeError("Your Durable Object class must have an alarm() handler in order to call setAlarm()");
      ms = Math.max(ms, Date.now());
      N.metaPut(this.#h(), "alarm", ms);
      this.#inst.scheduleAlarm(ms);
    }
    async deleteAlarm() {
      N.metaPut(this.#h(), "alarm", undefined);
      this.#inst.scheduleAlarm(null);
    }
  }

  // ---------------------------------------------------------------- Durable Objects
  class DurableObject {
    constructor(ctx, env) { this.ctx = ctx; this.env = env; }
  }
  class WorkerEntrypoint {
    constructor(ctx, env) { this.ctx = ctx; this.env = env; }
  }
  class RpcTarget {}
  const RESERVED = ["alarm", "webSocketMessage", "webSocketClose", "webSocketError", "connect"];

  class DurableObjectId {
    #hex; #name; #ns;
    constructor(key, ns, hex, name) { if (key !== ctorKey) throw new TypeError("Illegal constructor"); this.#ns = ns; this.#hex = hex; this.#name = name; }
    get name() { return this.#name; }
    get jurisdiction() { return undefined; }
    toString() { return this.#hex; }
    equals(other) { return other instanceof DurableObjectId && other.#hex === this.#hex; }
    _ns() { return this.#ns; }
  }

  // One live instance per (namespace, id): its object, its storage handle, its event queue.
  const instances = new Map();
  class Instance {
    constructor(ns, id) {
      this.ns = ns; this.id = id;
      this.obj = null;
      this.generation = 0;
      // The error that ended each reset generation of the object.
      this.breaks = new Map();
      this.handle = null;
      this.blockers = [];
      const getHandle = () => {
        if (this.handle === null) {
          this.handle = N.sqlOpen(ns._className, id.toString());
          // An alarm stored by an earlier run is armed again when the object is next used.
          const stored = N.metaGet(this.handle, "alarm");
          if (stored !== undefined && stored !== null) this.scheduleAlarm(stored);
        }
        return this.handle;
      };
      const inst = this;
      this.state = {
        id,
        storage: new DurableObjectStorage(ctorKey, getHandle, ns._sqlite, this),
        blockConcurrencyWhile(fn) {
          if (typeof fn !== "function") return Promise.reject(notFunction("blockConcurrencyWhile", "DurableObjectState"));
          return inst.hold(fn, true);
        },
        waitUntil(p) { Promise.resolve(p).catch(reportUncaught); },
        abort(reason) {
          const e = new Error(reason === undefined ? "Application called abort() to reset Durable Object." : String(reason));
          inst._reset(e);
          throw e;
        },
        getWebSockets() { return []; },
        acceptWebSocket() { throw new Error("WebSockets are not supported by dols test yet."); },
      };
    }
    // Runs `fn` a step later as a section that holds the object's other events, and its timers
    // and RPC results started outside `fn`, until the promise it returns settles. With
    // `resetOnError` (blockConcurrencyWhile), a failed callback breaks the object, as on the
    // platform: it is reset, and the event that called this fails with the error even if it
    // catches it.
    hold(fn, resetOnError) {
      const p = Promise.resolve().then(() => { cur = { owner: this, section: p }; return fn(); });
      this.blockers.push(p);
      const done = () => { releaseTimers(this); this.blockers = this.blockers.filter((b) => b !== p); };
      p.then(done, (e) => { done(); if (resetOnError) this._reset(e); });
      return p;
    }
    // One alarm per object: a timer for the stored time. When it fires the stored time is read
    // again (a rolled-back setAlarm leaves nothing, a newer one moves it), cleared, and `alarm()`
    // runs as an event; if it throws, it is retried with exponential back-off (2 s, 4 s, 8 s, ...)
    // up to six times.
    scheduleAlarm(ms, retryCount = 0) {
      if (this.alarmTimer !== undefined) clearTimeout(this.alarmTimer);
      this.alarmTimer = undefined;
      if (ms === null) return;
      this.alarmTimer = setTimeout(() => this.#fireAlarm(retryCount), Math.max(0, ms - Date.now()));
    }
    #fireAlarm(retryCount) {
      this.alarmTimer = undefined;
      let scheduledTime = null;
      this.run(async (obj) => {
        const h = this.state.storage;
        const stored = await h.getAlarm();
        if (stored === null) return;
        if (stored > Date.now()) { this.scheduleAlarm(stored, retryCount); return; }
        scheduledTime = stored;
        await h.deleteAlarm();
        if (typeof obj.alarm !== "function") return;
        await obj.alarm({ retryCount, isRetry: retryCount > 0, scheduledTime });
      }).catch((e) => {
        reportUncaught(e);
        if (retryCount < 6 && scheduledTime !== null) {
          const at = Date.now() + 2000 * 2 ** retryCount;
          this.state.storage.getAlarm().then((cur) => {
            if (cur !== null) return;
            N.metaPut(this.handle, "alarm", at);
            this.scheduleAlarm(at, retryCount + 1);
          });
        }
      });
    }
    // An event (RPC call, fetch, alarm) is queued and delivered by the event loop as a macrotask
    // of its own (see `deliver`), so it starts only when no JavaScript is running: the running
    // event has finished or is awaiting something other than storage (storage completes within
    // the same run of jobs). That is the platform's input gate.
    run(fn) {
      // With a debugger attached, the caller's frames are kept so that a stop in the event
      // shows the stack across the stub call.
      const callerFrames = debugState.active ? captureFrames() : null;
      return new Promise((resolve, reject) => { pendingEvents.push({ inst: this, fn, resolve, reject, generation: this.generation, caller: cur, queuedAt: Date.now(), order: orderKey(0), callerFrames }); });
    }
    // The object is broken by `error`: it is dropped and constructed again on its next event;
    // events of the old one that have not ended fail with `error`, and so do calls through
    // stubs that reached it.
    _reset(error) {
      if (this.breaks.has(this.generation)) return;
      this.breaks.set(this.generation, error);
      // Stubs in other runtimes learn of it from the run's table of objects.
      if (home !== null) N.objectReset(home, this.generation, JSON.stringify(threads().wireOut(rpcError(error))));
      this.obj = null;
      this.blockers = [];
      this.generation++;
    }
    _start(d) {
      this.lastEvent = d;
      cur = { owner: this, section: null };
      if (d.generation !== this.generation) { outputs.push({ d, ok: false, v: this.breaks.get(d.generation) }); return; }
      try {
        if (this.obj === null) {
          const Cls = this.ns._class();
          this.obj = new Cls(this.state, env);
          // blockConcurrencyWhile() in the constructor holds this first event too.
          if (this.blockers.length) { pendingEvents.unshift(d); return; }
        }
        Promise.resolve(d.fn(this.obj)).then((v) => outputs.push({ d, ok: true, v }), (e) => outputs.push({ d, ok: false, v: memoryError(e) }));
      } catch (e) {
        outputs.push({ d, ok: false, v: memoryError(e) });
      }
    }
  }
  const pendingEvents = [];
  // The output gate: an event's result is held until the turn's writes are committed. The
  // event loop calls `flushOutputs` after each commit with the storage handles whose commit
  // failed; the events of those objects fail instead and the objects are reset (constructed
  // again on their next event), as the platform resets an object whose writes failed.
  let outputs = [];
  function flushOutputs(failures) {
    for (const k in failures) for (const inst of instances.values()) {
      if (String(inst.handle) === k) inst._reset(new Error("internal error: the Durable Object's writes could not be committed (" + failures[k] + "), so it was reset"));
    }
    // A result for a caller held by blockConcurrencyWhile() waits with it.
    const out = outputs.filter((o) => !held(o.d.caller.owner, o.d.caller.section));
    if (out.length === 0) return false;
    outputs = outputs.filter((o) => !out.includes(o));
    // The callers' code runs next: theirs is the context, when they share one.
    const first = out[0].d.caller;
    cur = out.every(({ d }) => d.caller.owner === first.owner && d.caller.section === first.section) ? first : { owner: null, section: null };
    for (const { d, ok, v } of out) {
      const broken = d.inst ? d.inst.breaks.get(d.generation) : undefined;
      if (broken !== undefined) d.reject(broken);
      else if (ok) d.resolve(v);
      else d.reject(v);
    }
    return true;
  }
  // Work the host does off the JavaScript thread (an outbound fetch): a promise per id, settled
  // when the engine delivers the result (`hostDone`, a macrotask) through the output gate's
  // list, as an RPC result is — so it waits while its caller is held by blockConcurrencyWhile().
  const hostWaits = new Map();
  const hostWork = {
    wait(id) { return new Promise((resolve, reject) => { hostWaits.set(id, { caller: cur, resolve, reject, inst: null }); }); },
    forget(id) { hostWaits.delete(id); },
  };
  function hostDone(id, ok, v) {
    const d = hostWaits.get(id);
    if (!d) return;
    hostWaits.delete(id);
    outputs.push({ d, ok, v });
  }
  // Called by the event loop when no job is left: starts the first queued event whose object
  // is not held by blockConcurrencyWhile() (or a timer that was held and began to wait before
  // that event was queued). Returns whether one was started.
  let delivering = null;
  function deliver() {
    for (let i = 0; i <= pendingEvents.length; i++) {
      const d = pendingEvents[i];
      if (d && d.inst.blockers.length) continue;
      const timer = releasedTimer(d ? d.queuedAt : Infinity);
      if (timer) { fireTimer(...timer); return true; }
      if (!d) return false;
      pendingEvents.splice(i, 1);
      delivering = d;
      d.inst._start(d);
      delivering = null;
      return true;
    }
    return false;
  }
  // Called by the event loop when the event being delivered was interrupted (time limit).
  // QuickJS reports an exhausted memory limit as `InternalError: out of memory`.
  let memoryMb = 0;
  function memoryError(e) {
    if (e instanceof Error && e.name === "InternalError" && e.message === "out of memory") {
      return new Error(`the event ran out of memory: the runtime's memory limit is ${memoryMb} MB`);
    }
    return e;
  }
  function failCurrent(message) {
    const d = delivering;
    delivering = null;
    if (d) d.reject(new Error(message));
  }

  class DurableObjectNamespace {
    #binding;
    constructor(key, binding, className, nsKey, sqlite) {
      if (key !== ctorKey) throw new TypeError("Illegal constructor");
      this.#binding = binding;
      Object.defineProperty(this, "_className", { value: className });
      Object.defineProperty(this, "_key", { value: nsKey });
      Object.defineProperty(this, "_sqlite", { value: sqlite });
    }
    _class() {
      const C = mainExports && mainExports[this._className];
      if (typeof C !== "function") throw new Error(`Durable Object class "${this._className}" (binding ${this.#binding}) is not exported by the main module.`);
      return C;
    }
    idFromName(name) {
      name = String(name);
      return new DurableObjectId(ctorKey, this, N.idFromName(this._key, name), name);
    }
    newUniqueId(options) {
      if (options && options.jurisdiction !== undefined) throw new Error("Jurisdiction restrictions are not implemented in workerd.");
      return new DurableObjectId(ctorKey, this, N.newUniqueId(this._key), undefined);
    }
    idFromString(s) {
      const r = N.checkId(this._key, String(s));
      if (r === 1) throw new TypeError("Invalid Durable Object ID: must be 64 hex digits");
      if (r === 2) throw new TypeError("Durable Object ID is not valid for this namespace.");
      return new DurableObjectId(ctorKey, this, r, undefined);
    }
    jurisdiction() { throw new Error("Jurisdiction restrictions are not implemented in workerd."); }
    get(id) {
      if (!(id instanceof DurableObjectId)) throw new TypeError("Failed to execute 'get' on 'DurableObjectNamespace': parameter 1 is not of type 'DurableObjectId'.");
      return makeStub(this, id);
    }
    getByName(name) { return this.get(this.idFromName(name)); }
    _instance(id) {
      const k = this._key + "/" + id.toString();
      // With objects on threads of their own, only the runtime of the object itself has its
      // instance; elsewhere its events travel as messages.
      if (home !== null && k !== home) return threads().remoteInstance(k);
      let inst = instances.get(k);
      if (!inst) { inst = new Instance(this, id); instances.set(k, inst); }
      return inst;
    }
  }

  // An error crossing an RPC boundary: the same built-in constructor, name and message; a thrown
  // non-Error value arrives as an Error with its string as message.
  function rpcError(e) {
    if (e instanceof Error) {
      const c = cloneError(e);
      // Own enumerable properties travel with the error (a `code`, say).
      for (const k of Object.keys(e)) if (k !== "stack" && k !== "message" && k !== "name") { try { c[k] = cloneValue(e[k], null); } catch {} }
      return c;
    }
    if (e !== null && typeof e === "object") { try { return cloneValue(e, null); } catch {} }
    return new Error(String(e));
  }
  // RPC results are thenables, not Promise instances, as on the platform.
  function rpcPromise(p) {
    return {
      then: (a, b) => p.then(a, b),
      catch: (b) => p.catch(b),
      finally: (f) => p.finally(f),
      [Symbol.toStringTag]: "RpcPromise",
    };
  }
  // Structured clone where functions become callable stubs (calls are asynchronous and their
  // arguments and results are cloned the same way).
  // The stub of an RpcTarget passed over RPC: a callable proxy whose properties call the
  // target's methods, or, when awaited, read its getters. Like the platform, it exposes what
  // the target's class defines (methods and accessors on its prototypes), not its own fields.
  function targetStub(target) {
    const member = (prop) => {
      for (let o = Object.getPrototypeOf(target); o && o !== RpcTarget.prototype && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
        const d = Object.getOwnPropertyDescriptor(o, prop);
        if (d) return d;
      }
      throw new TypeError(`The RPC receiver does not implement the method "${prop}".`);
    };
    const remote = (f) => rpcPromise(Promise.resolve().then(f).then(rpcClone).catch((e) => { throw rpcError(e); }));
    const stubTarget = function () {};
    return new Proxy(stubTarget, {
      get(_, prop) {
        if (typeof prop === "symbol" || prop === "then") return undefined;
        const call = (...args) => {
          let cloned;
          try { cloned = rpcClone(args); } catch (e) { return rpcPromise(Promise.reject(e)); }
          return remote(() => {
            const d = member(prop);
            if (typeof d.value !== "function") throw new TypeError(`The RPC receiver does not implement the method "${prop}".`);
            return d.value.apply(target, cloned);
          });
        };
        // Awaiting the property itself reads it.
        const read = () => remote(() => { const d = member(prop); return d.get ? d.get.call(target) : d.value; });
        call.then = (a, b) => read().then(a, b);
        return call;
      },
    });
  }

  function rpcClone(value) {
    const wrap = (f) => (...a) => rpcPromise(Promise.resolve().then(() => rpcClone(a)).then((a2) => f(...a2)).then(rpcClone, (e) => { throw rpcError(e); }));
    return cloneValue(value, wrap);
  }

  // What an event does in the object, given its instance.
  function performFetch(obj, req) {
    if (typeof obj.fetch !== "function") throw new Error("Handler does not export a fetch() function.");
    return obj.fetch(req);
  }
  async function performCall(obj, prop, cloned) {
    if (RESERVED.includes(prop)) throw new TypeError(`'${prop}' is a reserved method and cannot be called over RPC.`);
    const f = prop === "constructor" ? undefined : obj[prop];
    if (typeof f !== "function" || Object.prototype.hasOwnProperty.call(Object.prototype, prop)) throw new TypeError(`The RPC receiver does not implement the method "${prop}".`);
    return rpcClone(await f.apply(obj, cloned));
  }
  // Awaiting a stub's property reads it: a getter or method of the class (not an own field of
  // the instance), as on the platform.
  async function performGet(obj, prop) {
    let d;
    for (let o = Object.getPrototypeOf(obj); o && o !== Object.prototype && !d; o = Object.getPrototypeOf(o)) d = Object.getOwnPropertyDescriptor(o, prop);
    if (!d || RESERVED.includes(prop) || prop === "constructor") throw new TypeError(`The RPC receiver does not implement the method "${prop}".`);
    const v = d.get ? await d.get.call(obj) : d.value;
    return rpcClone(v);
  }

  function makeStub(ns, id) {
    // A stub connects to the object's current instance on its first call; once that instance
    // has been reset, the stub is broken (its calls fail with the error that broke the object)
    // and a new one must be made.
    let generation = null;
    const connect = () => {
      const inst = ns._instance(id);
      if (generation === null) generation = inst.generation;
      else if (generation !== inst.generation) throw rpcError(inst.breaks.get(generation));
      return inst;
    };
    const target = { name: id.name, id };
    Object.defineProperty(target, "fetch", { enumerable: false, value(input, init) {
        let req;
        try { req = input instanceof Request && init === undefined ? input : new Request(input, init); } catch (e) { return Promise.reject(e); }
        let inst;
        try { inst = connect(); } catch (e) { return Promise.reject(e); }
        return inst.run((obj) => performFetch(obj, req), { kind: "fetch", req, gen: generation, name: id.name }).then((res) => {
          if (!(res instanceof Response)) throw new TypeError("Incorrect type for Promise: the Promise did not resolve to 'Response'.");
          return res;
        }, (e) => { throw cloneError(e); });
    } });
    return new Proxy(target, {
      get(t, prop) {
        if (prop in t) return t[prop];
        if (typeof prop === "symbol" || prop === "then") return undefined;
        const call = (...args) => {
          let cloned, inst;
          try { cloned = rpcClone(args); inst = connect(); } catch (e) { return rpcPromise(Promise.reject(e)); }
          return rpcPromise(inst.run((obj) => performCall(obj, prop, cloned), { kind: "call", prop, args: cloned, gen: generation, name: id.name }).catch((e) => { throw rpcError(e); }));
        };
        // Awaiting the property itself reads it over RPC: a getter or method of the class
        // (not an own field of the instance), as on the platform.
        call.then = (onOk, onErr) => {
          let inst;
          try { inst = connect(); } catch (e) { return Promise.reject(e).then(onOk, onErr); }
          return inst.run((obj) => performGet(obj, prop), { kind: "get", prop, gen: generation, name: id.name }).catch((e) => { throw rpcError(e); }).then(onOk, onErr);
        };
        return call;
      },
    });
  }

  // ---------------------------------------------------------------- objects on threads
  // With objects on threads of their own (the engine's threaded run), each live object has a
  // runtime of its own and the worker's code (the tests) runs in the main runtime. `home` names
  // the runtime: "" for the main one, the object's key (namespace key "/" id) for an object's,
  // null when one runtime runs everything. The machinery (js/threads.js, its own bytecode) is
  // loaded the first time such a run needs it.
  let home = null;
  let threadsPart = null;
  const threads = () => threadsPart || (threadsPart = N.loadThreads()(N, {
    get home() { return home; },
    get webLoaded() { return webLoaded; },
    get anyReleased() { return anyReleased; },
    get env() { return env; },
    get outputs() { return outputs; },
    get cur() { return cur; },
    set cur(v) { cur = v; },
  }, { DOMException, DurableObjectId, DurableObjectNamespace, Instance, NOT_PRIMITIVE, b64ToBytes, bytesToB64, captureFrames, cloneError, ctorKey, debugState, describe, encPrimitive, held, instances, pendingEvents, performCall, performFetch, performGet, rpcError, rpcPromise, timerKey, timers }));

  // ---------------------------------------------------------------- env and the test runner
  let env = {};
  let mainExports = null;

  function setup(config, limits, runtimeKey) {
    memoryMb = limits ? limits.memoryMb : 0;
    if (runtimeKey !== undefined) home = runtimeKey;
    for (const b of config.bindings) {
      env[b.name] = new DurableObjectNamespace(ctorKey, b.name, b.className, config.workerName + ":" + b.className, b.sqlite);
    }
    Object.assign(env, config.vars || {});
  }

  function location(e, root) {
    const stack = e && typeof e.stack === "string" ? e.stack : "";
    for (const line of stack.split("\n")) {
      const m = /\(?([^\s()]+):(\d+):(\d+)\)?\s*$/.exec(line);
      if (m && m[1].startsWith(root)) return m[1].slice(root.length) + ":" + m[2] + ":" + m[3];
    }
    for (const line of stack.split("\n")) {
      const m = /\(?([^\s()]+):(\d+)\)?\s*$/.exec(line);
      if (m && m[1].startsWith(root)) return m[1].slice(root.length) + ":" + m[2];
    }
    return null;
  }

  const report = { done: false, passed: 0, failed: 0 };
  let stalled = null;
  function failStalled(message) {
    if (!stalled) return false;
    stalled(new Error(message));
    return true;
  }
  async function runTests(mods, root) {
    for (const [, ns] of mods) {
      // workerd's order: the default export, then object exports, then entrypoint classes
      // (each group by name, as a module namespace lists its keys).
      const names = Object.keys(ns);
      const group = (n) => (n === "default" ? 0 : typeof ns[n] === "function" ? 2 : 1);
      names.sort((a, b) => group(a) - group(b) || (a < b ? -1 : a > b ? 1 : 0));
      for (const name of names) {
        const ex = ns[name];
        let handler = null;
        const controller = { scheduledTime: Date.now(), cron: "" };
        const ctx = { waitUntil(p) { Promise.resolve(p).catch(reportUncaught); }, passThroughOnException() {}, props: {} };
        if (ex && typeof ex === "object" && typeof ex.test === "function") handler = () => ex.test(controller, env, ctx);
        else if (typeof ex === "function" && ex.prototype instanceof WorkerEntrypoint && typeof ex.prototype.test === "function") handler = () => new ex(ctx, env).test(controller, env, ctx);
        if (!handler) continue;
        try {
          // A test that waits for something that never comes is failed by the event loop
          // (`failStalled`), and the run goes on with the next test.
          await new Promise((resolve, reject) => {
            stalled = reject;
            Promise.resolve(handler()).then(resolve, reject);
          }).finally(() => { stalled = null; });
          report.passed++;
          N.print(1, "ok " + name);
        } catch (e) {
          report.failed++;
          e = memoryError(e);
          const msg = e instanceof Error ? e.name + ": " + e.message : "Uncaught " + inspect(e, 0, []);
          const at = location(e, root);
          N.print(1, "FAIL " + name + "\n  " + msg + (at ? "\n    at " + at : ""));
        }
      }
    }
    report.done = true;
  }

  // For the debugger (`debugger.rs`): value previews, properties, the object a frame runs in.
  const debugState = { active: false };
  function captureFrames() {
    const out = [];
    for (const line of String(new Error().stack).split("\n")) {
      const m = /^\s*at (.*?) \((.*):(\d+):(\d+)\)$/.exec(line);
      if (m && !m[2].startsWith("<")) out.push({ name: m[1] === "<anonymous>" ? "" : m[1], file: m[2], line: +m[3], column: +m[4] });
    }
    return out;
  }
  const debug = {
    state: debugState,
    inspect: (v) => inspect(v, 1, []),
    properties(o) {
      const out = [];
      for (const k of Reflect.ownKeys(o)) {
        const d = Object.getOwnPropertyDescriptor(o, k);
        if (!d) continue;
        out.push([typeof k === "symbol" ? k.toString() : k, "value" in d ? d.value : undefined, !("value" in d)]);
      }
      const proto = Object.getPrototypeOf(o);
      if (proto !== null && proto !== Object.prototype && proto !== Function.prototype) out.push(["[[Prototype]]", proto, false]);
      return out;
    },
    // [label, storage handle or null, frames of the caller of its latest event or null] for
    // a live Durable Object, else null.
    objectOf(v) {
      if (v === null || typeof v !== "object") return null;
      for (const inst of instances.values()) {
        if (inst.obj === v) return [inst.ns._className + " " + inst.id.toString(), inst.handle, (inst.lastEvent && inst.lastEvent.callerFrames) || null];
      }
      return null;
    },
  };

  globalThis.__dols = {
    debug,
    DurableObject, WorkerEntrypoint, RpcTarget, env,
    setup, runTests, report, nextTimer, runTimer, timerKey, reportUncaught,
    receive: (text) => threads().receive(text), nextEvent: () => threads().nextEvent(), stepStatus: () => threads().stepStatus(), deliver, failCurrent, failStalled, flushOutputs, hostDone,
    setMain(ns) { mainExports = ns; },
  };
  Object.defineProperty(globalThis, "__dols", { enumerable: false });
})();
