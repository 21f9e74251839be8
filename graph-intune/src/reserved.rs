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
    "pacing",
    "request",
    "batch",
    "sender",
    "next_page",
    "clone",
];

/// The method names of the generic halves of the generated builders
/// (`EntityRequest` and `CollectionRequest`, in `resource.rs`), which the
/// builders dereference to, and of the traits every builder implements:
/// a generated navigation or operation method of the same name would hide
/// them. A test in `resource.rs` fails when the list falls behind.
pub const RESERVED_BUILDER_METHODS: &[&str] = &[
    "new",
    "request_builder",
    "path",
    "navigate",
    "query",
    "with_timeout",
    "with_retry",
    "get",
    "update",
    "delete",
    "content",
    "put_content",
    "by_id",
    "list",
    "stream",
    "pages",
    "list_all",
    "create",
    "from_request",
    "clone",
    "fmt",
    "deref",
];
