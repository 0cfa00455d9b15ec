import { DurableObject } from "cloudflare:workers";

type Env = { OBJ: DurableObjectNamespace<Obj>; OTHER: DurableObjectNamespace<Other> };
export class Other extends DurableObject<Env> {}
export class Obj extends DurableObject<Env> {}

export const formatting = {
  async test() {
    console.log("a", 1, true, null, undefined);
    console.log({ a: 1, b: "two", c: [1, 2, 3] });
    console.log([1, "x", { y: 2 }]);
    console.log(new Map([["k", 1]]), new Set([1, 2]));
    console.log({}, [], "");
    console.log({ nested: { deeper: { deepest: { gone: 1 } } } });
    console.log(-0, 1.5, NaN, 10n);
    console.log(function named() {}, () => 1);
  },
};
