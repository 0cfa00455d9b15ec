export const timers = {
  async test() {
    const log: string[] = [];
    await new Promise<void>((done) => {
      setTimeout(() => log.push("30"), 30);
      setTimeout((a: string, b: string) => log.push("10 " + a + b), 10, "x", "y");
      const cancelled = setTimeout(() => log.push("cancelled"), 5);
      clearTimeout(cancelled);
      setTimeout(() => log.push("0a"), 0);
      setTimeout(() => log.push("0b"));
      let n = 0;
      const iv = setInterval(() => { log.push("tick " + ++n); if (n === 3) clearInterval(iv); }, 4);
      setTimeout(done, 60);
    });
    console.log(log.filter((l) => !l.startsWith("tick")).join(", "));
    console.log(log.filter((l) => l.startsWith("tick")).join(", "));
    clearTimeout(undefined as any);
    clearTimeout(123456 as any);
    try { setTimeout("code" as any, 1); console.log("string accepted"); } catch (e) { console.log((e as Error).name); }
  },
};
