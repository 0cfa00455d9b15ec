import { DurableObject } from "cloudflare:workers";

type Env = { C: DurableObjectNamespace<Counter> };

export class Counter extends DurableObject<Env> {
  increment(): number {
    const sql = this.ctx.storage.sql;
    sql.exec("CREATE TABLE IF NOT EXISTS c (id INTEGER PRIMARY KEY, n INTEGER)");
    return sql.exec("INSERT INTO c VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = n + 1 RETURNING n").one().n as number;
  }
}

// One RPC call to each of 100 objects: what starting an object costs.
export const objects = {
  async test(_c: unknown, env: Env) {
    let total = 0;
    for (let i = 0; i < 100; i++) total += await env.C.getByName("o" + i).increment();
    console.log("total =", total);
  },
};
