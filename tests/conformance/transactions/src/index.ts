import { DurableObject } from "cloudflare:workers";

type Env = { OBJ: DurableObjectNamespace<Obj> };

export class Obj extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS t (v INTEGER)");
  }
  count(): number {
    return this.ctx.storage.sql.exec("SELECT count(*) AS n FROM t").one().n as number;
  }
  rollback(): string {
    try {
      this.ctx.storage.transactionSync(() => {
        this.ctx.storage.sql.exec("INSERT INTO t VALUES (1)");
        this.ctx.storage.kv.put("in-txn", true);
        throw new Error("abort!");
      });
    } catch (e) {
      return (e as Error).message + " rows=" + this.count() + " kv=" + this.ctx.storage.kv.get("in-txn");
    }
    return "not thrown";
  }
  nested(): string {
    const r = this.ctx.storage.transactionSync(() => {
      this.ctx.storage.sql.exec("INSERT INTO t VALUES (1)");
      try {
        this.ctx.storage.transactionSync(() => {
          this.ctx.storage.sql.exec("INSERT INTO t VALUES (2)");
          throw new Error("inner");
        });
      } catch {}
      return "returned";
    });
    return r + " rows=" + this.count();
  }
  async asyncTxn(): Promise<string> {
    try {
      await this.ctx.storage.transaction(async (txn) => {
        await txn.put("a", 1);
        this.ctx.storage.sql.exec("INSERT INTO t VALUES (3)");
        throw new Error("async abort");
      });
    } catch (e) {
      return (e as Error).message + " rows=" + this.count() + " a=" + (await this.ctx.storage.get("a"));
    }
    return "not thrown";
  }
  async explicitRollback(): Promise<string> {
    await this.ctx.storage.transaction(async (txn) => {
      await txn.put("b", 1);
      txn.rollback();
    });
    return "b=" + (await this.ctx.storage.get("b"));
  }
}

export const transactions = {
  async test(_ctrl: unknown, env: Env) {
    const stub = env.OBJ.getByName("txn");
    console.log(await stub.rollback());
    console.log(await stub.nested());
    console.log(await stub.asyncTxn());
    console.log(await stub.explicitRollback());
  },
};
