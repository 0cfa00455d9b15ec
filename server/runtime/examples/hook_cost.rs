//! The cost of the engine's debugger hook: runs a CPU-bound test (function calls, property
//! reads, arithmetic, string building) with no debugger (the hook off: one null test per
//! opcode) and with an idle debugger attached (the hook on, no breakpoint), alternating, and
//! prints the median wall time of each. Build the engine with
//! `DOLS_QUICKJS_NO_DISPATCH_CHECK=1` to get the interpreter without the check, for the
//! baseline (the "hook off" figure is then that of the stock loop).
//!
//! `cargo run --release -p dols-runtime --example hook_cost [ROUNDS]`

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Instant;

use dols_runtime::debugger::Debugger;
use dols_runtime::{Output, Project, RunOptions, StateLocation, run_tests_with};

const CONFIG: &str = r#"{ "name": "cost", "main": "index.js" }"#;
const INDEX: &str = r#"
function step(p, i) {
  p.x = (p.x + i * 3) % 1000003;
  p.y = p.y ^ (i << 1);
  return p.x + p.y;
}
export default {
  test() {
    const p = { x: 1, y: 2 };
    let acc = 0;
    let s = "";
    for (let i = 0; i < 1500000; i++) {
      acc = (acc + step(p, i)) | 0;
      if ((i & 4095) === 0) s += String.fromCharCode(97 + (i % 26));
    }
    console.log(acc, s.length);
  },
};
"#;

fn main() {
    let rounds: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(7);
    let dir = std::env::temp_dir().join(format!("dols-hook-cost-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("wrangler.jsonc"), CONFIG).unwrap();
    std::fs::write(dir.join("index.js"), INDEX).unwrap();
    let project = Project::load(&dir).unwrap();
    let mut off = Vec::new();
    let mut on = Vec::new();
    for _ in 0..rounds {
        for attach in [false, true] {
            let mut options = RunOptions::default();
            let mut keep = None;
            if attach {
                let (d, t) = Debugger::new();
                keep = Some(d);
                options.debugger = Some(t);
            }
            let buf = Rc::new(RefCell::new((String::new(), String::new())));
            let t = Instant::now();
            let r = run_tests_with(&project, &[], StateLocation::Memory, Output::Capture(buf.clone()), &options);
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            drop(keep);
            assert!(r.is_ok_and(|r| r.failed == 0), "{:?}", buf.borrow());
            if attach { on.push(ms) } else { off.push(ms) }
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        v[v.len() / 2]
    };
    let (a, b) = (median(&mut off), median(&mut on));
    println!("no debugger: {a:.1} ms (median of {rounds})");
    println!("idle debugger (hook on, no breakpoint): {b:.1} ms ({:.2}x)", b / a);
    let _ = std::fs::remove_dir_all(&dir);
}
