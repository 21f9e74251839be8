//! Request builders: one item builder and one collection builder per entity
//! type, and the client methods that start paths. The URL grows at run time
//! as the caller walks navigation properties, so the code stays linear in the
//! size of the schema and navigation cycles need nothing special.

use proc_macro2::TokenStream;
use quote::quote;

use crate::csdl::OperationKind;
use crate::model::{Model, OperationDef, ParameterDef, Primitive, TypeId, TypeTarget, TypeUse};
use crate::select::{BuilderSpec, Selection};
use crate::Warning;

use super::models::{named_type, rust_type};
use super::names::{self, Scope};
use super::plan::Plan;
use super::{docs, ident, ClientEntry, Options};

/// Methods every item builder or collection builder may have: the
/// generator's own (see [`common_methods`], [`item_builder`],
/// [`collection_builder`]). Builders hold their `RequestBuilder` in a private
/// field, so the runtime's method names do not reach them.
const RESERVED: &[&str] = &[
    "new", "path", "query", "get", "update", "delete", "by_id", "list", "stream", "pages", "create",
];

/// The runtime's list of `GraphClient` method names, which client entry
/// points must not take; kept with the runtime, which tests it against
/// `GraphClient`'s methods.
mod runtime {
    include!("../../../graph-intune/src/reserved.rs");
}

/// The start of the `requests` module: its docs and the client entry points.
/// The builders of each entity type ([`builders`]) follow.
pub fn head(
    model: &Model,
    selection: &Selection,
    plan: &Plan,
    options: &Options,
) -> (TokenStream, Vec<Warning>) {
    let mut warnings = Vec::new();
    let mut out = quote! {
        //! Request builders. Start from a [`GraphClient`](::graph_intune::GraphClient)
        //! method named after an entity set or singleton, walk navigation
        //! properties, then send with `get`, `update`, `delete`, `list`, `create`
        //! or a bound action.
    };
    out.extend(client_entry(model, selection, plan, options, &mut warnings));
    (out, warnings)
}

/// The item builder of entity type `id`, and its collection builder if needed.
pub fn builders(
    model: &Model,
    selection: &Selection,
    plan: &Plan,
    (id, spec): (TypeId, &BuilderSpec),
    warnings: &mut Vec<Warning>,
) -> TokenStream {
    let mut out = item_builder(model, selection, plan, id, spec, warnings);
    if spec.collection {
        out.extend(collection_builder(model, plan, id, spec, warnings));
    }
    out
}

fn item_name(plan: &Plan, id: TypeId) -> proc_macro2::Ident {
    ident(plan.builders.get(&id).map_or("Unnamed", |b| b.0.as_str()))
}

fn collection_name(plan: &Plan, id: TypeId) -> proc_macro2::Ident {
    ident(plan.builders.get(&id).map_or("Unnamed", |b| b.1.as_str()))
}

fn client_entry(
    model: &Model,
    selection: &Selection,
    plan: &Plan,
    options: &Options,
    warnings: &mut Vec<Warning>,
) -> TokenStream {
    let mut scope = Scope::new();
    // The runtime's own `GraphClient` methods: a schema name must not shadow
    // them (inherent) or be shadowed by them (trait); and the extension
    // trait's `service_operations`.
    for reserved in runtime::RESERVED_CLIENT_METHODS
        .iter()
        .chain(&["service_operations"])
    {
        scope.reserve(reserved);
    }
    let mut signatures = Vec::new();
    let mut bodies = Vec::new();
    for entry in &selection.entry_points {
        let method = ident(&scope.allocate(&names::field_name(&entry.name)).0);
        let segment = &entry.name;
        let builder = if entry.collection {
            collection_name(plan, entry.ty)
        } else {
            item_name(plan, entry.ty)
        };
        let kind = if entry.collection {
            "entity set"
        } else {
            "singleton"
        };
        let doc = format!(
            " The {kind} `{segment}` (`{}`).",
            model.ty(entry.ty).qualified_name()
        );
        signatures.push(quote! {
            #[doc = #doc]
            fn #method(&self) -> crate::requests::#builder;
        });
        bodies.push((doc, method, builder, segment.clone()));
    }
    // Action and function imports: operations at the service root.
    let mut imports = TokenStream::new();
    let mut import_warnings = Vec::new();
    for c in &model.containers {
        for import in c.action_imports.iter().chain(&c.function_imports) {
            for op in &import.operations {
                imports.extend(operation(
                    model,
                    plan,
                    model.operation(*op),
                    (&import.name, &import.name),
                    Receiver::Import,
                    &mut scope,
                    &mut import_warnings,
                ));
            }
        }
    }
    warnings.extend(import_warnings);
    match options.client_entry {
        ClientEntry::Inherent => {
            let methods = bodies.iter().map(|(doc, method, builder, segment)| {
                quote! {
                    #[doc = #doc]
                    pub fn #method(&self) -> crate::requests::#builder {
                        crate::requests::#builder::new(self.request(#segment))
                    }
                }
            });
            quote! {
                impl ::graph_intune::GraphClient {
                    #(#methods)*
                    #imports
                }
            }
        }
        ClientEntry::ExtensionTrait => {
            let methods = bodies.iter().map(|(_, method, builder, segment)| {
                quote! {
                    fn #method(&self) -> crate::requests::#builder {
                        crate::requests::#builder::new(self.request(#segment))
                    }
                }
            });
            let service = if imports.is_empty() {
                TokenStream::new()
            } else {
                quote! {
                    /// The service's action and function imports, from
                    /// [`GraphClientExt::service_operations`].
                    #[derive(::std::fmt::Debug, ::std::clone::Clone)]
                    pub struct ServiceOperations {
                        client: ::graph_intune::GraphClient,
                    }

                    impl ServiceOperations {
                        fn request(&self, root: &str) -> ::graph_intune::runtime::RequestBuilder {
                            self.client.request(root)
                        }

                        #imports
                    }
                }
            };
            let (service_signature, service_method) = if service.is_empty() {
                (TokenStream::new(), TokenStream::new())
            } else {
                (
                    quote! {
                        /// The service's action and function imports.
                        fn service_operations(&self) -> crate::requests::ServiceOperations;
                    },
                    quote! {
                        fn service_operations(&self) -> crate::requests::ServiceOperations {
                            crate::requests::ServiceOperations { client: self.clone() }
                        }
                    },
                )
            };
            quote! {
                /// Paths from the entity container: bring this trait into scope
                /// to call them on a [`GraphClient`](::graph_intune::GraphClient).
                pub trait GraphClientExt {
                    #(#signatures)*
                    #service_signature
                }

                impl GraphClientExt for ::graph_intune::GraphClient {
                    #(#methods)*
                    #service_method
                }

                #service
            }
        }
    }
}

/// A builder's method names, with the runtime ones reserved.
fn method_scope() -> Scope {
    let mut scope = Scope::new();
    for r in RESERVED {
        scope.reserve(r);
    }
    scope
}

/// Adds the bound operations to a builder's methods and emits the builder.
#[allow(clippy::too_many_arguments)]
fn finish_builder(
    model: &Model,
    plan: &Plan,
    name: &proc_macro2::Ident,
    doc: &str,
    mut methods: TokenStream,
    operations: &[crate::model::OperationId],
    mut scope: Scope,
    warnings: &mut Vec<Warning>,
) -> TokenStream {
    for op in operations {
        let op = model.operation(*op);
        methods.extend(operation(
            model,
            plan,
            op,
            (&op.name, &bound_url_name(op)),
            Receiver::Bound,
            &mut scope,
            warnings,
        ));
    }
    let st = builder_struct(name, doc);
    quote! {
        #st
        impl #name {
            #methods
        }
    }
}

fn builder_struct(name: &proc_macro2::Ident, doc: &str) -> TokenStream {
    quote! {
        #[doc = #doc]
        #[derive(::std::fmt::Debug, ::std::clone::Clone)]
        pub struct #name {
            inner: ::graph_intune::runtime::RequestBuilder,
        }
    }
}

fn common_methods() -> TokenStream {
    quote! {
        /// Wraps a request builder positioned at this path (used by generated code).
        #[doc(hidden)]
        pub fn new(inner: ::graph_intune::runtime::RequestBuilder) -> Self {
            Self { inner }
        }

        /// The request path below the client's base URL, percent-encoded.
        pub fn path(&self) -> &str {
            self.inner.path()
        }

        /// The same requests with query options (`$filter`, `$select`,
        /// `$expand`, `$orderby`, `$top`, `$skip`, `$count`, `$search`).
        pub fn query(&self, query: &::graph_intune::Query) -> Self {
            Self::new(self.inner.with_query(query))
        }
    }
}

fn item_builder(
    model: &Model,
    selection: &Selection,
    plan: &Plan,
    id: TypeId,
    spec: &BuilderSpec,
    warnings: &mut Vec<Warning>,
) -> TokenStream {
    let t = model.ty(id);
    let name = item_name(plan, id);
    let entity = named_type(model, plan, id);
    let qualified = t.qualified_name();
    let doc = format!(" Requests on one `{qualified}`.");
    let mut methods = common_methods();
    methods.extend(quote! {
        /// Reads the entity (`GET`).
        pub async fn get(&self) -> ::std::result::Result<#entity, ::graph_intune::GraphError> {
            self.inner.get().await
        }
    });
    if spec.item.updatable {
        methods.extend(quote! {
            /// Updates the entity with the properties set in `body` (`PATCH`).
            /// Unset properties are not sent; a property set to
            /// `Nullable::Null` is cleared.
            ///
            /// Returns the updated entity when the service answers with it
            /// (`200 OK`), `None` when it answers `204 No Content`.
            pub async fn update(&self, body: &#entity) -> ::std::result::Result<::std::option::Option<#entity>, ::graph_intune::GraphError> {
                self.inner.patch_optional(body).await
            }
        });
    }
    if spec.item.deletable {
        methods.extend(quote! {
            /// Deletes the entity (`DELETE`).
            pub async fn delete(&self) -> ::std::result::Result<(), ::graph_intune::GraphError> {
                self.inner.delete().await
            }
        });
    }
    let mut scope = method_scope();
    let has_stream = model
        .base_chain(id)
        .iter()
        .any(|t| model.structured(*t).is_some_and(|s| s.has_stream));
    if has_stream {
        scope.reserve("content");
        scope.reserve("put_content");
        methods.extend(quote! {
            /// The entity's media content (`GET …/$value`), as sent.
            pub async fn content(&self) -> ::std::result::Result<::std::vec::Vec<u8>, ::graph_intune::GraphError> {
                self.inner.segment("$value").get_bytes().await
            }

            /// Replaces the entity's media content (`PUT …/$value`).
            pub async fn put_content(&self, content_type: &str, bytes: ::std::vec::Vec<u8>) -> ::std::result::Result<(), ::graph_intune::GraphError> {
                self.inner.segment("$value").put_bytes(content_type, bytes).await
            }
        });
    }
    for (owner, nav) in model.all_navigations(id) {
        if !spec.navigations.contains(&nav.name) || !selection.builders.contains_key(&nav.target) {
            continue;
        }
        let wanted = names::field_name(&nav.name);
        let (method, renamed) = scope.allocate(&wanted);
        // Reported once, for the type that declares the navigation property.
        if renamed && owner == id {
            warnings.push(Warning {
                pos: Some(nav.pos.clone()),
                message: format!(
                    "navigation `{}` of `{qualified}` would be method `{wanted}`, which is taken; it is `{method}`",
                    nav.name
                ),
            });
        }
        let method = ident(&method);
        let segment = &nav.name;
        let target = if nav.collection {
            collection_name(plan, nav.target)
        } else {
            item_name(plan, nav.target)
        };
        let d = docs(&nav.docs, &format!("Navigation property `{segment}`."));
        methods.extend(quote! {
            #d
            pub fn #method(&self) -> crate::requests::#target {
                crate::requests::#target::new(self.inner.segment(#segment))
            }
        });
    }
    finish_builder(
        model,
        plan,
        &name,
        &doc,
        methods,
        &spec.item_operations,
        scope,
        warnings,
    )
}

fn collection_builder(
    model: &Model,
    plan: &Plan,
    id: TypeId,
    spec: &BuilderSpec,
    warnings: &mut Vec<Warning>,
) -> TokenStream {
    let t = model.ty(id);
    let name = collection_name(plan, id);
    let item = item_name(plan, id);
    let entity = named_type(model, plan, id);
    let qualified = t.qualified_name();
    let doc = format!(" Requests on a collection of `{qualified}`.");
    let mut methods = common_methods();
    methods.extend(quote! {
        /// The item with key `id` (percent-encoded into the path).
        pub fn by_id(&self, id: &str) -> crate::requests::#item {
            crate::requests::#item::new(self.inner.key(id))
        }

        /// Reads one page of the collection (`GET`): its items and the
        /// `@odata.nextLink` to the next page, if any.
        pub async fn list(&self) -> ::std::result::Result<::graph_intune::runtime::Page<#entity>, ::graph_intune::GraphError> {
            self.inner.list().await
        }

        /// Every item of the collection, page after page, following
        /// `@odata.nextLink` (only to the client's own origin).
        pub fn stream(&self) -> ::graph_intune::runtime::Items<#entity> {
            self.inner.stream()
        }

        /// Every page of the collection, following `@odata.nextLink`.
        pub fn pages(&self) -> ::graph_intune::runtime::Pages<#entity> {
            self.inner.pages()
        }
    });
    if spec.collection_restrictions.insertable {
        methods.extend(quote! {
            /// Creates an item (`POST`) and returns it as created.
            pub async fn create(&self, body: &#entity) -> ::std::result::Result<#entity, ::graph_intune::GraphError> {
                self.inner.post(body).await
            }
        });
    }
    finish_builder(
        model,
        plan,
        &name,
        &doc,
        methods,
        &spec.collection_operations,
        method_scope(),
        warnings,
    )
}

/// Where an operation's URL starts.
#[derive(Clone, Copy)]
enum Receiver {
    /// A bound operation: a segment after the builder's path (`self.inner`).
    Bound,
    /// An action or function import: a segment after the service root
    /// (`client` is the expression of a `&GraphClient`).
    Import,
}

/// A method for an action (POST with a JSON body of its parameters) or a
/// function (GET with its parameters as URL literals).
fn operation(
    model: &Model,
    plan: &Plan,
    op: &OperationDef,
    (name, url_name): (&str, &str),
    receiver: Receiver,
    scope: &mut Scope,
    warnings: &mut Vec<Warning>,
) -> TokenStream {
    let wanted = names::field_name(name);
    let (method, renamed) = scope.allocate(&wanted);
    if renamed {
        warnings.push(Warning {
            pos: Some(op.pos.clone()),
            message: format!(
                "operation `{}.{}` would be method `{wanted}`, which is taken (an overload or a navigation property); it is `{method}`",
                op.namespace, op.name
            ),
        });
    }
    let method = ident(&method);
    let kind = if op.kind == OperationKind::Action {
        "action"
    } else {
        "function"
    };
    let bound = if matches!(receiver, Receiver::Bound) {
        "bound "
    } else {
        ""
    };
    let d = docs(
        &op.docs,
        &format!("The {bound}{kind} `{}.{}`.", op.namespace, op.name),
    );
    let builder = |segment: TokenStream| match receiver {
        Receiver::Bound => quote!(self.inner.segment(&#segment)),
        Receiver::Import => quote!(self.request(&#segment)),
    };

    // Return type and the runtime call that reads it.
    let (ret, unwrap_value) = match &op.return_type {
        None => (quote!(()), None),
        Some(r) => {
            let ty = rust_type(model, plan, r.ty, false);
            let wrapped = r.ty.collection
                || !matches!(r.ty.target, TypeTarget::Named(t) if model.structured(t).is_some());
            (ty, Some(wrapped))
        }
    };

    let mut param_scope = Scope::new();
    for reserved in ["body", "segment"] {
        param_scope.reserve(reserved);
    }
    let params: Vec<(proc_macro2::Ident, &ParameterDef)> = op
        .parameters
        .iter()
        .map(|p| {
            (
                ident(&param_scope.allocate(&names::field_name(&p.name)).0),
                p,
            )
        })
        .collect();
    let args = params.iter().map(|(name, p)| {
        let base = parameter_type(model, plan, p.ty);
        if optional(p) {
            quote!(#name: ::std::option::Option<&#base>)
        } else {
            quote!(#name: &#base)
        }
    });

    if op.kind == OperationKind::Function {
        let literals = params.iter().map(|(name, p)| {
            let wire = &p.name;
            let value = quote!(#name);
            let literal = literal(model, p.ty, &value);
            let literal = if optional(p) {
                quote!(#name.map_or_else(::graph_intune::odata::null_literal, |#name| #literal))
            } else {
                literal
            };
            quote!((#wire, #literal))
        });
        let segment = quote!(::graph_intune::odata::function_segment(#url_name, &[#(#literals),*]));
        let target = builder(quote!(segment));
        let call = match unwrap_value {
            Some(true) => quote!(#target.get_value().await),
            _ => quote!(#target.get().await),
        };
        return quote! {
            #d
            pub async fn #method(&self, #(#args),*) -> ::std::result::Result<#ret, ::graph_intune::GraphError> {
                let segment = #segment;
                #call
            }
        };
    }

    let fields = params.iter().map(|(name, p)| {
        let wire = &p.name;
        let base = parameter_type(model, plan, p.ty);
        let ty = if optional(p) {
            quote!(::std::option::Option<&'a #base>)
        } else {
            quote!(&'a #base)
        };
        quote!(#[serde(rename = #wire)] #name: #ty,)
    });
    let inits = params.iter().map(|(name, _)| quote!(#name,));
    let target = builder(quote!(#url_name));
    let call = match unwrap_value {
        None => quote!(#target.post_no_content(&body).await),
        Some(true) => quote!(#target.post_value(&body).await),
        Some(false) => quote!(#target.post(&body).await),
    };
    quote! {
        #d
        pub async fn #method(&self, #(#args),*) -> ::std::result::Result<#ret, ::graph_intune::GraphError> {
            #[derive(::serde::Serialize)]
            struct Body<'a> {
                #(#fields)*
                #[serde(skip)]
                _marker: ::std::marker::PhantomData<&'a ()>,
            }
            let body = Body { #(#inits)* _marker: ::std::marker::PhantomData };
            #call
        }
    }
}

/// Whether a parameter is passed as `Option<&T>`: nullable and single-valued
/// (a collection parameter is never null).
fn optional(p: &ParameterDef) -> bool {
    p.nullable && !p.ty.collection
}

/// The expression of a parameter's URL literal; `value` is a reference.
fn literal(model: &Model, ty: TypeUse, value: &TokenStream) -> TokenStream {
    if ty.collection {
        return quote!(::graph_intune::odata::json_literal(#value));
    }
    match ty.target {
        TypeTarget::Primitive(Primitive::Untyped | Primitive::Stream) => {
            quote!(::graph_intune::odata::json_literal(#value))
        }
        TypeTarget::Primitive(_) => quote!(::graph_intune::odata::Literal::literal(#value)),
        TypeTarget::Named(id) => match &model.ty(id).kind {
            crate::model::TypeKind::Enum(e) if e.is_flags => {
                quote!(::graph_intune::odata::string_literal(&#value.to_string()))
            }
            crate::model::TypeKind::Enum(_) => {
                quote!(::graph_intune::odata::string_literal(#value.as_str()))
            }
            crate::model::TypeKind::Definition(_) => {
                quote!(::graph_intune::odata::Literal::literal(&#value.0))
            }
            crate::model::TypeKind::Structured(_) => {
                quote!(::graph_intune::odata::json_literal(#value))
            }
        },
    }
}

/// The URL name of a bound operation: plain in `microsoft.graph`, qualified elsewhere.
fn bound_url_name(op: &OperationDef) -> String {
    if op.namespace == "microsoft.graph" {
        op.name.clone()
    } else {
        format!("{}.{}", op.namespace, op.name)
    }
}

/// A parameter's borrowed type: `[T]` for collections, `str` for strings.
fn parameter_type(model: &Model, plan: &Plan, ty: TypeUse) -> TokenStream {
    let elem = rust_type(
        model,
        plan,
        TypeUse {
            collection: false,
            target: ty.target,
        },
        false,
    );
    if ty.collection {
        quote!([#elem])
    } else if ty.target == TypeTarget::Primitive(Primitive::String) {
        quote!(str)
    } else {
        elem
    }
}

#[cfg(test)]
mod tests {
    use crate::emit::ClientEntry;
    use crate::{Input, Scope};

    /// A service whose entity sets are named after `GraphClient` methods.
    const SCHEMA: &str = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="svc" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="thing">
        <Key><PropertyRef Name="id" /></Key>
        <Property Name="id" Type="Edm.String" Nullable="false" />
      </EntityType>
      <EntityContainer Name="Service">
        <EntitySet Name="nextPage" EntityType="svc.thing" />
        <EntitySet Name="sender" EntityType="svc.thing" />
        <EntitySet Name="clone" EntityType="svc.thing" />
        <EntitySet Name="things" EntityType="svc.thing" />
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>"#;

    fn requests_module(client_entry: ClientEntry) -> String {
        let inputs = [Input {
            name: "svc.xml",
            text: SCHEMA,
        }];
        let output =
            crate::generate(&inputs, &Scope::All, client_entry).unwrap_or_else(|e| panic!("{e}"));
        output
            .files
            .into_iter()
            .find(|file| file.path.ends_with("requests.rs"))
            .map(|file| file.contents)
            .expect("a requests module")
    }

    #[test]
    fn entry_points_do_not_take_the_names_of_the_runtime_client_methods() {
        assert!(super::runtime::RESERVED_CLIENT_METHODS.contains(&"next_page"));
        for client_entry in [ClientEntry::Inherent, ClientEntry::ExtensionTrait] {
            let code = requests_module(client_entry);
            for (method, segment) in [
                ("next_page_2", "nextPage"),
                ("sender_2", "sender"),
                ("clone_2", "clone"),
                ("things", "things"),
            ] {
                let call = format!("self.request(\"{segment}\")");
                let definition = format!("fn {method}(&self)");
                assert!(
                    code.contains(&definition) && code.contains(&call),
                    "{client_entry:?}: no `{definition}` for `{segment}` in\n{code}"
                );
            }
            assert!(!code.contains("fn next_page(&self)"), "{code}");
        }
    }
}
