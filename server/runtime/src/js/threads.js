// The machinery of objects on threads of their own (`dols test --object-threads`): messages
// between runtimes in a wire form, functions and objects of other runtimes, and the receipt of
// events and answers. Compiled to bytecode of its own and evaluated the first time a run with
// objects on threads needs it (see `threads` in prelude.js), so that the usual run does not read
// it. Its value is a function that takes the prelude's natives, its shared state `S` (accessors
// for the variables the prelude reassigns) and its internals, and returns what the prelude calls.
(function (N, S, k) {
  "use strict";
  const { DOMException, DurableObjectId, DurableObjectNamespace, Instance, NOT_PRIMITIVE, b64ToBytes, bytesToB64, captureFrames, cloneError, ctorKey, debugState, describe, encPrimitive, held, instances, pendingEvents, performCall, performFetch, performGet, rpcError, rpcPromise, timerKey, timers } = k;
  // With objects on threads of their own (the engine's threaded run), each live object has a
  // runtime of its own and the worker's code (the tests) runs in the main runtime. `home` names
  // the runtime: "" for the main one, the object's key (namespace key "/" id) for an object's,
  // null when one runtime runs everything. Events, their results and calls of functions and
  // RpcTargets passed by reference cross between runtimes as messages: JSON texts of the wire
  // form below, which keeps what the structured clone keeps (cycles and shared references,
  // holes, -0, NaN, BigInt, dates, regular expressions, buffers and views, maps, sets, errors
  // with their own properties, boxed primitives) and passes functions as references.
  const exported = new Map();
  let exportSeq = 0;
  const calls = new Map();
  let callSeq = 0;
  function wireOut(value) {
    const memo = new Map();
    let n = 0;
    const enc = (v) => {
      const p = encPrimitive(v);
      if (p !== NOT_PRIMITIVE) return p;
      if (typeof v === "symbol") throw new DOMException(describe(v) + " could not be cloned.", "DataCloneError");
      if (typeof v === "function") { const id = ++exportSeq; exported.set(id, v); return { f: id, rt: S.home }; }
      if (memo.has(v)) return { ref: memo.get(v) };
      const i = n++;
      memo.set(v, i);
      if (Array.isArray(v)) { const a = []; for (let k = 0; k < v.length; k++) a.push(k in v ? enc(v[k]) : { h: 1 }); return { i, a }; }
      if (v instanceof Date) return { i, d: v.getTime() };
      if (v instanceof RegExp) return { i, r: [v.source, v.flags] };
      if (v instanceof ArrayBuffer) return { i, ab: bytesToB64(new Uint8Array(v)) };
      if (ArrayBuffer.isView(v)) return { i, view: v instanceof DataView ? "DataView" : v.constructor.name, buf: enc(v.buffer), off: v.byteOffset, len: v instanceof DataView ? v.byteLength : v.length };
      if (v instanceof Map) { const m = []; for (const [k, x] of v) m.push([enc(k), enc(x)]); return { i, m }; }
      if (v instanceof Set) { const st = []; for (const x of v) st.push(enc(x)); return { i, s: st }; }
      if (v instanceof Error) {
        const p = {};
        for (const k of Object.keys(v)) if (k !== "stack" && k !== "message" && k !== "name") p[k] = enc(v[k]);
        return { i, e: [v.name, v.message, typeof v.stack === "string" ? v.stack : null, v instanceof DOMException], p };
      }
      if (v instanceof Boolean || v instanceof Number || v instanceof String) return { i, box: enc(v.valueOf()) };
      if (S.webLoaded && v instanceof Request) return { i, req: [v.url, v.method, [...v.headers], enc(v._bytes())] };
      if (S.webLoaded && v instanceof Response) return { i, res: [v.status, v.statusText, [...v.headers], enc(v._bytes())] };
      const o = {};
      for (const k of Object.keys(v)) o[k] = enc(v[k]);
      return { i, o };
    };
    return enc(value);
  }
  function wireIn(x) {
    const refs = [];
    const dec = (x) => {
      if (x === null || typeof x !== "object") return x;
      if ("ref" in x) return refs[x.ref];
      if ("u" in x) return undefined;
      if ("n" in x) return Number(x.n);
      if ("b" in x) return BigInt(x.b);
      if ("f" in x) return remoteFunction(x.rt, x.f);
      let out;
      if ("a" in x) { out = new Array(x.a.length); refs[x.i] = out; for (let k = 0; k < x.a.length; k++) { const e = x.a[k]; if (!(e !== null && typeof e === "object" && e.h)) out[k] = dec(e); } return out; }
      if ("d" in x) out = new Date(x.d);
      else if ("r" in x) out = new RegExp(x.r[0], x.r[1]);
      else if ("ab" in x) out = b64ToBytes(x.ab).buffer;
      else if ("view" in x) { const b = dec(x.buf); out = x.view === "DataView" ? new DataView(b, x.off, x.len) : new globalThis[x.view](b, x.off, x.len); }
      else if ("m" in x) { out = new Map(); refs[x.i] = out; for (const [k, v] of x.m) out.set(dec(k), dec(v)); return out; }
      else if ("s" in x) { out = new Set(); refs[x.i] = out; for (const v of x.s) out.add(dec(v)); return out; }
      else if ("e" in x) {
        const [name, message, stack, dom] = x.e;
        out = dom ? new DOMException(message, name) : cloneError({ name, message, stack });
        if (stack !== null) Object.defineProperty(out, "stack", { value: stack, configurable: true, writable: true });
        refs[x.i] = out;
        for (const k of Object.keys(x.p)) out[k] = dec(x.p[k]);
        return out;
      }
      else if ("box" in x) out = Object(dec(x.box));
      else if ("req" in x) { const [url, method, headers, body] = x.req; out = new Request(url, { method, headers, body: dec(body) }); }
      else if ("res" in x) { const [status, statusText, headers, body] = x.res; out = new Response(dec(body), { status, statusText, headers }); }
      else { out = {}; refs[x.i] = out; for (const k of Object.keys(x.o)) out[k] = dec(x.o[k]); return out; }
      refs[x.i] = out;
      return out;
    };
    return dec(x);
  }
  // Sends a message that expects an answer; the answer settles the promise as an event's result
  // does (through the output gate's list, held while the caller's object is held).
  function request(to, msg, caller) {
    return new Promise((resolve, reject) => {
      const call = ++callSeq;
      calls.set(call, { caller, resolve, reject });
      msg.call = call;
      msg.from = S.home;
      N.post(to, JSON.stringify(msg));
    });
  }
  // When the last reference to a function of another runtime is gone, that runtime may forget
  // the function.
  const remoteRegistry = new FinalizationRegistry(({ rt, id }) => N.post(rt, JSON.stringify({ t: "drop", id })));
  // A function (or RpcTarget stub) of another runtime: calling it, calling a method of it or
  // awaiting one of its properties asks that runtime.
  function remoteFunction(rt, id) {
    const send = (kind, prop, args) => {
      let wired;
      try { wired = wireOut(args); } catch (e) { return rpcPromise(Promise.reject(e)); }
      return rpcPromise(request(rt, { t: "ref", id, kind, prop, args: wired }, S.cur));
    };
    const proxy = new Proxy(function () {}, {
      apply(_, __, args) { return send("call", null, args); },
      get(_, prop) {
        if (typeof prop === "symbol" || prop === "then") return undefined;
        const c = (...args) => send("call", prop, args);
        c.then = (a, b) => send("get", prop, []).then(a, b);
        return c;
      },
    });
    remoteRegistry.register(proxy, { rt, id });
    return proxy;
  }
  // An object that lives in another runtime, as stubs see it.
  const remotes = new Map();
  function remoteInstance(key) {
    let r = remotes.get(key);
    if (r) return r;
    r = {
      get generation() { return N.objectGeneration(key); },
      breaks: { get(g) { const t = N.objectBreak(key, g); return t === undefined ? undefined : wireIn(JSON.parse(t)); } },
      run(_fn, desc) {
        const frames = debugState.active ? captureFrames() : null;
        let msg;
        try {
          msg = { t: "ev", kind: desc.kind, prop: desc.prop, gen: desc.gen, name: desc.name, at: Date.now(), seq: N.seq(), frames };
          if (desc.kind === "call") msg.args = wireOut(desc.args);
          if (desc.kind === "fetch") msg.args = wireOut(desc.req);
        } catch (e) { return Promise.reject(e); }
        return request(key, msg, S.cur);
      },
    };
    remotes.set(key, r);
    return r;
  }
  // Answers a message's request through the output gate (after the turn's commit).
  function answer(msg, ok, v) {
    let wired;
    try { wired = wireOut(ok ? v : rpcError(v)); } catch (e) { ok = false; wired = wireOut(rpcError(e)); }
    N.post(msg.from, JSON.stringify({ t: "re", call: msg.call, ok, v: wired }));
  }
  // Called by the engine with each message for this runtime (no JavaScript of the user runs
  // here: an event is queued, an answer waits for the output gate's flush, a call of an exported
  // function starts in a job).
  function receive(text) {
    const msg = JSON.parse(text);
    if (msg.t === "re") {
      const c = calls.get(msg.call);
      calls.delete(msg.call);
      if (c) S.outputs.push({ d: { caller: c.caller, resolve: c.resolve, reject: c.reject, inst: null }, ok: msg.ok, v: wireIn(msg.v) });
      return;
    }
    if (msg.t === "drop") { exported.delete(msg.id); return; }
    const reply = { caller: { owner: null, section: null }, resolve: (v) => answer(msg, true, v), reject: (e) => answer(msg, false, e), inst: null };
    if (msg.t === "ref") {
      const f = exported.get(msg.id);
      const args = wireIn(msg.args);
      const owner = S.home ? instances.get(S.home) || null : null;
      S.cur = { owner, section: null };
      Promise.resolve().then(() => {
        if (!f) throw new Error("this function can no longer be called: its runtime has forgotten it");
        if (msg.kind === "get") return f[msg.prop];
        return msg.prop === null ? f(...args) : f[msg.prop](...args);
      }).then((v) => S.outputs.push({ d: reply, ok: true, v }), (e) => S.outputs.push({ d: reply, ok: false, v: e }));
      return;
    }
    // An event for this runtime's object.
    let inst = instances.get(S.home);
    if (!inst) {
      const cut = S.home.lastIndexOf("/"), nsKey = S.home.slice(0, cut), hex = S.home.slice(cut + 1);
      const ns = Object.values(S.env).find((b) => b instanceof DurableObjectNamespace && b._key === nsKey);
      inst = new Instance(ns, new DurableObjectId(ctorKey, ns, hex, msg.name));
      instances.set(S.home, inst);
    }
    const args = msg.args === undefined ? undefined : wireIn(msg.args);
    const fn = msg.kind === "fetch" ? (obj) => Promise.resolve(performFetch(obj, args)).then((res) => (res instanceof Response ? res : null))
      : msg.kind === "get" ? (obj) => performGet(obj, msg.prop) : (obj) => performCall(obj, msg.prop, args);
    pendingEvents.push({ inst, fn, resolve: reply.resolve, reject: reply.reject, generation: msg.gen === null ? inst.generation : msg.gen, caller: reply.caller, queuedAt: msg.at, order: msg.seq, callerFrames: msg.frames });
  }
  // For the engine after each step of a runtime: [the order key of `nextEvent`, the time and
  // order key of `timerKey` (NaN and 0 without a timer)].
  function stepStatus() {
    const t = timerKey();
    return [nextEvent(), t ? t[0] : NaN, t ? t[1] : 0];
  }
  // For the engine: the order key of the first event (or released timer) that `deliver` would
  // start, or -1.
  function nextEvent() {
    if (S.anyReleased) for (const t of timers.values()) if (t.released && !held(t.owner, t.section)) return 0;
    for (const d of pendingEvents) if (!d.inst.blockers.length) return d.order;
    return -1;
  }

  return { wireOut, wireIn, remoteInstance, receive, stepStatus, nextEvent };
})
