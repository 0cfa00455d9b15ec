import { DurableObject } from "cloudflare:workers";
export class Counter extends DurableObject {
  increment(): number {
    this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS c (id INTEGER PRIMARY KEY, n INTEGER)");
    return this.ctx.storage.sql.exec("INSERT INTO c VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = n + 1 RETURNING n").one().n as number;
  }
}
export const count = { async test(_c: unknown, env: any) { console.log("n=" + await env.C.getByName("x").increment()); } };
