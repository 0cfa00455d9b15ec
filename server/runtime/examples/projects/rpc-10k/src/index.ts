import { DurableObject } from "cloudflare:workers";

type Env = { C: DurableObjectNamespace<Counter> };

export class Counter extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS c (id INTEGER PRIMARY KEY, n INTEGER)");
    ctx.storage.sql.exec("INSERT OR IGNORE INTO c VALUES (1, 0)");
  }
  increment(): number {
    return this.ctx.storage.sql.exec("UPDATE c SET n = n + 1 WHERE id = 1 RETURNING n").one().n as number;
  }
}

// 10,000 sequential RPC calls, each running one UPDATE ... RETURNING.
export const rpc = {
  async test(_c: unknown, env: Env) {
    const stub = env.C.getByName("bench");
    let n = 0;
    for (let i = 0; i < 10_000; i++) n = await stub.increment();
    console.log("n =", n);
  },
};
