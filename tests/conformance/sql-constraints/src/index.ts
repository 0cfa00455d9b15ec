import { DurableObject } from "cloudflare:workers";
type Env = { OBJ: DurableObjectNamespace<Obj> };
const attempt = (out: string[], f: () => unknown) => { try { const r = f(); out.push("=> " + JSON.stringify(r)); } catch (e) { out.push((e as Error).name + ": " + (e as Error).message); } };
export class Obj extends DurableObject<Env> {
  run(): string[] {
    const sql = this.ctx.storage.sql;
    const out: string[] = [];
    const q = (s: string, ...b: unknown[]) => attempt(out, () => sql.exec(s, ...b).toArray());
    q("CREATE TABLE p (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, age INTEGER CHECK (age >= 0))");
    q("CREATE TABLE c (id INTEGER PRIMARY KEY, p INTEGER REFERENCES p(id))");
    q("CREATE TABLE s (k TEXT, v INTEGER, PRIMARY KEY (k)) STRICT");
    q("INSERT INTO p VALUES (1, 'a', 1)");
    q("INSERT INTO p VALUES (1, 'b', 1)");
    q("INSERT INTO p VALUES (2, 'a', 1)");
    q("INSERT INTO p VALUES (3, NULL, 1)");
    q("INSERT INTO p VALUES (4, 'd', -1)");
    q("INSERT INTO c VALUES (1, 99)");
    q("INSERT INTO c VALUES (2, 1)");
    q("DELETE FROM p WHERE id = 1");
    q("INSERT INTO s VALUES ('k', 'not an int')");
    q("INSERT INTO s VALUES ('k', 1), ('k', 2)");
    q("SELECT count(*) AS n FROM s");
    q("INSERT INTO p VALUES (5, 'e', 1) ON CONFLICT DO NOTHING RETURNING id");
    q("INSERT OR IGNORE INTO p VALUES (5, 'e', 1) RETURNING id");
    q("UPDATE p SET age = age + 1 WHERE id = 1 RETURNING age, name");
    q("INSERT INTO p (name, age) VALUES ('auto', 3) RETURNING id");
    return out;
  }
}
export const run = {
  async test(_c: unknown, env: Env) {
    for (const line of await env.OBJ.getByName("x").run()) console.log(line);
  },
};
