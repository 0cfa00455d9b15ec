// Fixture for tests/nvim/injections.lua. A line marked `// injected` opens a string whose
// contents (between its quotes) must be injected as SQL, once; no other text may be.
import { DurableObject } from "cloudflare:workers";

const sql = globalThis.storage.sql;
sql.exec("SELECT 1"); // injected

export class Notes extends DurableObject<Env> {
  private sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.ctx.storage.sql.exec( // injected
      `CREATE TABLE IF NOT EXISTS note (
         id   INTEGER PRIMARY KEY,
         body TEXT NOT NULL
       )`,
    );
  }

  add(body: string): void {
    this.sql.exec("INSERT INTO note (body) VALUES (?)", body); // injected
    this.sql.exec('DELETE FROM note WHERE body = \'\''); // injected
    ctx.storage.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM note WHERE id > ${0}`); // injected
    this.sql.exec("SELECT ?", "a binding, not SQL"); // injected
    this.sql.exec(/* sql */ "SELECT body FROM note"); // injected
  }

  tagged(id: number) {
    return this.sql`SELECT body FROM note WHERE id = ${id}`; // injected
  }

  alsoTagged(id: number) {
    return sql`DELETE FROM note WHERE id = ${id}`; // injected
  }

  notSql(db: Database, id: number) {
    db.exec("not a DO query"); // receiver is not a SQL handle
    this.sql.run("not exec"); // not exec
    exec("a bare call");
    this.sqlite.exec("receiver named differently");
    html`<p>${id}</p>`;
    return this.sql.exec(query); // not a literal
  }
}
