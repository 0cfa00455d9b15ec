import { DurableObject } from "cloudflare:workers";
import { check } from "./helpers.js";

interface Env {
  OBJ: DurableObjectNamespace<Obj>;
}

export class Obj extends DurableObject<Env> {
  query(): number {
    return this.ctx.storage.sql.exec<{ n: number }>("SELECT n FROM missing").one().n;
  }
}

export const passes = {
  test(): void {
    console.log("first test ran");
  },
};

export const throwsHere = {
  async test(_c: unknown, _env: Env): Promise<void> {
    const value: number = 41 as number;
    check(value === 42, `expected 42, got ${value}`);
  },
};

export const sqlError = {
  async test(_c: unknown, env: Env): Promise<void> {
    await env.OBJ.getByName("x").query();
  },
};
