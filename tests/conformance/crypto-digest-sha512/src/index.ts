// crypto.subtle.digest with SHA-384 and SHA-512 (names in any case, string or object form,
// any BufferSource), the argument errors, and when each kind of failure rejects.
const hex = (b: ArrayBuffer) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, "0")).join("");
const utf8 = (s: string) => new TextEncoder().encode(s);

export const sha384And512 = {
  async test() {
    const abc = utf8("abc");
    for (const alg of ["SHA-384", "sha-384", "SHA-512", "Sha-512"]) {
      const r = await crypto.subtle.digest(alg, abc);
      console.log(alg, r instanceof ArrayBuffer, r.byteLength, hex(r));
    }
    console.log("empty", hex(await crypto.subtle.digest({ name: "SHA-512" }, new Uint8Array(0))));
    const view = new DataView(utf8("xabcx").buffer, 1, 3);
    console.log("view", hex(await crypto.subtle.digest("SHA-384", view)));
    // 112 bytes: the padding needs a second 128-byte block.
    const two = utf8("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu");
    console.log("two blocks", hex(await crypto.subtle.digest("SHA-512", two)));
    console.log("long", hex(await crypto.subtle.digest("SHA-384", utf8("a".repeat(1000)))));
    // The data is copied at the call.
    const buf = utf8("abc");
    const p = crypto.subtle.digest("SHA-512", buf);
    buf[0] = 0;
    console.log("copied", hex(await p) === hex(await crypto.subtle.digest("SHA-512", abc)));
    for (const alg of ["SHA-256", "SHA-1", "MD5"]) console.log(alg, hex(await crypto.subtle.digest(alg, abc)));
  },
};

export const errors = {
  async test() {
    const data = new Uint8Array([1]);
    const done: Promise<unknown>[] = [];
    const call = (label: string, f: () => Promise<ArrayBuffer>) => {
      const p = f();
      console.log(label, "returns a promise:", p instanceof Promise);
      done.push(p.then((r) => console.log(label, "resolved", r.byteLength), (e) => console.log(label, "rejected", Object.prototype.toString.call(e), e.name + ": " + e.message)));
    };
    const subtle = crypto.subtle as unknown as { digest(...a: unknown[]): Promise<ArrayBuffer> };
    const digest = (...a: unknown[]) => subtle.digest(...a);
    call("SHA-224", () => digest("SHA-224", data));
    call("SHA384", () => digest("SHA384", data));
    call("null", () => digest(null, data));
    call("undefined", () => digest(undefined, data));
    call("no arguments", () => digest());
    call("object without name", () => digest({}, data));
    call("name 5", () => digest({ name: 5 }, data));
    call("String object", () => digest(new String("SHA-1"), data));
    call("name with toString", () => digest({ name: { toString: () => "SHA-512" } }, data));
    call("string data", () => digest("SHA-512", "abc"));
    call("array data", () => digest("SHA-512", [1, 2]));
    call("both bad", () => digest("FOO", "abc"));
    await Promise.all(done);
  },
};
