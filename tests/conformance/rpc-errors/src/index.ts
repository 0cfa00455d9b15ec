import { DurableObject } from "cloudflare:workers";
type Env = { OBJ: DurableObjectNamespace<Obj> };
class AppError extends Error {
  code = 42;
  constructor(m: string) { super(m); this.name = "AppError"; }
}
export class Obj extends DurableObject<Env> {
  typeError(): never { throw new TypeError("bad type"); }
  rangeError(): never { throw new RangeError("out of range"); }
  custom(): never { throw new AppError("custom failure"); }
  async asyncThrow(): Promise<never> { await null; throw new SyntaxError("later"); }
  throwNumber(): never { throw 42; }
  throwObject(): never { throw { plain: true }; }
  domException(): never { throw new DOMException("dom msg", "NotFoundError"); }
}
export const errors = {
  async test(_c: unknown, env: Env) {
    const stub = env.OBJ.getByName("e");
    for (const m of ["typeError", "rangeError", "custom", "asyncThrow", "throwNumber", "throwObject", "domException"] as const) {
      try {
        await (stub as any)[m]();
        console.log(m, "no error");
      } catch (e) {
        const err = e as any;
        console.log(m, typeof e, e instanceof Error, err.name, JSON.stringify(err.message), err.code, e instanceof TypeError, e instanceof RangeError);
      }
    }
  },
};
