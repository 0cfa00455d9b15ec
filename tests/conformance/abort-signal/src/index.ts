export const abort = {
  async test() {
    const c = new AbortController();
    const events: string[] = [];
    c.signal.addEventListener("abort", () => events.push("listener"));
    c.signal.onabort = () => events.push("onabort");
    console.log(c.signal.aborted, c.signal.reason);
    c.signal.throwIfAborted();
    c.abort();
    console.log(c.signal.aborted, (c.signal.reason as Error).name, (c.signal.reason as Error).message);
    c.abort("again");
    console.log(events.join(","), (c.signal.reason as Error).name);
    try { c.signal.throwIfAborted(); } catch (e) { console.log("thrown", (e as Error).name); }
    const d = new AbortController();
    d.abort("why");
    console.log(d.signal.reason);
    const s = AbortSignal.abort(new RangeError("r"));
    console.log(s.aborted, (s.reason as Error).name);
    const t = AbortSignal.abort();
    console.log((t.reason as Error).name, t.reason instanceof DOMException);
  },
};
