// Prelude of notebooks/00_welcome.ipynb, snippet read-port: the error type it returns.
#[derive(Debug)]
pub enum ConfigError {
    NotANumber(String),
    OutOfRange(u32),
}

// @snippet
