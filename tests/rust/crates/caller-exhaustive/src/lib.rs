//! Lesson 01: another crate matches every variant of the `#[non_exhaustive]` `RegistryError`.
//! The compiler refuses: outside the defining crate a `_ =>` arm is required.
use registry::RegistryError;

pub fn is_transient(err: &RegistryError) -> bool {
    match err {
        RegistryError::UnknownImage { .. } | RegistryError::Forbidden { .. } => false,
        RegistryError::Timeout(_) | RegistryError::Io(_) => true,
    }
}
