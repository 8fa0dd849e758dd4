//! Lesson 07: `assert!` stays in release builds; `debug_assert!` is compiled out of them.
//!
//! `asserts PORT...` checks each port and prints it.

fn checked_port(text: &str) -> u16 {
    let port: u32 = text.parse().expect("a number");
    debug_assert!(port != 0, "port 0 is not a port");
    assert!(port <= 65535, "port {port} is out of range");
    port as u16
}

fn main() {
    for arg in std::env::args().skip(1) {
        println!("accepted port {}", checked_port(&arg));
    }
}
