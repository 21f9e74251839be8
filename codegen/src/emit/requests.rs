//! Request builders: one item builder and one collection builder per entity
//! type, and the client methods that start paths. The URL grows at run time
//! as the caller walks navigation properties, so the code stays linear in the
//! size of the schema and navigation cycles need nothing special.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::csdl::OperationKind;
use crate::model::{
    OperationDef, OperationId, ParameterDef, Primitive, TypeId, TypeKind, TypeTarget, TypeUse,
};
use crate::select::{AreaSet, BuilderSpec};

use super::names::{self, Scope};
use super::{docs, ident, ClientEntry, Emitter, Result};

/// The runtime's list of `GraphClient` method names, which client entry
/// points must not take; kept with the runtime, which tests it against
/// `GraphClient`'s methods.
mod runtime {
    include!("../../../graph-intune/src/reserved.rs");
}

/// A client method that starts a path at an entity set or singleton.
struct EntryMethod {
    doc: String,
    method: Ident,
    /// The builder it returns.
    builder: Ident,
    /// The entity set or singleton name: the path's first segment.
    segment: String,
    /// Its `cfg`, when only some areas need it.
    cfg: TokenStream,
}

impl Emitter<'_> {
    /// The start of the `requests` module: its docs and the client entry
    /// points. The builders of each entity type ([`Self::builders`]) follow.
    pub(crate) fn request_head(&self) -> Result<TokenStream> {
        let mut out = quote! {
            //! Request builders. Start from a [`GraphClient`](::graph_intune::GraphClient)
            //! method named after an entity set or singleton, walk navigation
            //! properties, then send with `get`, `update`, `delete`, `list`, `create`
            //! or a bound action.
        };
        out.extend(self.client_entry()?);
        Ok(out)
    }

    /// The item builder of entity type `id`, and its collection builder if needed.
    pub(crate) fn builders(&self, id: TypeId, spec: &BuilderSpec) -> Result<TokenStream> {
        let mut out = self.item_builder(id, spec)?;
        if spec.collection {
            out.extend(self.collection_builder(id, spec)?);
        }
        Ok(out)
    }

    #[track_caller]
    fn item_builder_ident(&self, id: TypeId) -> Result<Ident> {
        Ok(ident(&self.builder_names(id)?.item))
    }

    #[track_caller]
    fn collection_builder_ident(&self, id: TypeId) -> Result<Ident> {
        Ok(ident(&self.builder_names(id)?.collection))
    }

    /// The client's methods: entry points, then action and function imports.
    fn client_entry(&self) -> Result<TokenStream> {
        let mut scope = Scope::new();
        // The runtime's own `GraphClient` methods: a schema name must not
        // shadow them (inherent) or be shadowed by them (trait); and the
        // extension trait's `service_operations`.
        for reserved in runtime::RESERVED_CLIENT_METHODS
            .iter()
            .chain(&["service_operations"])
        {
            scope.reserve(reserved);
        }
        let entries = self.entry_methods(&mut scope)?;
        let imports = self.import_methods(&mut scope)?;
        Ok(match self.options.client_entry {
            ClientEntry::Inherent => inherent_client(&entries, &imports),
            ClientEntry::ExtensionTrait => extension_client(&entries, &imports),
        })
    }

    /// One method per entity set and singleton of the selection.
    fn entry_methods(&self, scope: &mut Scope) -> Result<Vec<EntryMethod>> {
        let mut entries = Vec::new();
        for entry in &self.selection.entry_points {
            let method = ident(&scope.allocate(&names::field_name(&entry.name)).0);
            let (builder, kind) = if entry.collection {
                (self.collection_builder_ident(entry.ty)?, "entity set")
            } else {
                (self.item_builder_ident(entry.ty)?, "singleton")
            };
            let doc = format!(
                " The {kind} `{}` (`{}`).",
                entry.name,
                self.model.ty(entry.ty).qualified_name()
            );
            let areas = self
                .area_map()
                .and_then(|m| m.entry_points.get(&entry.name));
            entries.push(EntryMethod {
                doc,
                method,
                builder,
                segment: entry.name.clone(),
                cfg: self.cfg(areas),
            });
        }
        Ok(entries)
    }

    /// Action and function imports: operations at the service root.
    fn import_methods(&self, scope: &mut Scope) -> Result<TokenStream> {
        let mut imports = TokenStream::new();
        for c in &self.model.containers {
            for import in c.action_imports.iter().chain(&c.function_imports) {
                for op in &import.operations {
                    imports.extend(self.operation(
                        self.model.operation(*op),
                        (&import.name, &import.name),
                        Receiver::Import,
                        scope,
                    )?);
                }
            }
        }
        Ok(imports)
    }

    /// Adds the bound operations to a builder's methods and emits the
    /// builder: the struct holding its generic half (`kind`, of the
    /// runtime), its `Resource` and `Deref` implementations, the
    /// `declaration` of what it addresses, and its own methods, if any.
    fn finish_builder(
        &self,
        (name, doc, kind): (&Ident, &str, &TokenStream),
        (id, areas, on_collection): (TypeId, Option<&AreaSet>, bool),
        declaration: TokenStream,
        mut methods: TokenStream,
        operations: &[OperationId],
        mut scope: Scope,
    ) -> Result<TokenStream> {
        for &op_id in operations {
            let op = self.model.operation(op_id);
            let names = (op.name.as_str(), bound_url_name(op));
            let own_areas = self
                .area_map()
                .and_then(|m| m.operations.get(&(id, on_collection, op_id)));
            methods.extend(self.member_cfg(areas, own_areas));
            methods.extend(self.operation(op, (names.0, &names.1), Receiver::Bound, &mut scope)?);
        }
        let cfg = self.cfg(areas);
        let feature_doc = self.feature_doc(areas);
        let own = (!methods.is_empty()).then(|| {
            quote! {
                #cfg
                impl #name {
                    #methods
                }
            }
        });
        Ok(quote! {
            #[doc = #doc]
            #feature_doc
            #cfg
            #[derive(Debug, Clone)]
            pub struct #name {
                inner: ::graph_intune::runtime::#kind<Self>,
            }

            #cfg
            impl ::graph_intune::runtime::Resource for #name {
                fn from_request(request: ::graph_intune::runtime::RequestBuilder) -> Self {
                    Self { inner: ::graph_intune::runtime::#kind::new(request) }
                }
            }

            #cfg
            impl ::std::ops::Deref for #name {
                type Target = ::graph_intune::runtime::#kind<Self>;

                fn deref(&self) -> &Self::Target {
                    &self.inner
                }
            }

            #cfg
            #declaration
            #own
        })
    }

    /// The item builder: the struct, what it addresses (its runtime
    /// `Entity` implementation: model and capabilities), its navigations
    /// and bound operations.
    fn item_builder(&self, id: TypeId, spec: &BuilderSpec) -> Result<TokenStream> {
        let name = self.item_builder_ident(id)?;
        let model = self.type_path(id)?;
        let doc = format!(" Requests on one `{}`.", self.model.ty(id).qualified_name());
        let has_stream = self
            .model
            .base_chain(id)
            .iter()
            .any(|t| self.model.structured(*t).is_some_and(|s| s.has_stream));
        let (update, delete, media) = (
            capability(spec.item.updatable),
            capability(spec.item.deletable),
            capability(has_stream),
        );
        let declaration = quote! {
            impl ::graph_intune::runtime::Entity for #name {
                type Model = #model;
                type Update = #update;
                type Delete = #delete;
                type Media = #media;
            }
        };
        let mut scope = method_scope();
        let areas = self.area_map().and_then(|m| m.builders.get(&id));
        let methods = self.navigation_methods(id, spec, areas, &mut scope)?;
        let kind = quote!(EntityRequest);
        self.finish_builder(
            (&name, &doc, &kind),
            (id, areas, false),
            declaration,
            methods,
            &spec.item_operations,
            scope,
        )
    }

    /// One method per navigation property the selection offers, returning
    /// the target's builder.
    fn navigation_methods(
        &self,
        id: TypeId,
        spec: &BuilderSpec,
        areas: Option<&AreaSet>,
        scope: &mut Scope,
    ) -> Result<TokenStream> {
        let mut methods = TokenStream::new();
        for (owner, nav) in self.model.all_navigations(id) {
            if !spec.navigations.contains(&nav.name)
                || !self.selection.builders.contains_key(&nav.target)
            {
                continue;
            }
            let wanted = names::field_name(&nav.name);
            let (method, renamed) = scope.allocate(&wanted);
            // Reported once, for the type that declares the navigation property.
            if renamed && owner == id {
                let message = format!(
                    "navigation `{}` of `{}` would be method `{wanted}`, which is taken; it is `{method}`",
                    nav.name,
                    self.model.ty(id).qualified_name()
                );
                self.warn(&nav.pos, message);
            }
            let method = ident(&method);
            let segment = &nav.name;
            let target = if nav.collection {
                self.collection_builder_ident(nav.target)?
            } else {
                self.item_builder_ident(nav.target)?
            };
            let d = docs(&nav.docs, &format!("Navigation property `{segment}`."));
            let own_areas = self
                .area_map()
                .and_then(|m| m.navigations.get(&(id, nav.name.clone())));
            let cfg = self.member_cfg(areas, own_areas);
            methods.extend(quote! {
                #d
                #cfg
                pub fn #method(&self) -> crate::requests::#target {
                    self.inner.navigate(#segment)
                }
            });
        }
        Ok(methods)
    }

    /// The collection builder: the struct, what it addresses (its
    /// `Collection` implementation: item builder and whether items can be
    /// created) and the operations bound to the collection.
    fn collection_builder(&self, id: TypeId, spec: &BuilderSpec) -> Result<TokenStream> {
        let name = self.collection_builder_ident(id)?;
        let item = self.item_builder_ident(id)?;
        let qualified = self.model.ty(id).qualified_name();
        let doc = format!(" Requests on a collection of `{qualified}`.");
        let create = capability(spec.collection_restrictions.insertable);
        let declaration = quote! {
            impl ::graph_intune::runtime::Collection for #name {
                type Item = crate::requests::#item;
                type Create = #create;
            }
        };
        let kind = quote!(CollectionRequest);
        let areas = self.area_map().and_then(|m| m.collections.get(&id));
        self.finish_builder(
            (&name, &doc, &kind),
            (id, areas, true),
            declaration,
            TokenStream::new(),
            &spec.collection_operations,
            method_scope(),
        )
    }
}

/// The entry points as inherent methods of `GraphClient`.
fn inherent_client(entries: &[EntryMethod], imports: &TokenStream) -> TokenStream {
    let methods = entries.iter().map(|e| {
        let (doc, method, builder, segment) = (&e.doc, &e.method, &e.builder, &e.segment);
        let cfg = &e.cfg;
        quote! {
            #[doc = #doc]
            #cfg
            pub fn #method(&self) -> crate::requests::#builder {
                ::graph_intune::runtime::Resource::from_request(self.request(#segment))
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

/// The entry points as a `GraphClientExt` trait implemented for
/// `GraphClient`, and the imports on a `ServiceOperations` it returns.
fn extension_client(entries: &[EntryMethod], imports: &TokenStream) -> TokenStream {
    let signatures = entries.iter().map(|e| {
        let (doc, method, builder, cfg) = (&e.doc, &e.method, &e.builder, &e.cfg);
        quote! {
            #[doc = #doc]
            #cfg
            fn #method(&self) -> crate::requests::#builder;
        }
    });
    let methods = entries.iter().map(|e| {
        let (method, builder, segment, cfg) = (&e.method, &e.builder, &e.segment, &e.cfg);
        quote! {
            #cfg
            fn #method(&self) -> crate::requests::#builder {
                ::graph_intune::runtime::Resource::from_request(self.request(#segment))
            }
        }
    });
    let (service, service_signature, service_method) = service_operations(imports);
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

/// The `ServiceOperations` struct holding the imports, and the trait
/// method's signature and body that return it; all empty without imports.
fn service_operations(imports: &TokenStream) -> (TokenStream, TokenStream, TokenStream) {
    if imports.is_empty() {
        return (TokenStream::new(), TokenStream::new(), TokenStream::new());
    }
    let service = quote! {
        /// The service's action and function imports, from
        /// [`GraphClientExt::service_operations`].
        #[derive(Debug, Clone)]
        pub struct ServiceOperations {
            client: ::graph_intune::GraphClient,
        }

        impl ServiceOperations {
            fn request(&self, root: &str) -> ::graph_intune::runtime::RequestBuilder {
                self.client.request(root)
            }

            #imports
        }
    };
    let signature = quote! {
        /// The service's action and function imports.
        fn service_operations(&self) -> crate::requests::ServiceOperations;
    };
    let method = quote! {
        fn service_operations(&self) -> crate::requests::ServiceOperations {
            crate::requests::ServiceOperations { client: self.clone() }
        }
    };
    (service, signature, method)
}

/// A builder's method names, with the runtime ones reserved: the methods
/// of `EntityRequest` and `CollectionRequest` it dereferences to, which a
/// generated method of the same name would hide.
fn method_scope() -> Scope {
    let mut scope = Scope::new();
    for r in runtime::RESERVED_BUILDER_METHODS {
        scope.reserve(r);
    }
    scope
}

/// The runtime's marker of a capability the schema allows, or does not.
fn capability(allowed: bool) -> TokenStream {
    if allowed {
        quote!(::graph_intune::runtime::Yes)
    } else {
        quote!(::graph_intune::runtime::No)
    }
}

/// Where an operation's URL starts.
#[derive(Clone, Copy)]
enum Receiver {
    /// A bound operation: a segment after the builder's path (`self.inner`,
    /// the builder's generic half).
    Bound,
    /// An action or function import: a segment after the service root
    /// (`client` is the expression of a `&GraphClient`).
    Import,
}

impl Receiver {
    /// The request builder at `segment` (an expression of a `&str`, such
    /// as a string literal).
    fn at(self, segment: TokenStream) -> TokenStream {
        match self {
            Receiver::Bound => quote!(self.inner.request_builder().segment(#segment)),
            Receiver::Import => quote!(self.request(#segment)),
        }
    }
}

/// An operation's method, as emitted: its docs, name, parameters and
/// return type; the body depends on the operation kind.
struct Signature<'o> {
    doc: TokenStream,
    method: Ident,
    /// Parameters with their Rust names, in order.
    params: Vec<(Ident, &'o ParameterDef)>,
    /// The method's arguments (`name: &T` or `name: Option<&T>`).
    args: Vec<TokenStream>,
    ret: TokenStream,
    /// How the response is read: none (no return type), as a `value`
    /// wrapper (`true`: collections, primitives, enums) or as an entity or
    /// complex value (`false`).
    unwrap_value: Option<bool>,
}

impl Emitter<'_> {
    /// A method for an action (POST with a JSON body of its parameters) or a
    /// function (GET with its parameters as URL literals).
    fn operation(
        &self,
        op: &OperationDef,
        (name, url_name): (&str, &str),
        receiver: Receiver,
        scope: &mut Scope,
    ) -> Result<TokenStream> {
        let signature = self.signature(op, name, receiver, scope)?;
        if op.kind == OperationKind::Function {
            Ok(self.function_method(signature, url_name, receiver))
        } else {
            self.action_method(signature, url_name, receiver)
        }
    }

    /// The method's name (with a warning when it is taken), docs,
    /// parameters and return type.
    fn signature<'o>(
        &self,
        op: &'o OperationDef,
        name: &str,
        receiver: Receiver,
        scope: &mut Scope,
    ) -> Result<Signature<'o>> {
        let wanted = names::field_name(name);
        let (method, renamed) = scope.allocate(&wanted);
        if renamed {
            let message = format!(
                "operation `{}.{}` would be method `{wanted}`, which is taken (an overload or a navigation property); it is `{method}`",
                op.namespace, op.name
            );
            self.warn(&op.pos, message);
        }
        let kind = if op.kind == OperationKind::Action {
            "action"
        } else {
            "function"
        };
        let bound = match receiver {
            Receiver::Bound => "bound ",
            Receiver::Import => "",
        };
        let doc = docs(
            &op.docs,
            &format!("The {bound}{kind} `{}.{}`.", op.namespace, op.name),
        );
        let (ret, unwrap_value) = match &op.return_type {
            None => (quote!(()), None),
            Some(r) => {
                let ty = self.rust_type(r.ty, false)?;
                let wrapped = r.ty.collection
                    || !matches!(r.ty.target, TypeTarget::Named(t) if self.model.structured(t).is_some());
                (ty, Some(wrapped))
            }
        };
        let params = parameter_names(op);
        let args = params
            .iter()
            .map(|(name, p)| {
                let base = self.parameter_type(p.ty)?;
                Ok(if optional(p) {
                    quote!(#name: ::std::option::Option<&#base>)
                } else {
                    quote!(#name: &#base)
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Signature {
            doc,
            method: ident(&method),
            params,
            args,
            ret,
            unwrap_value,
        })
    }

    /// A function: `GET` of a segment with the parameters as URL literals.
    fn function_method(&self, s: Signature<'_>, url_name: &str, receiver: Receiver) -> TokenStream {
        let literals = s.params.iter().map(|(name, p)| {
            let wire = &p.name;
            let value = quote!(#name);
            let literal = self.literal(p.ty, &value);
            let literal = if optional(p) {
                quote!(#name.map_or_else(::graph_intune::odata::null_literal, |#name| #literal))
            } else {
                literal
            };
            quote!((#wire, #literal))
        });
        let segment = quote!(::graph_intune::odata::function_segment(#url_name, &[#(#literals),*]));
        let target = receiver.at(quote!(&segment));
        let call = match s.unwrap_value {
            Some(true) => quote!(#target.get_value()),
            _ => quote!(#target.get()),
        };
        let Signature {
            doc,
            method,
            args,
            ret,
            ..
        } = s;
        quote! {
            #doc
            pub fn #method(&self, #(#args),*) -> ::graph_intune::Call<#ret> {
                let segment = #segment;
                #call
            }
        }
    }

    /// An action: `POST` of the parameters as a JSON object.
    fn action_method(
        &self,
        s: Signature<'_>,
        url_name: &str,
        receiver: Receiver,
    ) -> Result<TokenStream> {
        let fields = s
            .params
            .iter()
            .map(|(name, p)| {
                let wire = &p.name;
                let base = self.parameter_type(p.ty)?;
                let ty = if optional(p) {
                    quote!(::std::option::Option<&'a #base>)
                } else {
                    quote!(&'a #base)
                };
                // serde names the field after the identifier without `r#`.
                let rename = (wire.as_str() != super::unraw(&name.to_string()))
                    .then(|| quote!(#[serde(rename = #wire)]));
                Ok(quote!(#rename #name: #ty,))
            })
            .collect::<Result<Vec<_>>>()?;
        // Every field borrows for `'a`; a body without parameters borrows
        // nothing and is an empty struct (serialized as `{}`).
        let lifetime = (!fields.is_empty()).then(|| quote!(<'a>));
        let inits = s.params.iter().map(|(name, _)| quote!(#name,));
        let target = receiver.at(quote!(#url_name));
        let call = match s.unwrap_value {
            None => quote!(#target.post_no_content(&body)),
            Some(true) => quote!(#target.post_value(&body)),
            Some(false) => quote!(#target.post(&body)),
        };
        let (doc, method, args, ret) = (&s.doc, &s.method, &s.args, &s.ret);
        Ok(quote! {
            #doc
            pub fn #method(&self, #(#args),*) -> ::graph_intune::Call<#ret> {
                #[derive(::serde::Serialize)]
                struct Body #lifetime {
                    #(#fields)*
                }
                let body = Body { #(#inits)* };
                #call
            }
        })
    }

    /// The expression of a parameter's URL literal; `value` is a reference.
    fn literal(&self, ty: TypeUse, value: &TokenStream) -> TokenStream {
        if ty.collection {
            return quote!(::graph_intune::odata::json_literal(#value));
        }
        match ty.target {
            TypeTarget::Primitive(Primitive::Untyped | Primitive::Stream) => {
                quote!(::graph_intune::odata::json_literal(#value))
            }
            TypeTarget::Primitive(_) => quote!(::graph_intune::odata::Literal::literal(#value)),
            TypeTarget::Named(id) => match &self.model.ty(id).kind {
                TypeKind::Enum(e) if e.is_flags => {
                    quote!(::graph_intune::odata::string_literal(&#value.to_string()))
                }
                TypeKind::Enum(_) => {
                    quote!(::graph_intune::odata::string_literal(#value.as_str()))
                }
                TypeKind::Definition(_) => {
                    quote!(::graph_intune::odata::Literal::literal(&#value.0))
                }
                TypeKind::Structured(_) => {
                    quote!(::graph_intune::odata::json_literal(#value))
                }
            },
        }
    }

    /// A parameter's borrowed type: `[T]` for collections, `str` for strings.
    fn parameter_type(&self, ty: TypeUse) -> Result<TokenStream> {
        let elem = self.rust_type(
            TypeUse {
                collection: false,
                target: ty.target,
            },
            false,
        )?;
        Ok(if ty.collection {
            quote!([#elem])
        } else if ty.target == TypeTarget::Primitive(Primitive::String) {
            quote!(str)
        } else {
            elem
        })
    }
}

/// The Rust names of an operation's parameters (`body` and `segment` are
/// the method's own locals).
fn parameter_names(op: &OperationDef) -> Vec<(Ident, &ParameterDef)> {
    let mut scope = Scope::new();
    for reserved in ["body", "segment"] {
        scope.reserve(reserved);
    }
    op.parameters
        .iter()
        .map(|p| (ident(&scope.allocate(&names::field_name(&p.name)).0), p))
        .collect()
}

/// Whether a parameter is passed as `Option<&T>`: nullable and single-valued
/// (a collection parameter is never null).
fn optional(p: &ParameterDef) -> bool {
    p.nullable && !p.ty.collection
}

/// The URL name of a bound operation: plain in `microsoft.graph`, qualified elsewhere.
fn bound_url_name(op: &OperationDef) -> String {
    if op.namespace == "microsoft.graph" {
        op.name.clone()
    } else {
        format!("{}.{}", op.namespace, op.name)
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
