export const random = {
  async test() {
    const u = crypto.randomUUID();
    console.log(typeof u, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(u), u === crypto.randomUUID());
    const a = new Uint8Array(16);
    const r = crypto.getRandomValues(a);
    console.log(r === a, a.some((x) => x !== 0));
    const b = new Uint32Array(4);
    console.log(crypto.getRandomValues(b) === b, crypto.getRandomValues(new Uint8Array(0)).length);
    for (const bad of [() => crypto.getRandomValues(new Float64Array(2) as unknown as Uint8Array), () => crypto.getRandomValues(new Uint8Array(65537))]) {
      try { bad(); console.log("accepted"); } catch (e) { console.log((e as Error).name + ": " + (e as Error).message); }
    }
    console.log(crypto.getRandomValues(new Uint8Array(65536)).length);
  },
};
