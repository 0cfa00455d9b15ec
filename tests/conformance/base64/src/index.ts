export const base64 = {
  async test() {
    console.log(btoa(""), btoa("a"), btoa("ab"), btoa("abc"), btoa("\u00ff\u00fe"));
    console.log(JSON.stringify([atob(""), atob("YQ=="), atob("YQ"), atob("YWI="), atob(" Y W J j ")]));
    console.log(JSON.stringify(Array.from(atob("//79"), (c) => c.charCodeAt(0))));
    for (const bad of ["YQ=", "Y", "a===", "Y$=="]) {
      try { atob(bad); console.log("accepted", bad); } catch (e) { console.log("rejected", bad, (e as Error).name); }
    }
    console.log(btoa(String(null)), atob(btoa("round trip")));
  },
};
