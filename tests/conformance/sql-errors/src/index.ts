import { DurableObject } from "cloudflare:workers";

type Env = { OBJ: DurableObjectNamespace<Obj> };

export class Obj extends DurableObject<Env> {
  errors(): string[] {
    const sql = this.ctx.storage.sql;
    sql.exec("CREATE TABLE u (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL)");
    sql.exec("INSERT INTO u (name) VALUES ('a')");
    this.ctx.storage.kv.put("k", 1);
    const attempts: Array<[string, ...unknown[]]> = [
      ["SELECT * FROM missing"],
      ["SELECT nope FROM u"],
      ["SELEC 1"],
      ["BEGIN TRANSACTION"],
      ["SAVEPOINT sp"],
      [""],
      ["SELECT 1; -- trailing"],
      ["SELECT ?"],
      ["SELECT ?; SELECT 1", 1],
      ["SELECT ?", 1, 2],
      ["INSERT INTO u (name) VALUES ('a')"],
      ["INSERT INTO u (name) VALUES (NULL)"],
      ["SELECT key FROM _cf_KV"],
      ["CREATE TABLE _cf_mine (a)"],
      ["PRAGMA user_version"],
      ["SELECT sqlite_version()"],
      ["SELECT ?", 10n],
    ];
    const out: string[] = [];
    for (const [q, ...args] of attempts) {
      try {
        sql.exec(q, ...args);
        out.push("no error: " + q);
      } catch (e) {
        const err = e as Error;
        out.push(err.name + ": " + err.message);
      }
    }
    return out;
  }
}

export const errors = {
  async test(_ctrl: unknown, env: Env) {
    for (const line of await env.OBJ.getByName("errors").errors()) console.log(line);
  },
};
