import { DurableObject } from "cloudflare:workers";

type Env = { OBJ: DurableObjectNamespace<Obj>; OTHER: DurableObjectNamespace<Other> };

class MyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MyError";
  }
}

export class Other extends DurableObject<Env> {
  hello(): string {
    return "other " + this.ctx.id.toString().length;
  }
}

export class Obj extends DurableObject<Env> {
  echo(v: unknown): unknown {
    return v;
  }
  custom(): never {
    throw new MyError("mine");
  }
  range(): never {
    throw new RangeError("out of range");
  }
  throwString(): never {
    throw "just a string";
  }
  returnsFunction(): unknown {
    return { f() {} };
  }
  sync(): number {
    return 7;
  }
  async viaOther(): Promise<string> {
    return this.env.OTHER.getByName("o").hello();
  }
}

export const values = {
  async test(_c: unknown, env: Env) {
    const stub = env.OBJ.getByName("r");
    const p = stub.sync();
    console.log(p instanceof Promise, await p);
    const back = (await stub.echo({ u: undefined, n: null, nan: NaN, big: 10n, arr: [1, , 3], set: new Set(["a"]), bytes: new Uint8Array([9]) })) as any;
    console.log(Object.keys(back).join(","), back.u, back.n, Number.isNaN(back.nan), typeof back.big, back.big === 10n, back.arr.length, 1 in back.arr, back.set.has("a"), back.bytes instanceof Uint8Array, back.bytes[0]);
    for (const m of ["custom", "range", "throwString"] as const) {
      try {
        await (stub as any)[m]();
      } catch (e) {
        console.log(m, typeof e, e instanceof Error ? (e as Error).name + ": " + (e as Error).message + " " + (e instanceof RangeError) : String(e));
      }
    }
    try { await stub.returnsFunction(); } catch (e) { console.log("function result:", (e as Error).name); }
    try { await stub.echo(() => 1); } catch (e) { console.log("function argument:", (e as Error).name); }
    console.log(await stub.viaOther());
    try { env.OBJ.get(env.OTHER.idFromName("x")); } catch (e) { console.log((e as Error).name + ": " + (e as Error).message); }
    try { env.OBJ.idFromString(env.OTHER.idFromName("x").toString()); } catch (e) { console.log((e as Error).name + ": " + (e as Error).message); }
    const upper = env.OBJ.idFromString(env.OBJ.idFromName("r").toString().toUpperCase());
    console.log(upper.toString() === env.OBJ.idFromName("r").toString());
  },
};
