// The key-value storage API of the dols runtime — the synchronous `storage.kv` (SyncKvStorage),
// the asynchronous `storage.get`/`put`/`delete`/`list`, and the serialisation of stored values —
// compiled to bytecode of its own and evaluated the first time one of them is used (see `kvApi`
// in prelude.js), so that a run that stores only with SQL does not read it. Its value is a
// function that takes the prelude's natives and internals and returns the API.
(function (N, k) {
  "use strict";
  const { DOMException, describe, encPrimitive, NOT_PRIMITIVE, cloneError, bytesToB64, b64ToBytes, ctorKey } = k;
  function ser(v) {
    const enc = (v) => {
      const p = encPrimitive(v);
      if (p !== NOT_PRIMITIVE) return p;
      if (typeof v === "function" || typeof v === "symbol") throw new DOMException(describe(v) + " could not be cloned.", "DataCloneError");
      if (Array.isArray(v)) return { a: v.map(enc) };
      if (v instanceof Date) return { d: v.getTime() };
      if (v instanceof RegExp) return { r: [v.source, v.flags] };
      if (v instanceof Map) return { m: [...v].map(([k, x]) => [enc(k), enc(x)]) };
      if (v instanceof Set) return { s: [...v].map(enc) };
      if (v instanceof ArrayBuffer) return { ab: bytesToB64(new Uint8Array(v)) };
      if (ArrayBuffer.isView(v)) return { v: v.constructor.name, ab: bytesToB64(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) };
      if (v instanceof Error) return { e: [v.name, v.message] };
      const o = {};
      for (const k of Object.keys(v)) o[k] = enc(v[k]);
      return { o };
    };
    return JSON.stringify(enc(v));
  }
  function de(text) {
    const dec = (x) => {
      if (x === null || typeof x !== "object") return x;
      if ("u" in x) return undefined;
      if ("n" in x) return Number(x.n);
      if ("b" in x) return BigInt(x.b);
      if ("a" in x) return x.a.map(dec);
      if ("d" in x) return new Date(x.d);
      if ("r" in x) return new RegExp(x.r[0], x.r[1]);
      if ("m" in x) return new Map(x.m.map(([k, v]) => [dec(k), dec(v)]));
      if ("s" in x) return new Set(x.s.map(dec));
      if ("ab" in x) { const b = b64ToBytes(x.ab).buffer; return x.v ? (x.v === "DataView" ? new DataView(b) : new globalThis[x.v](b)) : b; }
      if ("e" in x) return cloneError({ name: x.e[0], message: x.e[1] });
      const o = {};
      for (const k of Object.keys(x.o)) o[k] = dec(x.o[k]);
      return o;
    };
    return dec(JSON.parse(text));
  }

  class SyncKvStorage {
    #h;
    constructor(key, h) { if (key !== ctorKey) throw new TypeError("Illegal constructor"); this.#h = h; }
    get(key) { const v = N.kvGet(this.#h(), kvKey("get", key)); return v === undefined ? undefined : de(v); }
    put(key, value) {
      key = kvKey("put", key);
      if (arguments.length < 2) throw new TypeError("Failed to execute 'put' on 'SyncKvStorage': parameter 2 is not of type 'Value'.");
      N.kvPut(this.#h(), key, ser(value));
    }
    delete(key) { return N.kvDelete(this.#h(), kvKey("delete", key)); }
    #listGeneration = 0;
    list(options) {
      options = listOptions(options, "SyncKvStorage");
      if (options.limit !== undefined && !(options.limit > 0)) throw new TypeError("List limit must be positive.");
      const rows = N.kvList(this.#h(), listOpts(options));
      // Only one list iterator may be live: starting another invalidates this one.
      const generation = ++this.#listGeneration;
      const storage = this;
      let i = 0;
      return {
        next() {
          if (storage.#listGeneration !== generation) throw new Error("kv.list() iterator was invalidated because a new call to kv.list() was started. Only one kv.list() iterator can exist at a time.");
          return i < rows.length ? { done: false, value: [rows[i][0], de(rows[i++][1])] } : { done: true, value: undefined };
        },
        [Symbol.iterator]() { return this; },
        [Symbol.toStringTag]: "ListIterator",
      };
    }
  }
  // Argument checks with the platform's texts: a missing key is refused, others become strings.
  function kvKey(method, key) {
    if (key === undefined) throw new TypeError(`Failed to execute '${method}' on 'SyncKvStorage': parameter 1 is not of type 'string'.`);
    return String(key);
  }
  function storageKeys(method, keys) {
    if (keys === undefined) throw new TypeError(`Failed to execute '${method}' on 'DurableObjectStorage': parameter 1 is not of type 'string or Array'.`);
    return Array.isArray(keys) ? keys.map(String) : String(keys);
  }
  function listOptions(o, on) {
    if (o === undefined || o === null) return {};
    if (typeof o !== "object" && typeof o !== "function") throw new TypeError(`Failed to execute 'list' on '${on}': parameter 1 is not of type 'ListOptions'.`);
    if (o.start !== undefined && o.startAfter !== undefined) throw new TypeError("list() cannot be called with both start and startAfter values.");
    return o;
  }
  function listOpts(o) {
    const s = (x) => (x === undefined ? undefined : String(x));
    return { start: s(o.start), startAfter: s(o.startAfter), end: s(o.end), prefix: s(o.prefix), reverse: !!o.reverse, limit: o.limit === undefined ? undefined : Math.floor(o.limit) };
  }
  // The asynchronous methods of DurableObjectStorage, given its handle function `h` (it opens the
  // object's database on first use).
  function get(h, keys) {
    keys = storageKeys("get", keys);
    if (Array.isArray(keys)) {
      const m = new Map();
      for (const k of keys) { const v = N.kvGet(h(), k); if (v !== undefined) m.set(k, de(v)); }
      return new Map([...m].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
    }
    const v = N.kvGet(h(), keys);
    return v === undefined ? undefined : de(v);
  }
  function put(h, key, value) {
    if (key === undefined) throw new TypeError("Failed to execute 'put' on 'DurableObjectStorage': parameter 1 is not of type 'string or object'.");
    if (key !== null && typeof key === "object" && !Array.isArray(key)) {
      const entries = Object.keys(key).filter((k) => key[k] !== undefined).map((k) => [k, ser(key[k])]);
      for (const [k, v] of entries) N.kvPut(h(), k, v);
      return;
    }
    if (value === undefined) throw new TypeError("put() called with undefined value.");
    N.kvPut(h(), String(key), ser(value));
  }
  function remove(h, keys) {
    keys = storageKeys("delete", keys);
    if (Array.isArray(keys)) { let n = 0; for (const k of keys) if (N.kvDelete(h(), k)) n++; return n; }
    return N.kvDelete(h(), keys);
  }
  function list(h, options) {
    options = listOptions(options, "DurableObjectStorage");
    if (options.limit !== undefined && !(options.limit > 0)) throw new TypeError("List limit must be positive.");
    return new Map(N.kvList(h(), listOpts(options)).map(([k, v]) => [k, de(v)]));
  }
  return { SyncKvStorage, get, put, delete: remove, list };
})
