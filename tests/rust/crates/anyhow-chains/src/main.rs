//! Print an anyhow error chain the four ways the course compares with faultlab's renderer.
//!
//! `anyhow-chains CASE MODE`: CASE names a line of cases.txt; MODE is `display` (`{}`),
//! `alternate` (`{:#}`), `debug` (`{:?}`) or `main` (return the error from `main`, so that
//! std prints `Error: {:?}` to stderr and exits with 1).
use std::io;

const CASES: &str = include_str!("cases.txt");

fn chain(case: &str) -> anyhow::Error {
    let line = CASES
        .lines()
        .filter(|line| !line.starts_with('#'))
        .find(|line| line.split(" | ").next() == Some(case))
        .unwrap_or_else(|| panic!("no case {case:?} in cases.txt"));
    let messages: Vec<String> = line.split(" | ").skip(1).map(|m| m.replace("\\n", "\n")).collect();
    let (root, outer) = messages.split_last().expect("a case has at least one message");
    let mut err = anyhow::Error::new(io::Error::new(io::ErrorKind::ConnectionReset, root.clone()));
    for message in outer.iter().rev() {
        err = err.context(message.clone());
    }
    err
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, case, mode] = args.as_slice() else { panic!("usage: anyhow-chains CASE MODE") };
    let err = chain(case);
    match mode.as_str() {
        "display" => print!("{err}"),
        "alternate" => print!("{err:#}"),
        "debug" => print!("{err:?}"),
        "main" => return Err(err),
        other => panic!("unknown mode {other:?}"),
    }
    Ok(())
}
