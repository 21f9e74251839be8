/// The method names of `GraphClient` that generated client entry points
/// (inherent methods of `GraphClient`, or methods of the extension trait
/// implemented for it) must not take: every method of its inherent impls,
/// public or crate-private (generated code is part of this crate), and
/// `clone`, of its `Clone` implementation, which a trait method of the same
/// name would make ambiguous.
///
/// The code generator includes this file, so that the list has one source;
/// a test in `client.rs` fails when `GraphClient` gains a method that is
/// not on it.
pub const RESERVED_CLIENT_METHODS: &[&str] = &[
    "builder",
    "base_url",
    "cloud",
    "retry_policy",
    "timeout",
    "include_unknown_enum_members",
    "request",
    "sender",
    "next_page",
    "clone",
];
