// AbortSignal.timeout() and AbortSignal.any(), and the constructor being closed.
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));
const err = (e: unknown) => Object.prototype.toString.call(e) + " " + (e as Error).name + ": " + (e as Error).message;
type Any = { any(signals: unknown): AbortSignal };

export const timeoutAndAny = {
  async test() {
    const t = AbortSignal.timeout(5);
    let fired = 0;
    t.addEventListener("abort", () => fired++);
    console.log("timeout before", t.aborted);
    await tick(30);
    console.log("timeout after", t.aborted, err(t.reason), "listeners", fired);
    try {
      t.throwIfAborted();
    } catch (e) {
      console.log("throwIfAborted", err(e));
    }
    const any = (AbortSignal as unknown as Any).any([new AbortController().signal, AbortSignal.abort("r2"), AbortSignal.abort("r3")]);
    console.log("any of an aborted one", any.aborted, any.reason);
    const c1 = new AbortController(), c2 = new AbortController();
    const later = (AbortSignal as unknown as Any).any([c1.signal, c2.signal]);
    console.log("any before", later.aborted);
    c2.abort("second");
    c1.abort("first");
    console.log("any after", later.aborted, later.reason);
    const none = (AbortSignal as unknown as Any).any([]);
    console.log("any of none", none.aborted);
  },
};

export const errors = {
  async test() {
    try {
      new (AbortSignal as unknown as new () => AbortSignal)();
    } catch (e) {
      console.log("new AbortSignal():", err(e));
    }
    for (const v of [[1], 5, null]) {
      try {
        (AbortSignal as unknown as Any).any(v);
      } catch (e) {
        console.log("any(" + JSON.stringify(v) + "):", err(e));
      }
    }
  },
};
