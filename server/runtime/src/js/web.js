// The web platform classes of the dols runtime that a run may not need — encoding, base64,
// crypto, URL, the fetch API objects and AbortController — compiled to bytecode of their own
// and evaluated on first use: the prelude defines their globals as accessors that run this
// script (see `loadWeb` in prelude.js). Its value is a function that takes the prelude's
// internals and defines the globals.
(function (N, define, DOMException, bytesToB64, b64ToBytes, host) {
  "use strict";
  // ---------------------------------------------------------------- encoding
  class TextEncoder {
    get encoding() { return "utf-8"; }
    encode(input = "") {
      const s = String(input), out = [];
      for (let i = 0; i < s.length; i++) {
        let c = s.charCodeAt(i);
        if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
          c = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(++i) - 0xdc00);
        } else if (c >= 0xd800 && c < 0xe000) c = 0xfffd;
        if (c < 0x80) out.push(c);
        else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
        else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
        else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      }
      return new Uint8Array(out);
    }
  }
  // The WHATWG labels of the encodings this runtime decodes, by canonical name.
  const ENCODING_LABELS = {
    "utf-8": ["unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "utf-8", "utf8", "x-unicode20utf8"],
    "utf-16le": ["csunicode", "iso-10646-ucs-2", "ucs-2", "unicode", "unicodefeff", "utf-16", "utf-16le"],
    "utf-16be": ["unicodefffe", "utf-16be"],
    "windows-1252": ["ansi_x3.4-1968", "ascii", "cp1252", "cp819", "csisolatin1", "ibm819", "iso-8859-1", "iso-ir-100", "iso8859-1", "iso88591", "iso_8859-1", "iso_8859-1:1987", "l1", "latin1", "us-ascii", "windows-1252", "x-cp1252"],
  };
  const ENCODINGS = new Map();
  for (const name of Object.keys(ENCODING_LABELS)) for (const label of ENCODING_LABELS[name]) ENCODINGS.set(label, name);
  // windows-1252 bytes 0x80–0x9f (the rest are the code point of the same number).
  const CP1252 = [0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178];
  class TextDecoder {
    #encoding; #fatal; #ignoreBOM;
    constructor(label = "utf-8", options = {}) {
      const name = ENCODINGS.get(String(label).replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, "").toLowerCase());
      if (name === undefined) throw new RangeError(`"${label}" is not a valid encoding.`);
      this.#encoding = name;
      this.#fatal = !!options.fatal;
      this.#ignoreBOM = !!options.ignoreBOM;
    }
    get encoding() { return this.#encoding; }
    get fatal() { return this.#fatal; }
    get ignoreBOM() { return this.#ignoreBOM; }
    decode(input) {
      if (input === undefined) return "";
      const b = input instanceof ArrayBuffer ? new Uint8Array(input) : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
      const bad = () => { if (this.#fatal) throw new TypeError("Failed to decode input."); return "\ufffd"; };
      if (this.#encoding === "windows-1252") {
        let s = "";
        for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i] >= 0x80 && b[i] < 0xa0 ? CP1252[b[i] - 0x80] : b[i]);
        return s;
      }
      if (this.#encoding !== "utf-8") return this.#utf16(b, this.#encoding === "utf-16be", bad);
      // The WHATWG UTF-8 decoder: each maximal invalid subpart becomes one U+FFFD.
      let s = "", i = 0;
      if (!this.#ignoreBOM && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) i = 3;
      while (i < b.length) {
        const c = b[i++];
        if (c < 0x80) { s += String.fromCharCode(c); continue; }
        let need, cp, lo = 0x80, hi = 0xbf;
        if (c >= 0xc2 && c <= 0xdf) { need = 1; cp = c & 31; }
        else if (c >= 0xe0 && c <= 0xef) { need = 2; cp = c & 15; if (c === 0xe0) lo = 0xa0; if (c === 0xed) hi = 0x9f; }
        else if (c >= 0xf0 && c <= 0xf4) { need = 3; cp = c & 7; if (c === 0xf0) lo = 0x90; if (c === 0xf4) hi = 0x8f; }
        else { s += bad(); continue; }
        let ok = true;
        for (let k = 0; k < need; k++) {
          const d = b[i];
          if (d === undefined || d < lo || d > hi) { ok = false; break; }
          lo = 0x80; hi = 0xbf;
          cp = (cp << 6) | (d & 63);
          i++;
        }
        if (!ok) { s += bad(); continue; }
        s += String.fromCodePoint(cp);
      }
      return s;
    }
    // UTF-16 in either byte order: unpaired surrogates and an odd last byte become U+FFFD.
    #utf16(b, bigEndian, bad) {
      let s = "", i = 0;
      const unit = (k) => (bigEndian ? (b[k] << 8) | b[k + 1] : b[k] | (b[k + 1] << 8));
      if (!this.#ignoreBOM && b.length >= 2 && unit(0) === 0xfeff) i = 2;
      for (; i + 1 < b.length; i += 2) {
        const u = unit(i);
        if (u >= 0xd800 && u < 0xdc00) {
          const next = i + 3 < b.length ? unit(i + 2) : -1;
          if (next >= 0xdc00 && next < 0xe000) { s += String.fromCharCode(u, next); i += 2; }
          else s += bad();
        } else if (u >= 0xdc00 && u < 0xe000) s += bad();
        else s += String.fromCharCode(u);
      }
      if (i < b.length) s += bad();
      return s;
    }
  }
  define("TextEncoder", TextEncoder);
  define("TextDecoder", TextDecoder);
  define("btoa", (s) => {
    s = String(s);
    if (/[^\u0000-\u00ff]/.test(s)) throw new DOMException("btoa() can only operate on characters in the Latin1 (ISO/IEC 8859-1) range.", "InvalidCharacterError");
    return bytesToB64(Uint8Array.from(s, (c) => c.charCodeAt(0)));
  });
  define("atob", (s) => String.fromCharCode(...b64ToBytes(String(s))));

  // ---------------------------------------------------------------- crypto
  const crypto = {
    getRandomValues(arr) {
      if (!ArrayBuffer.isView(arr) || arr instanceof Float32Array || arr instanceof Float64Array || arr instanceof DataView) throw new DOMException("ArrayBufferView argument to getRandomValues() must be an integer-typed view.", "TypeMismatchError");
      if (arr.byteLength > 65536) throw new DOMException("getRandomValues() only accepts buffers of size <= 64K but provided " + arr.byteLength + " bytes.", "QuotaExceededError");
      new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength).set(new Uint8Array(N.random(arr.byteLength)));
      return arr;
    },
    randomUUID() {
      const b = new Uint8Array(N.random(16));
      b[6] = (b[6] & 0x0f) | 0x40;
      b[8] = (b[8] & 0x3f) | 0x80;
      const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    },
  };
  // Arguments are converted (and the data copied) at the call, whose errors reject at once; the
  // algorithm is looked up and the digest computed a step later, as on the platform.
  const DIGESTS = ["SHA-1", "SHA-256", "SHA-384", "SHA-512", "MD5"];
  crypto.subtle = {
    digest(algorithm, data) {
      let name, bytes;
      try {
        if (arguments.length === 0) throw new TypeError("Failed to execute 'digest' on 'SubtleCrypto': parameter 1 is not of type 'string or HashAlgorithm'.");
        if (algorithm === undefined || algorithm === null) throw new TypeError("Cannot initialize N7workerd3api12SubtleCrypto13HashAlgorithmE with required members from an undefined or null value.");
        name = String(typeof algorithm === "object" || typeof algorithm === "function" ? algorithm.name : algorithm).toUpperCase();
        if (data instanceof ArrayBuffer) bytes = data.slice(0);
        else if (ArrayBuffer.isView(data)) bytes = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
        else throw new TypeError("Failed to execute 'digest' on 'SubtleCrypto': parameter 2 is not of type 'BufferSource'.");
      } catch (e) {
        return Promise.reject(e);
      }
      return Promise.resolve().then(() => {
        if (!DIGESTS.includes(name)) throw new DOMException("Unrecognized or unimplemented digest algorithm requested.", "NotSupportedError");
        return N.digest(name, bytes);
      });
    },
  };
  define("crypto", crypto);

  // ---------------------------------------------------------------- URL
  const DEFAULT_PORTS = { "http:": "80", "https:": "443", "ws:": "80", "wss:": "443", "ftp:": "21" };
  class URLSearchParams {
    #list = [];
    #url = null;
    constructor(init = "") {
      if (typeof init === "string") this.#parse(init);
      else if (init instanceof URLSearchParams) this.#list = [...init];
      else if (init && typeof init[Symbol.iterator] === "function") for (const [k, v] of init) this.#list.push([String(k), String(v)]);
      else if (init && typeof init === "object") for (const k of Object.keys(init)) this.#list.push([k, String(init[k])]);
    }
    #parse(s) {
      this.#list = [];
      if (s.startsWith("?")) s = s.slice(1);
      for (const part of s.split("&")) {
        if (!part) continue;
        const i = part.indexOf("=");
        const dec = (x) => { try { return decodeURIComponent(x.replace(/\+/g, " ")); } catch { return x; } };
        this.#list.push(i < 0 ? [dec(part), ""] : [dec(part.slice(0, i)), dec(part.slice(i + 1))]);
      }
    }
    static _attach(p, url, search) { p.#url = url; p.#parse(search); }
    #update() { if (this.#url) this.#url._setSearchFromParams(this.toString()); }
    get size() { return this.#list.length; }
    append(k, v) { this.#list.push([String(k), String(v)]); this.#update(); }
    delete(k) { this.#list = this.#list.filter(([x]) => x !== String(k)); this.#update(); }
    get(k) { const e = this.#list.find(([x]) => x === String(k)); return e ? e[1] : null; }
    getAll(k) { return this.#list.filter(([x]) => x === String(k)).map(([, v]) => v); }
    has(k) { return this.#list.some(([x]) => x === String(k)); }
    set(k, v) {
      k = String(k);
      const i = this.#list.findIndex(([x]) => x === k);
      if (i < 0) this.#list.push([k, String(v)]);
      else { this.#list[i] = [k, String(v)]; this.#list = this.#list.filter(([x], j) => x !== k || j === i); }
      this.#update();
    }
    sort() { this.#list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)); this.#update(); }
    forEach(fn, thisArg) { for (const [k, v] of this.#list) fn.call(thisArg, v, k, this); }
    keys() { return this.#list.map(([k]) => k)[Symbol.iterator](); }
    values() { return this.#list.map(([, v]) => v)[Symbol.iterator](); }
    entries() { return this.#list.map((e) => [e[0], e[1]])[Symbol.iterator](); }
    [Symbol.iterator]() { return this.entries(); }
    toString() {
      const enc = (s) => encodeURIComponent(s).replace(/%20/g, "+").replace(/[!'()~]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
      return this.#list.map(([k, v]) => enc(k) + "=" + enc(v)).join("&");
    }
  }
  function normalizePath(path) {
    const out = [];
    const segs = path.split("/");
    for (let i = 0; i < segs.length; i++) {
      const s = segs[i];
      if (s === "..") { if (out.length > 1) out.pop(); if (i === segs.length - 1) out.push(""); }
      else if (s === ".") { if (i === segs.length - 1) out.push(""); }
      else out.push(s);
    }
    let p = out.join("/");
    if (!p.startsWith("/")) p = "/" + p;
    return p;
  }
  class URL {
    #p;
    #params;
    constructor(input, base) {
      const s = String(input).trim();
      const parsed = URL.#parse(s, base === undefined ? undefined : String(base));
      if (!parsed) throw new TypeError("Invalid URL string.");
      this.#p = parsed;
      this.#params = new URLSearchParams();
      URLSearchParams._attach(this.#params, this, this.#p.search);
    }
    static canParse(input, base) { try { new URL(input, base); return true; } catch { return false; } }
    static parse(input, base) { try { return new URL(input, base); } catch { return null; } }
    static #parse(s, base) {
      const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$/s.exec(s);
      if (m) {
        const protocol = m[1].toLowerCase() + ":";
        let rest = m[2];
        const special = protocol in DEFAULT_PORTS || protocol === "file:";
        if (!special) {
          const hashAt = rest.indexOf("#"), h = hashAt < 0 ? "" : rest.slice(hashAt); if (hashAt >= 0) rest = rest.slice(0, hashAt);
          const qAt = rest.indexOf("?"), q = qAt < 0 ? "" : rest.slice(qAt); if (qAt >= 0) rest = rest.slice(0, qAt);
          return { protocol, username: "", password: "", hostname: "", port: "", pathname: rest, search: q === "?" ? "" : q, hash: h === "#" ? "" : h, opaque: true };
        }
        rest = rest.replace(/\\/g, "/");
        // file: URLs take an authority only after exactly "//" (file:///p has an empty host).
        if (protocol === "file:") rest = rest.startsWith("//") ? rest.slice(2) : "/" + rest.replace(/^\/*/, "");
        else rest = rest.replace(/^\/*/, "");
        const end = rest.search(/[/?#]/);
        const authority = end < 0 ? rest : rest.slice(0, end);
        const tail = end < 0 ? "" : rest.slice(end);
        const at = authority.lastIndexOf("@");
        const userinfo = at < 0 ? "" : authority.slice(0, at);
        const hostport = at < 0 ? authority : authority.slice(at + 1);
        const pm = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(hostport);
        if (!pm) return null;
        const hostname = pm[1].toLowerCase();
        if (!hostname && protocol !== "file:") return null;
        if (/[\s<>^|%]/.test(hostname)) return null;
        let port = pm[2] || "";
        if (port && Number(port) > 65535) return null;
        if (port) port = String(Number(port));
        if (DEFAULT_PORTS[protocol] === port) port = "";
        const [username = "", password = ""] = userinfo ? userinfo.split(":") : [];
        return URL.#tail({ protocol, username, password, hostname, port }, tail);
      }
      if (base === undefined) return null;
      const b = URL.#parse(base);
      if (!b || b.opaque) return null;
      const r = { protocol: b.protocol, username: b.username, password: b.password, hostname: b.hostname, port: b.port };
      if (s.startsWith("//")) return URL.#parse(b.protocol + s);
      if (s.startsWith("/") || s.startsWith("\\")) return URL.#tail(r, s);
      if (s.startsWith("?")) return URL.#tail(r, b.pathname + s);
      if (s.startsWith("#")) return URL.#tail(r, b.pathname + b.search + s);
      if (s === "") return URL.#tail(r, b.pathname + b.search);
      const dir = b.pathname.slice(0, b.pathname.lastIndexOf("/") + 1);
      return URL.#tail(r, dir + s);
    }
    static #tail(r, tail) {
      tail = tail.replace(/\\/g, "/");
      const hashAt = tail.indexOf("#");
      const hash = hashAt < 0 ? "" : tail.slice(hashAt);
      if (hashAt >= 0) tail = tail.slice(0, hashAt);
      const qAt = tail.indexOf("?");
      const search = qAt < 0 ? "" : tail.slice(qAt);
      const path = qAt < 0 ? tail : tail.slice(0, qAt);
      const enc = (x) => x.replace(/[\u0000-\u0020"<>`{}\u007f-\uffff]/g, (c) => encodeURIComponent(c));
      r.pathname = enc(normalizePath(path || "/"));
      r.search = search === "?" ? "" : search.replace(/[\u0000-\u0020"<>\u007f-\uffff]/g, (c) => encodeURIComponent(c));
      r.hash = hash === "#" ? "" : hash.replace(/[\u0000-\u0020"<>`\u007f-\uffff]/g, (c) => encodeURIComponent(c));
      return r;
    }
    _setSearchFromParams(s) { this.#p.search = s ? "?" + s : ""; }
    get protocol() { return this.#p.protocol; }
    get username() { return this.#p.username; }
    get password() { return this.#p.password; }
    get hostname() { return this.#p.hostname; }
    get port() { return this.#p.port; }
    get host() { return this.#p.hostname + (this.#p.port ? ":" + this.#p.port : ""); }
    get origin() { return this.#p.opaque || this.#p.protocol === "file:" ? "null" : this.#p.protocol + "//" + this.host; }
    get pathname() { return this.#p.pathname; }
    set pathname(v) { if (!this.#p.opaque) this.#p.pathname = normalizePath(String(v)); }
    get search() { return this.#p.search; }
    set search(v) { v = String(v); this.#p.search = v === "" || v === "?" ? "" : v.startsWith("?") ? v : "?" + v; URLSearchParams._attach(this.#params, this, this.#p.search); }
    get hash() { return this.#p.hash; }
    set hash(v) { v = String(v); this.#p.hash = v === "" || v === "#" ? "" : v.startsWith("#") ? v : "#" + v; }
    get searchParams() { return this.#params; }
    get href() {
      const p = this.#p;
      if (p.opaque) return p.protocol + p.pathname + p.search + p.hash;
      const user = p.username ? p.username + (p.password ? ":" + p.password : "") + "@" : "";
      return p.protocol + "//" + user + this.host + p.pathname + p.search + p.hash;
    }
    toString() { return this.href; }
    toJSON() { return this.href; }
  }
  define("URL", URL);
  define("URLSearchParams", URLSearchParams);

  // ---------------------------------------------------------------- fetch API objects
  const validName = (n) => /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(n);
  class Headers {
    // lower-case name -> list of values (set-cookie values stay separate; others are joined).
    #map = new Map();
    constructor(init) {
      if (init instanceof Headers) for (const [k, v] of init) this.append(k, v);
      else if (Array.isArray(init) || (init && typeof init[Symbol.iterator] === "function")) for (const pair of init) {
        const [k, v, ...more] = pair;
        if (more.length || pair.length !== 2) throw new TypeError("To initialize a Headers object from a sequence, each inner sequence must have exactly two elements.");
        this.append(k, v);
      }
      else if (init && typeof init === "object") for (const k of Object.keys(init)) this.append(k, init[k]);
    }
    #name(n, lookup) { n = String(n); if (!(lookup && n === "") && !validName(n)) throw new TypeError(`Invalid header name.`); return n.toLowerCase(); }
    #value(v) { v = String(v).replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, ""); if (/[\0\r\n]/.test(v)) throw new TypeError("Invalid header value."); return v; }
    append(k, v) { k = this.#name(k); v = this.#value(v); const cur = this.#map.get(k); if (cur) cur.push(v); else this.#map.set(k, [v]); }
    set(k, v) { this.#map.set(this.#name(k), [this.#value(v)]); }
    get(k) { const v = this.#map.get(this.#name(k, true)); return v === undefined ? null : v.join(", "); }
    has(k) { return this.#map.has(this.#name(k, true)); }
    delete(k) { this.#map.delete(this.#name(k)); }
    getSetCookie() { const v = this.#map.get("set-cookie"); return v === undefined ? [] : v.slice(); }
    forEach(fn, thisArg) { for (const [k, v] of this) fn.call(thisArg, v, k, this); }
    *entries() {
      for (const k of [...this.#map.keys()].sort()) {
        if (k === "set-cookie") for (const v of this.#map.get(k)) yield [k, v];
        else yield [k, this.#map.get(k).join(", ")];
      }
    }
    *keys() { for (const [k] of this.entries()) yield k; }
    *values() { for (const [, v] of this.entries()) yield v; }
    [Symbol.iterator]() { return this.entries(); }
  }
  define("Headers", Headers);

  function bodyBytes(body) {
    if (body === null || body === undefined) return { bytes: null, type: null };
    if (typeof body === "string") return { bytes: new TextEncoder().encode(body), type: "text/plain;charset=UTF-8" };
    if (body instanceof ArrayBuffer) return { bytes: new Uint8Array(body.slice(0)), type: null };
    if (ArrayBuffer.isView(body)) return { bytes: new Uint8Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength)), type: null };
    if (body instanceof URLSearchParams) return { bytes: new TextEncoder().encode(body.toString()), type: "application/x-www-form-urlencoded;charset=UTF-8" };
    return { bytes: new TextEncoder().encode(String(body)), type: "text/plain;charset=UTF-8" };
  }
  class Body {
    #bytes; #used = false;
    _initBody(body, headers) {
      const { bytes, type } = bodyBytes(body);
      this.#bytes = bytes;
      if (type && !headers.has("content-type")) headers.set("content-type", type);
    }
    _bytes() { return this.#bytes; }
    _setBytes(bytes) { this.#bytes = bytes; }
    // Hands the body over to a new Request built from this one.
    _transfer() {
      if (this.#used) throw new TypeError("Cannot reconstruct a Request with a used body.");
      if (this.#bytes !== null) this.#used = true;
      return this.#bytes;
    }
    get body() { return this.#bytes === null ? null : { locked: this.#used }; }
    get bodyUsed() { return this.#used; }
    #take() {
      if (this.#used) return Promise.reject(new TypeError("Body has already been used. It can only be used once. Use tee() first if you need to read it twice."));
      this.#used = this.#bytes !== null;
      return Promise.resolve(this.#bytes || new Uint8Array(0));
    }
    arrayBuffer() { return this.#take().then((b) => b.slice().buffer); }
    bytes() { return this.#take().then((b) => b.slice()); }
    text() { return this.#take().then((b) => new TextDecoder().decode(b)); }
    json() { return this.text().then((t) => JSON.parse(t)); }
  }
  const METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"];
  const REDIRECT_MODES = ["follow", "manual"];
  class Request extends Body {
    #url; #method; #headers; #signal; #redirect;
    constructor(input, init = {}) {
      super();
      const from = input instanceof Request ? input : null;
      const url = from ? from.url : String(input instanceof URL ? input.href : input);
      let parsed;
      try { parsed = new URL(url); } catch { throw new TypeError("Invalid URL: " + url); }
      this.#url = parsed.href;
      let method = init.method !== undefined ? String(init.method) : from ? from.method : "GET";
      if (METHODS.includes(method.toUpperCase())) method = method.toUpperCase();
      this.#method = method;
      this.#headers = new Headers(init.headers !== undefined ? init.headers : from ? from.headers : undefined);
      this.#signal = init.signal || (from && init.signal === undefined ? from.signal : null);
      const redirect = init.redirect !== undefined ? String(init.redirect) : from ? from.redirect : "follow";
      if (!REDIRECT_MODES.includes(redirect)) throw new TypeError(`Invalid redirect value, must be one of "follow" or "manual" ("error" won't be implemented since it does not make sense at the edge; use "manual" and check the response status code).`);
      this.#redirect = redirect;
      const body = init.body !== undefined ? init.body : from ? from._transfer() : null;
      if (body !== null && body !== undefined && (method === "GET" || method === "HEAD")) throw new TypeError("Request with a GET or HEAD method cannot have a body.");
      this._initBody(body, this.#headers);
    }
    get url() { return this.#url; }
    get method() { return this.#method; }
    get headers() { return this.#headers; }
    get signal() { return this.#signal; }
    get redirect() { return this.#redirect; }
    clone() {
      if (this.bodyUsed) throw new TypeError("Body has already been used. It can only be used once. Use tee() first if you need to read it twice.");
      const b = this._bytes();
      return new Request(this.#url, { method: this.#method, headers: this.#headers, body: b === null ? null : b.slice(), signal: this.#signal, redirect: this.#redirect });
    }
  }
  class Response extends Body {
    #status; #statusText; #headers; #type = "default"; #url = ""; #redirected = false;
    constructor(body = null, init = {}) {
      super();
      const status = init.status === undefined ? 200 : Number(init.status);
      if (!(status >= 200 && status <= 599) && status !== 101) throw new RangeError(`Responses may only be constructed with status codes in the range 200 to 599, inclusive.`);
      this.#status = status;
      this.#statusText = init.statusText === undefined ? "" : String(init.statusText);
      this.#headers = new Headers(init.headers);
      if (body !== null && body !== undefined && (status === 204 || status === 205 || status === 304)) throw new TypeError("Response with null body status (101, 204, 205, or 304) cannot have a body.");
      this._initBody(body, this.#headers);
    }
    static json(data, init = {}) {
      const text = String(JSON.stringify(data));
      const headers = new Headers(init.headers);
      if (!headers.has("content-type")) headers.set("content-type", "application/json");
      return new Response(text, { ...init, headers });
    }
    static redirect(url, status = 302) {
      if (![301, 302, 303, 307, 308].includes(status)) throw new RangeError(`${status} is not a redirect status code. It must be one of: 301, 302, 303, 307, or 308.`);
      return new Response(null, { status, headers: { location: new URL(url).href } });
    }
    static error() { const r = new Response(null, { status: 200 }); r.#status = 0; r.#type = "error"; return r; }
    // The response of an outbound fetch, from what the engine received: `raw` has the status,
    // the status text, the header pairs and the body's bytes.
    static _fetched(raw, url, redirected, nullBody) {
      const r = new Response(null, { status: 200 });
      r.#status = raw.status;
      r.#statusText = raw.statusText;
      r.#headers = new Headers(raw.headers);
      r.#url = url;
      r.#redirected = redirected;
      r._setBytes(nullBody || NULL_BODY_STATUSES.includes(raw.status) ? null : new Uint8Array(raw.body));
      return r;
    }
    get status() { return this.#status; }
    get statusText() { return this.#statusText; }
    get ok() { return this.#status >= 200 && this.#status < 300; }
    get headers() { return this.#headers; }
    get type() { return this.#type; }
    get url() { return this.#url; }
    get redirected() { return this.#redirected; }
    clone() {
      const c = new Response(null, { status: 200 });
      c.#status = this.#status; c.#statusText = this.#statusText; c.#headers = new Headers(this.#headers);
      c.#type = this.#type; c.#url = this.#url; c.#redirected = this.#redirected;
      const b = this._bytes();
      c._setBytes(b === null ? null : b.slice());
      return c;
    }
  }
  const NULL_BODY_STATUSES = [101, 204, 205, 304];
  define("Request", Request);
  define("Response", Response);

  // ---------------------------------------------------------------- fetch
  // An outbound request is refused unless its host is allowed (the engine checks, and its
  // refusal says how to allow it). An allowed one is sent by the engine on a worker thread once
  // the turn's writes are committed, and its response arrives as a macrotask of its own, so
  // the object's input gate is open meanwhile (other events may run), as for any I/O that is
  // not storage. Redirects are followed here, each hop checked again.
  const REDIRECT_STATUSES = [301, 302, 303, 307, 308];
  const BODY_HEADERS = ["content-encoding", "content-language", "content-location", "content-type", "content-length"];
  const MAX_REDIRECTS = 20;
  const httpScheme = (u) => u.protocol === "http:" || u.protocol === "https:";
  function fetch(input, init) {
    let req;
    try { req = new Request(input, init); } catch (e) { return Promise.reject(e); }
    const target = new URL(req.url);
    target.hash = "";
    if (target.protocol === "data:") return fetchData(req, target);
    if (!httpScheme(target)) return Promise.reject(new TypeError("Fetch API cannot load: " + req.url));
    const signal = req.signal;
    if (signal && signal.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      let url = target.href, method = req.method, body = req._bytes(), hops = 0, id = null, done = false;
      const headers = new Headers(req.headers);
      const finish = () => { done = true; if (signal) signal.removeEventListener("abort", onAbort); };
      const fail = (e) => { if (!done) { finish(); reject(e); } };
      // An abort rejects at once with the signal's reason; the request's result is dropped.
      function onAbort() {
        if (id !== null) { N.fetchCancel(id); host.forget(id); id = null; }
        fail(signal.reason);
      }
      if (signal) signal.addEventListener("abort", onAbort);
      const send = () => {
        const bytes = body === null ? null : body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength);
        const r = N.fetchStart(url, method, [...headers], bytes);
        if (typeof r === "string") { fail(new Error(r)); return; }
        id = r;
        host.wait(r).then(received, (message) => { id = null; fail(new Error(message)); });
      };
      const received = (raw) => {
        id = null;
        if (done) return;
        const location = raw.headers.find(([k]) => k === "location");
        if (req.redirect === "follow" && REDIRECT_STATUSES.includes(raw.status) && location) {
          let next;
          try { next = new URL(location[1], url); } catch { fail(new TypeError(`fetch() of ${url} failed: the redirect's location ${location[1]} is not a URL.`)); return; }
          if (!httpScheme(next)) { fail(new TypeError("Fetch API cannot load: " + next.href)); return; }
          if (++hops > MAX_REDIRECTS) { fail(new Error(`fetch() of ${req.url} failed: more than ${MAX_REDIRECTS} redirects.`)); return; }
          // The fetch standard's rules: 301 and 302 turn a POST into a GET, 303 turns anything
          // but GET and HEAD into a GET, each without its body; another origin does not get
          // the credentials.
          if (((raw.status === 301 || raw.status === 302) && method === "POST") || (raw.status === 303 && method !== "GET" && method !== "HEAD")) {
            method = "GET";
            body = null;
            for (const h of BODY_HEADERS) headers.delete(h);
          }
          if (new URL(url).origin !== next.origin) headers.delete("authorization");
          next.hash = "";
          url = next.href;
          send();
          return;
        }
        finish();
        resolve(Response._fetched(raw, url, hops > 0, method === "HEAD"));
      };
      send();
    });
  }
  // A `data:` URL is answered here, without the network (and is never refused).
  function fetchData(req, url) {
    const text = url.href.slice(5);
    const comma = text.indexOf(",");
    if (comma < 0) return Promise.reject(new TypeError("Fetch API cannot load: " + req.url));
    let type = text.slice(0, comma).trim();
    const base64 = /;[\t\n\f\r ]*base64$/i.test(type);
    if (base64) type = type.replace(/;[\t\n\f\r ]*base64$/i, "");
    const raw = text.slice(comma + 1);
    let bytes = [];
    for (let i = 0; i < raw.length; i++) {
      if (raw[i] === "%" && /^[0-9a-fA-F]{2}$/.test(raw.slice(i + 1, i + 3))) { bytes.push(parseInt(raw.slice(i + 1, i + 3), 16)); i += 2; }
      else bytes.push(...new TextEncoder().encode(raw[i]));
    }
    if (base64) {
      try { bytes = b64ToBytes(String.fromCharCode(...bytes)); } catch { return Promise.reject(new TypeError("Fetch API cannot load: " + req.url)); }
    }
    if (type === "" || type.startsWith(";")) type = "text/plain" + (type || ";charset=US-ASCII");
    // As workerd answers it: no URL on the response, and a body only for a GET.
    const res = Response._fetched({ status: 200, statusText: "OK", headers: [["content-type", type]], body: new Uint8Array(bytes).buffer }, "", false, req.method !== "GET");
    return Promise.resolve(res);
  }
  define("fetch", fetch);

  const signalKey = Symbol("signal");
  class AbortSignal {
    #aborted = false; #reason; #listeners = [];
    constructor(key) { if (key !== signalKey) throw new TypeError("Illegal constructor"); }
    get aborted() { return this.#aborted; }
    get reason() { return this.#reason; }
    throwIfAborted() { if (this.#aborted) throw this.#reason; }
    addEventListener(type, fn) { if (type === "abort") this.#listeners.push(fn); }
    removeEventListener(type, fn) { this.#listeners = this.#listeners.filter((f) => f !== fn); }
    _abort(reason) {
      if (this.#aborted) return;
      this.#aborted = true;
      this.#reason = reason === undefined ? new DOMException("The operation was aborted", "AbortError") : reason;
      for (const fn of this.#listeners) fn.call(this, { type: "abort", target: this });
      if (typeof this.onabort === "function") this.onabort({ type: "abort", target: this });
    }
    static abort(reason) { const s = new AbortSignal(signalKey); s._abort(reason); return s; }
    static timeout(ms) {
      const s = new AbortSignal(signalKey);
      setTimeout(() => s._abort(new DOMException("The operation was aborted due to timeout", "TimeoutError")), ms);
      return s;
    }
    // Aborted when the first of `signals` is, with its reason.
    static any(signals) {
      if (signals === null || typeof signals !== "object" || typeof signals[Symbol.iterator] !== "function") throw new TypeError("Failed to execute 'any' on 'AbortSignal': parameter 1 is not of type 'Array'.");
      signals = [...signals];
      signals.forEach((x, i) => { if (!(x instanceof AbortSignal)) throw new TypeError(`Incorrect type for array element ${i}: the provided value is not of type 'AbortSignal'.`); });
      const s = new AbortSignal(signalKey);
      for (const x of signals) if (x.aborted) { s._abort(x.reason); return s; }
      for (const x of signals) x.addEventListener("abort", () => s._abort(x.reason));
      return s;
    }
  }
  class AbortController {
    #signal = new AbortSignal(signalKey);
    get signal() { return this.#signal; }
    abort(reason) { this.#signal._abort(reason); }
  }
  define("AbortSignal", AbortSignal);
  define("AbortController", AbortController);
})
