// Prelude of notebooks/01_typed_errors.ipynb, snippet registry-error. The snippet is also the
// `registry` crate of the #[non_exhaustive] check (test_claims.py), whose other crates match on it.
// @snippet

/// Inside the defining crate `#[non_exhaustive]` changes nothing: this match needs no `_` arm.
pub fn is_transient(err: &RegistryError) -> bool {
    match err {
        RegistryError::UnknownImage { .. } | RegistryError::Forbidden { .. } => false,
        RegistryError::Timeout(_) | RegistryError::Io(_) => true,
    }
}
