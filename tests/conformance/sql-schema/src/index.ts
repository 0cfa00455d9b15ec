import { DurableObject } from "cloudflare:workers";
type Env = { OBJ: DurableObjectNamespace<Obj> };
const attempt = (out: string[], f: () => unknown) => { try { const r = f(); out.push("=> " + JSON.stringify(r)); } catch (e) { out.push((e as Error).name + ": " + (e as Error).message); } };
export class Obj extends DurableObject<Env> {
  run(): string[] {
    const sql = this.ctx.storage.sql;
    const out: string[] = [];
    const q = (s: string, ...b: unknown[]) => attempt(out, () => sql.exec(s, ...b).toArray());
    q("CREATE TABLE t (a INTEGER, b TEXT DEFAULT 'd')");
    q("CREATE INDEX t_a ON t (a)");
    q("CREATE UNIQUE INDEX t_b ON t (b) WHERE b IS NOT NULL");
    q("CREATE VIEW v AS SELECT a * 2 AS dbl FROM t");
    q("CREATE TABLE log (msg TEXT)");
    q("CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO log VALUES ('added ' || new.a); END");
    q("INSERT INTO t (a) VALUES (1), (2)");
    q("SELECT * FROM v ORDER BY dbl");
    q("SELECT msg FROM log ORDER BY rowid");
    q("ALTER TABLE t ADD COLUMN c REAL");
    q("ALTER TABLE t RENAME COLUMN c TO cc");
    q("SELECT name, type FROM sqlite_master WHERE name NOT LIKE '\\_cf%' ESCAPE '\\' ORDER BY name");
    q("SELECT name FROM pragma_table_info('t') ORDER BY cid");
    q("PRAGMA table_info(t)");
    q("PRAGMA table_list");
    q("PRAGMA foreign_keys");
    q("PRAGMA user_version = 3");
    q("PRAGMA journal_mode");
    q("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5) SELECT group_concat(i) AS g FROM n");
    q("CREATE VIRTUAL TABLE ft USING fts5(body)");
    q("INSERT INTO ft VALUES ('hello world'), ('other')");
    q("SELECT body FROM ft WHERE ft MATCH 'hello'");
    q("DROP VIEW v");
    q("DROP TABLE t");
    q("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf%' ESCAPE '\\' ORDER BY name");
    return out;
  }
}
export const run = {
  async test(_c: unknown, env: Env) {
    for (const line of await env.OBJ.getByName("x").run()) console.log(line);
  },
};
