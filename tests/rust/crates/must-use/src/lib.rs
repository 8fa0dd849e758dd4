//! Lesson 05: `#[must_use]` on a function that returns `Result`, as the article writes it.

pub struct Config {
    pub port: u16,
}

#[derive(Debug)]
pub struct ConfigError(pub String);

/// Bare `#[must_use]` over a `Result`: `Result` is already `#[must_use]`, so this adds nothing.
#[must_use]
pub fn load_config(text: &str) -> Result<Config, ConfigError> {
    let port = text.trim().parse().map_err(|_| ConfigError(text.to_owned()))?;
    Ok(Config { port })
}

/// `#[must_use = "…"]` adds a message of its own to the warning: that is not redundant.
#[must_use = "a config that failed to load leaves the service on its defaults"]
pub fn load_config_explained(text: &str) -> Result<Config, ConfigError> {
    load_config(text)
}
