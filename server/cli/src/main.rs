fn main() {
    println!("dols {}", env!("CARGO_PKG_VERSION"));
}
