// setTimeout/setInterval return Timeout objects (convertible to the timer's number, which
// clearTimeout takes too), and the argument errors of the timer functions and queueMicrotask.
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));
const err = (e: unknown) => (e as Error).name + ": " + (e as Error).message;

export const timeoutObjects = {
  async test() {
    const t = setTimeout(() => console.log("cleared by number: no"), 5) as unknown as {
      hasRef(): boolean; ref(): unknown; unref(): unknown; close(): unknown; refresh(): unknown;
    };
    console.log(typeof t, t.constructor.name, Number(t) > 0, String(t) === String(Number(t)));
    console.log(JSON.stringify(Object.getOwnPropertyNames(Object.getPrototypeOf(t))));
    console.log("hasRef", t.hasRef(), "unref returns it", t.unref() === t, "ref returns it", t.ref() === t);
    clearTimeout(Number(t));
    const closed = setTimeout(() => console.log("closed: no"), 5) as unknown as { close(): unknown };
    console.log("close returns it", closed.close() === closed);
    let n = 0;
    const iv = setInterval(() => {
      if (++n === 3) clearInterval(iv);
    }, 1);
    console.log("interval is a", iv.constructor.name);
    const refreshed = setTimeout(() => console.log("refreshed timer fired"), 10) as unknown as { refresh(): unknown };
    await tick(5);
    refreshed.refresh();
    await tick(30);
    console.log("interval ran", n, "times");
  },
};

export const argumentErrors = {
  async test() {
    const bad: unknown[] = ["1+1", undefined, null, 5, {}, "x".repeat(40), true];
    for (const v of bad) {
      try {
        setTimeout(v as () => void, 1);
      } catch (e) {
        console.log("setTimeout:", err(e));
      }
    }
    try {
      setInterval(null as unknown as () => void, 1);
    } catch (e) {
      console.log("setInterval:", err(e));
    }
    try {
      queueMicrotask("x" as unknown as () => void);
    } catch (e) {
      console.log("queueMicrotask:", err(e));
    }
    clearTimeout(undefined);
    clearTimeout(null as unknown as number);
    clearInterval("nothing" as unknown as number);
    console.log("clearing nothing is fine");
  },
};
