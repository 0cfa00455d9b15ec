const hex = (b: ArrayBuffer) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, "0")).join("");
export const algorithms = {
  async test() {
    const data = new TextEncoder().encode("The quick brown fox jumps over the lazy dog");
    for (const alg of ["SHA-1", "sha-1", "MD5", "md5", "SHA-256"]) console.log(alg, hex(await crypto.subtle.digest(alg, data)));
    console.log("object form", hex(await crypto.subtle.digest({ name: "SHA-1" }, new Uint8Array(0))));
    console.log("two blocks", hex(await crypto.subtle.digest("MD5", new TextEncoder().encode("x".repeat(130)))));
    for (const bad of ["SHA-3", "FOO"]) {
      try { await crypto.subtle.digest(bad, data); console.log(bad, "accepted"); } catch (e) { console.log(bad, (e as Error).name + ": " + (e as Error).message); }
    }
  },
};
