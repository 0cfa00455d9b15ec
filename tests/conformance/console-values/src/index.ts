class Point { x = 1; y = 2; }
export const values = {
  async test() {
    console.log(new Point(), Object.create(null), { "key with space": 1, valid_id: 2 });
    console.log([undefined, null, , 3], new Array(3), [[1, [2, [3, [4]]]]]);
    console.log(new Uint8Array([1, 2]), new ArrayBuffer(4), new Date(0));
    console.log(/re/g, Symbol("s"), 123n, -0, [-0]);
    console.log("%s and %d", "fmt", 42, "extra");
    console.log(new Map([[{ a: 1 }, [1]]]), new Set(), new Map());
    console.log({ f() {}, g: () => 1, h: class Named {} });
    console.log(Promise.resolve(1), new WeakMap(), true, "str", ["str"]);
    const circ: any = { name: "c" };
    circ.self = circ;
    console.log(circ);
    console.log(new Error("msg").message, String(new TypeError("t")));
    console.log({ s: "it's" }, ["a\nb"], "a\nb");
    console.log(Object.assign(Object.create({ inherited: 1 }), { own: 2 }));
    console.log([1, 2, 3].map(String), { length: 0 }, { n: { m: { o: { p: 1 } } } });
    const rejected = Promise.reject(new Error("no"));
    rejected.catch(() => {});
    console.log(new Promise(() => {}), new WeakSet(), new ArrayBuffer(52));
    console.log("%i|%j|%%|%s|%d", 3.9, { a: [1] }, "s", "12", "rest");
    console.log("%s", { a: 1 }, "100%", "%d", 5);
    console.log(Array.from({ length: 30 }, (_, i) => i * 37));
    console.log(Array.from({ length: 120 }, (_, i) => i));
    console.log(["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota"]);
    console.log({ first: "a fairly long string value", second: "another long string value", third: [1, 2, 3] });
    console.log({ outer: { inner: { text: "a long string that makes the inner object wrap around", n: 1 } } });
    console.log(new Map([["one", { long: "x".repeat(40) }], ["two", { long: "y".repeat(40) }]]));
    console.log(["it's \"quoted\""], [`back\`tick's "both"`], "tab\there");
  },
};
