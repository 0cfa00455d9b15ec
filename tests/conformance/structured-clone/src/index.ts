class Point { x: number; constructor(x: number) { this.x = x; } }
export const clone = {
  async test() {
    const shared = { s: 1 };
    const src: any = { n: 1, s: "x", d: new Date(5), re: /a+/gi, m: new Map([[1, { a: 1 }]]), st: new Set(["q"]), arr: [1, , 3], shared, again: shared, u: undefined, nul: null, big: 10n };
    src.self = src;
    const c = structuredClone(src);
    console.log(c !== src, c.self === c, c.shared === c.again, c.shared !== shared);
    console.log(c.d instanceof Date, c.d.getTime(), c.re instanceof RegExp, c.re.source, c.re.flags);
    console.log(c.m instanceof Map, c.m.get(1).a, c.st.has("q"), 1 in c.arr, c.arr.length, "u" in c, c.nul, typeof c.big);
    const u8 = new Uint8Array([1, 2, 3, 4]).subarray(1, 3);
    const cu = structuredClone(u8);
    console.log(cu instanceof Uint8Array, cu.length, cu.buffer.byteLength, Array.from(cu).join());
    const e = structuredClone(new RangeError("bad"));
    console.log(e instanceof RangeError, e.name, e.message);
    const p = structuredClone(new Point(3));
    console.log(p instanceof Point, JSON.stringify(p), Object.getPrototypeOf(p) === Object.prototype);
    for (const bad of [() => structuredClone(() => 1), () => structuredClone({ f() {} }), () => structuredClone(Symbol("z"))]) {
      try { bad(); console.log("cloned"); } catch (e) { console.log((e as Error).name, e instanceof DOMException); }
    }
    console.log(structuredClone(undefined), structuredClone(null), structuredClone("s"), structuredClone(-0) === 0, Object.is(structuredClone(-0), -0));
    const boxed = structuredClone(new Number(4));
    console.log(typeof boxed, boxed instanceof Number, Number(boxed));
  },
};
