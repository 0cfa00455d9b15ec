export const time = {
  async test() {
    const t0 = performance.now();
    const d0 = Date.now();
    await new Promise((r) => setTimeout(r, 30));
    const elapsed = performance.now() - t0;
    console.log(typeof t0, elapsed >= 25, Date.now() - d0 >= 25, typeof performance.timeOrigin);
    const d = new Date(Date.UTC(2024, 1, 29, 12, 30, 15, 250));
    console.log(d.toISOString(), d.getTime(), JSON.stringify({ d }), d.getUTCDay());
    console.log(String(d), d.toDateString(), d.toUTCString());
    console.log(new Date("2024-03-01T00:00:00Z").getTime() - d.getTime(), Date.parse("2000-01-01T00:00:00.000Z"), new Date(NaN).getTime());
    console.log(String(new Date(NaN)), new Date(8.64e15).toISOString());
    try { new Date(NaN).toISOString(); } catch (e) { console.log((e as Error).name); }
  },
};
