//! Lesson 01: the same match with the `_ =>` arm that `#[non_exhaustive]` asks of other crates.
use registry::RegistryError;

pub fn is_transient(err: &RegistryError) -> bool {
    match err {
        RegistryError::UnknownImage { .. } | RegistryError::Forbidden { .. } => false,
        RegistryError::Timeout(_) | RegistryError::Io(_) => true,
        _ => false, // a variant added later: not known to be transient
    }
}
