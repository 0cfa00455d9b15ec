export const ordering = {
  async test() {
    const log: string[] = [];
    setTimeout(() => log.push("timeout"), 0);
    queueMicrotask(() => log.push("micro 1"));
    Promise.resolve().then(() => log.push("then 1")).then(() => log.push("then 2"));
    queueMicrotask(() => { log.push("micro 2"); queueMicrotask(() => log.push("micro nested")); });
    (async () => { log.push("async body"); await null; log.push("after await"); })();
    log.push("sync end");
    await new Promise((r) => setTimeout(r, 5));
    console.log(log.join(", "));
    try { queueMicrotask(1 as any); } catch (e) { console.log((e as Error).name); }
  },
};
