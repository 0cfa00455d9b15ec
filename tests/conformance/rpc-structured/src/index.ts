import { DurableObject } from "cloudflare:workers";
type Env = { OBJ: DurableObjectNamespace<Obj> };
export class Obj extends DurableObject<Env> {
  echo(v: unknown): unknown { return v; }
  describe(v: any): string {
    return [v.d instanceof Date, v.m instanceof Map, v.s instanceof Set, v.b instanceof ArrayBuffer, v.u8 instanceof Uint8Array, v.re instanceof RegExp, typeof v.big, v.nested.deep[0], v.self === v].join(",");
  }
  mutate(o: { n: number }): number { o.n = 99; return o.n; }
  noReturn(): void {}
  many(a: number, b: string, c?: boolean): string { return `${a} ${b} ${c}`; }
}
export const structured = {
  async test(_c: unknown, env: Env) {
    const stub = env.OBJ.getByName("s");
    const v: any = { d: new Date(0), m: new Map([["k", 1]]), s: new Set([1]), b: new ArrayBuffer(2), u8: new Uint8Array([1]), re: /x/g, big: 5n, nested: { deep: ["yes"] } };
    v.self = v;
    console.log(await stub.describe(v));
    const back: any = await stub.echo(v);
    console.log(back === v, back.self === back, back.d.getTime(), back.m.get("k"), back.big === 5n, back.re.flags);
    const o = { n: 1 };
    console.log(await stub.mutate(o), o.n);
    console.log(await stub.noReturn(), await stub.many(1, "two"), await stub.echo(undefined), await stub.echo(null));
    console.log(JSON.stringify(await stub.echo([1, undefined, "x"])), Number.isNaN(await stub.echo(NaN)), await stub.echo(-0) === 0);
    try { await stub.echo(Symbol("s")); console.log("sent"); } catch (e) { console.log((e as Error).name); }
  },
};
