import { DurableObject } from "cloudflare:workers";
type Env = { OBJ: DurableObjectNamespace<Obj> };
export class Obj extends DurableObject<Env> {
  run(): string[] {
    const sql = this.ctx.storage.sql;
    const sizes: number[] = [sql.databaseSize];
    sql.exec("CREATE TABLE t (v BLOB)");
    sizes.push(sql.databaseSize);
    for (let i = 0; i < 50; i++) sql.exec("INSERT INTO t VALUES (?)", new Uint8Array(4000));
    sizes.push(sql.databaseSize);
    sql.exec("DELETE FROM t");
    sizes.push(sql.databaseSize);
    sql.exec("DROP TABLE t");
    sizes.push(sql.databaseSize);
    return [
      `number: ${sizes.every((s) => typeof s === "number" && Number.isInteger(s))}`,
      `multiple of 4096: ${sizes.every((s) => s % 4096 === 0)}`,
      `grew with a table: ${sizes[1] > sizes[0]} grew with rows: ${sizes[2] > sizes[1] + 150_000}`,
      `deleting rows does not grow it: ${sizes[3] <= sizes[2]}`,
    ];
  }
}
export const size = {
  async test(_c: unknown, env: Env) {
    for (const l of await env.OBJ.getByName("d").run()) console.log(l);
  },
};
