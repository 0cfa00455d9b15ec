import { DurableObject } from "cloudflare:workers";

type Env = { OBJ: DurableObjectNamespace<Obj>; OTHER: DurableObjectNamespace<Other> };

export class Other extends DurableObject<Env> {}

export class Obj extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS t (v INTEGER)");
  }
  count(): number {
    return this.ctx.storage.sql.exec("SELECT count(*) AS n FROM t").one().n as number;
  }
  writeThenThrow(): void {
    this.ctx.storage.sql.exec("INSERT INTO t VALUES (1)");
    this.ctx.storage.kv.put("k", "written");
    throw new Error("after writing");
  }
  multiPartial(): string {
    try {
      this.ctx.storage.sql.exec("INSERT INTO t VALUES (2); SELECT * FROM nope");
    } catch (e) {
      return (e as Error).message;
    }
    return "no error";
  }
  trailingComment(): string {
    try {
      this.ctx.storage.sql.exec("INSERT INTO t VALUES (3); -- note");
    } catch (e) {
      return (e as Error).message;
    }
    return "no error";
  }
  async awaitsBetween(): Promise<number> {
    this.ctx.storage.sql.exec("INSERT INTO t VALUES (4)");
    await this.ctx.storage.put("x", 1);
    this.ctx.storage.sql.exec("INSERT INTO t VALUES (5)");
    return this.count();
  }
  kvValue(): unknown {
    return this.ctx.storage.kv.get("k");
  }
}

export const coalescing = {
  async test(_c: unknown, env: Env) {
    const stub = env.OBJ.getByName("w");
    try { await stub.writeThenThrow(); } catch (e) { console.log("caught", (e as Error).message); }
    console.log("rows after throw:", await stub.count(), "kv:", await stub.kvValue());
    console.log(await stub.multiPartial(), "rows:", await stub.count());
    console.log(await stub.trailingComment(), "rows:", await stub.count());
    console.log("after awaits:", await stub.awaitsBetween());
  },
};
