//! The syntax layer: a streaming reader of OData CSDL XML (V4.0 / V4.01) into a
//! syntax tree that keeps every element's source position.
//!
//! Nothing here resolves names or knows about Rust: the tree is what the file
//! says, element by element. Unknown elements are skipped with their subtree so a
//! newer schema still reads; malformed XML and missing or invalid attributes are
//! errors carrying `file:line:column`.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::QName;
use quick_xml::Reader;
use smallvec::SmallVec;

use crate::Diagnostic;

/// Where an element starts in its source file (1-based line and column, column
/// counted in characters).
///
/// Positions take part in equality like any other field; to compare syntax
/// nodes by content, wherever they were written (the overlay merge), use
/// [`SameContent`].
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Pos {
    /// The file name as given to [`parse`].
    pub file: Arc<str>,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

impl Pos {
    /// The position of byte `offset` of `text` (a file's bytes, not always
    /// valid UTF-8): its line, and its column in characters.
    pub fn of_offset(file: Arc<str>, text: &[u8], offset: usize) -> Pos {
        let before = &text[..offset.min(text.len())];
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count()
            + 1;
        Pos {
            file,
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        }
    }
}

impl fmt::Debug for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// A whole CSDL document (`edmx:Edmx`).
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The file name as given to [`parse`].
    pub file: Arc<str>,
    /// The `Version` attribute of `edmx:Edmx`.
    pub version: String,
    /// The schemas of `edmx:DataServices`, in file order.
    pub schemas: Vec<Schema>,
}

/// A `Schema` element.
#[derive(Debug, Clone, PartialEq)]
pub struct Schema {
    pub namespace: String,
    pub alias: Option<String>,
    pub entity_types: Vec<StructuredType>,
    pub complex_types: Vec<StructuredType>,
    pub enum_types: Vec<EnumType>,
    pub type_definitions: Vec<TypeDefinition>,
    pub operations: Vec<Operation>,
    pub terms: Vec<Term>,
    pub entity_containers: Vec<EntityContainer>,
    /// `<Annotations Target=…>` blocks.
    pub annotation_blocks: Vec<AnnotationBlock>,
    pub pos: Pos,
}

/// Whether a structured type is an `EntityType` or a `ComplexType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StructuredKind {
    Entity,
    Complex,
}

/// An `EntityType` or `ComplexType`.
#[derive(Debug, Clone, PartialEq)]
pub struct StructuredType {
    pub kind: StructuredKind,
    pub name: String,
    pub base_type: Option<String>,
    pub is_abstract: bool,
    pub open_type: bool,
    pub has_stream: bool,
    /// `Key/PropertyRef` names (entity types only).
    pub key: Vec<String>,
    pub properties: Vec<Property>,
    pub navigation_properties: Vec<NavigationProperty>,
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

/// A structural `Property`.
#[derive(Debug, Clone, PartialEq)]
pub struct Property {
    pub name: String,
    pub type_name: String,
    /// `None` when the attribute is absent (CSDL default: nullable).
    pub nullable: Option<bool>,
    pub default_value: Option<String>,
    pub max_length: Option<String>,
    pub precision: Option<String>,
    pub scale: Option<String>,
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

/// A `NavigationProperty`.
#[derive(Debug, Clone, PartialEq)]
pub struct NavigationProperty {
    pub name: String,
    pub type_name: String,
    pub nullable: Option<bool>,
    pub contains_target: bool,
    pub partner: Option<String>,
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

/// An `EnumType`.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumType {
    pub name: String,
    pub underlying_type: Option<String>,
    pub is_flags: bool,
    pub members: Vec<EnumMember>,
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

/// An enum `Member`.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumMember {
    pub name: String,
    /// The `Value` attribute as written (absent: implicit, by position).
    pub value: Option<i64>,
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

/// A `TypeDefinition`.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDefinition {
    pub name: String,
    pub underlying_type: String,
    pub max_length: Option<String>,
    pub precision: Option<String>,
    pub scale: Option<String>,
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

/// `Action` or `Function`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OperationKind {
    Action,
    Function,
}

/// An `Action` or `Function` (each overload is its own element).
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    pub kind: OperationKind,
    pub name: String,
    pub is_bound: bool,
    pub is_composable: bool,
    pub entity_set_path: Option<String>,
    pub parameters: Vec<Parameter>,
    pub return_type: Option<ReturnType>,
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

/// An operation `Parameter`.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    pub name: String,
    pub type_name: String,
    pub nullable: Option<bool>,
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

/// An operation `ReturnType`.
#[derive(Debug, Clone, PartialEq)]
pub struct ReturnType {
    pub type_name: String,
    pub nullable: Option<bool>,
    pub pos: Pos,
}

/// A `Term` declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub name: String,
    pub type_name: String,
    pub base_term: Option<String>,
    pub applies_to: Option<String>,
    pub default_value: Option<String>,
    pub nullable: Option<bool>,
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

/// An `EntityContainer`.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityContainer {
    pub name: String,
    pub entity_sets: Vec<EntitySet>,
    pub singletons: Vec<Singleton>,
    pub action_imports: Vec<OperationImport>,
    pub function_imports: Vec<OperationImport>,
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

/// An `EntitySet`.
#[derive(Debug, Clone, PartialEq)]
pub struct EntitySet {
    pub name: String,
    pub entity_type: String,
    pub bindings: Vec<NavigationPropertyBinding>,
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

/// A `Singleton`.
#[derive(Debug, Clone, PartialEq)]
pub struct Singleton {
    pub name: String,
    pub type_name: String,
    pub bindings: Vec<NavigationPropertyBinding>,
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

/// A `NavigationPropertyBinding`.
#[derive(Debug, Clone, PartialEq)]
pub struct NavigationPropertyBinding {
    pub path: String,
    pub target: String,
    pub pos: Pos,
}

/// An `ActionImport` (`operation` is its `Action`) or `FunctionImport`
/// (`operation` is its `Function`).
#[derive(Debug, Clone, PartialEq)]
pub struct OperationImport {
    pub name: String,
    pub operation: String,
    pub entity_set: Option<String>,
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

/// An `<Annotations Target=…>` block.
#[derive(Debug, Clone, PartialEq)]
pub struct AnnotationBlock {
    pub target: String,
    pub qualifier: Option<String>,
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

/// An `Annotation`: a term applied with a value.
#[derive(Debug, Clone, PartialEq)]
pub struct Annotation {
    pub term: String,
    pub qualifier: Option<String>,
    pub value: Expression,
    pub pos: Pos,
}

/// A constant or structured annotation expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expression {
    /// No value given (a Boolean term then means `true`).
    Empty,
    String(String),
    Bool(bool),
    /// Any other constant (`Int`, `Decimal`, `Date`, …), kept as text with its kind.
    Constant {
        kind: String,
        text: String,
    },
    EnumMember(String),
    /// `Path`, `PropertyPath`, `NavigationPropertyPath`, `AnnotationPath`.
    Path {
        kind: String,
        path: String,
    },
    Record(Record),
    Collection(Vec<Expression>),
}

/// A `Record` expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub type_name: Option<String>,
    pub properties: Vec<PropertyValue>,
}

/// A `PropertyValue` of a record.
#[derive(Debug, Clone, PartialEq)]
pub struct PropertyValue {
    pub property: String,
    pub value: Expression,
}

/// Equality of syntax nodes by content alone: two nodes are the same when
/// every field but their positions is, wherever they were written. An
/// overlay's redefinition of a type is compared with the schema's this way.
pub trait SameContent {
    /// Whether `self` and `other` say the same, positions aside.
    fn same_content(&self, other: &Self) -> bool;
}

/// Values without positions: their own equality.
macro_rules! same_content_by_eq {
    ($($ty:ty),* $(,)?) => {
        $(impl SameContent for $ty {
            fn same_content(&self, other: &Self) -> bool {
                self == other
            }
        })*
    };
}

same_content_by_eq!(String, bool, i64, StructuredKind, Expression);

impl<T: SameContent> SameContent for Option<T> {
    fn same_content(&self, other: &Self) -> bool {
        match (self, other) {
            (Some(a), Some(b)) => a.same_content(b),
            (None, None) => true,
            _ => false,
        }
    }
}

impl<T: SameContent> SameContent for Vec<T> {
    fn same_content(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().zip(other).all(|(a, b)| a.same_content(b))
    }
}

/// Nodes with a `pos`: every other field, listed exhaustively (a field added
/// to the struct and not here does not compile).
macro_rules! same_content_but_pos {
    ($($ty:ident { $($field:ident),* $(,)? })*) => {
        $(impl SameContent for $ty {
            fn same_content(&self, other: &Self) -> bool {
                let $ty { $($field,)* pos: _ } = self;
                true $(&& $field.same_content(&other.$field))*
            }
        })*
    };
}

same_content_but_pos! {
    StructuredType {
        kind, name, base_type, is_abstract, open_type, has_stream, key, properties,
        navigation_properties, annotations,
    }
    Property {
        name, type_name, nullable, default_value, max_length, precision, scale, annotations,
    }
    NavigationProperty { name, type_name, nullable, contains_target, partner, annotations }
    EnumType { name, underlying_type, is_flags, members, annotations }
    EnumMember { name, value, annotations }
    TypeDefinition { name, underlying_type, max_length, precision, scale, annotations }
    Annotation { term, qualifier, value }
}

/// Reads one CSDL document. `file` is the name used in positions and errors.
///
/// A UTF-8 byte order mark and an XML declaration are accepted.
pub fn parse(file: &str, text: &str) -> Result<Document, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut parser = Parser::new(file, text);
    parser.document()
}

const CONSTANT_ATTRS: &[&str] = &[
    "Int",
    "Decimal",
    "Float",
    "Date",
    "DateTimeOffset",
    "TimeOfDay",
    "Duration",
    "Guid",
    "Binary",
];
const PATH_KINDS: &[&str] = &[
    "Path",
    "PropertyPath",
    "NavigationPropertyPath",
    "AnnotationPath",
    "ModelElementPath",
];

/// The attributes of one start tag: `(local name, unescaped value)` in
/// source order. CSDL elements have few; they stay inline.
type Attrs<'a> = SmallVec<[(&'a str, Cow<'a, str>); 4]>;

/// One start tag: its local name and attributes, both borrowed from the source
/// text; attribute values are validated and unescaped once, when the tag is read.
struct Element<'a> {
    name: &'a [u8],
    attrs: Attrs<'a>,
    empty: bool,
    pos: Pos,
}

impl Element<'_> {
    /// The first attribute with this local name.
    fn get(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| &**value)
    }

    fn tag(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(self.name)
    }
}

struct Parser<'a> {
    reader: Reader<&'a [u8]>,
    text: &'a str,
    src: &'a [u8],
    file: Arc<str>,
    /// Incremental line tracking: offset scanned so far, its line, the
    /// offset where that line starts, and the column of `scanned`.
    scanned: usize,
    line: u32,
    line_start: usize,
    column: u32,
}

type PResult<T> = Result<T, Diagnostic>;

impl<'a> Parser<'a> {
    fn new(file: &str, text: &'a str) -> Self {
        let mut reader = Reader::from_reader(text.as_bytes());
        let config = reader.config_mut();
        config.check_end_names = true;
        config.trim_text(false);
        Parser {
            reader,
            text,
            src: text.as_bytes(),
            file: Arc::from(file),
            scanned: 0,
            line: 1,
            line_start: 0,
            column: 1,
        }
    }

    /// The position of byte `offset`; offsets must not go backwards between
    /// calls except for error reporting, which rescans.
    fn pos_at(&mut self, offset: usize) -> Pos {
        let offset = offset.min(self.src.len());
        if offset < self.scanned {
            self.scanned = 0;
            self.line = 1;
            self.line_start = 0;
            self.column = 1;
        }
        let skipped = &self.src[self.scanned..offset];
        let mut counted_from = self.scanned;
        if let Some(last) = memchr::memrchr(b'\n', skipped) {
            let lines = memchr::memchr_iter(b'\n', skipped).count();
            self.line = self.line.saturating_add(lines as u32);
            self.line_start = self.scanned + last + 1;
            self.column = 1;
            counted_from = self.line_start;
        }
        // Columns count characters: every byte but UTF-8 continuation bytes.
        let chars = self.src[counted_from..offset]
            .iter()
            .filter(|b| (**b & 0xC0) != 0x80)
            .count();
        self.column = self.column.saturating_add(chars as u32);
        self.scanned = offset;
        Pos {
            file: self.file.clone(),
            line: self.line,
            column: self.column,
        }
    }

    fn error(&self, pos: &Pos, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(pos.clone(), message)
    }

    /// The next start (or empty) tag among the current element's children, or
    /// `None` at the current element's end tag.
    fn child(&mut self) -> PResult<Option<Element<'a>>> {
        loop {
            let before = self.reader.buffer_position() as usize;
            match self.reader.read_event() {
                Ok(Event::Start(e)) => return self.element(e, before, false).map(Some),
                Ok(Event::Empty(e)) => return self.element(e, before, true).map(Some),
                Ok(Event::End(_)) => return Ok(None),
                Ok(Event::Eof) => {
                    let pos = self.pos_at(self.src.len());
                    return Err(
                        self.error(&pos, "unexpected end of file: an element is not closed")
                    );
                }
                // Text, comments and processing instructions between
                // elements carry nothing CSDL needs.
                Ok(_) => {}
                Err(e) => return Err(self.xml_error(e)),
            }
        }
    }

    fn xml_error(&mut self, e: quick_xml::Error) -> Diagnostic {
        let offset = self.reader.error_position() as usize;
        let pos = self.pos_at(offset);
        self.error(&pos, format!("malformed XML: {e}"))
    }

    fn element(&mut self, e: BytesStart<'a>, before: usize, empty: bool) -> PResult<Element<'a>> {
        // `before` may point at whitespace preceding the tag.
        let start = self.src[before..]
            .iter()
            .position(|b| *b == b'<')
            .map_or(before, |i| before + i);
        let pos = self.pos_at(start);
        // The tag's text (name and attributes, between `<` and `>` or `/>`),
        // borrowed from the source so names and values outlive the event.
        let tag = &self.text[start + 1..start + 1 + e.len()];
        debug_assert_eq!(tag.as_bytes(), &*e);
        let name_len = e.name().as_ref().len();
        let name = QName(&tag.as_bytes()[..name_len]).local_name().into_inner();
        match attributes(&tag[name_len..]) {
            Ok(attrs) => Ok(Element {
                name,
                attrs,
                empty,
                pos,
            }),
            Err(problem) => {
                let tag = String::from_utf8_lossy(name);
                Err(self.error(&pos, format!("malformed attribute in `{tag}`: {problem}")))
            }
        }
    }

    /// Skips the rest of an element whose start tag was just read.
    fn skip(&mut self, el: &Element<'a>) -> PResult<()> {
        if el.empty {
            return Ok(());
        }
        let mut depth = 1usize;
        loop {
            match self.reader.read_event() {
                Ok(Event::Start(_)) => depth += 1,
                Ok(Event::End(_)) => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(());
                    }
                }
                Ok(Event::Eof) => {
                    let pos = el.pos.clone();
                    return Err(self.error(
                        &pos,
                        format!("unexpected end of file: `{}` is not closed", el.tag()),
                    ));
                }
                Ok(_) => {}
                Err(e) => return Err(self.xml_error(e)),
            }
        }
    }

    /// The text content of an element (for `<String>…</String>`-style expressions).
    fn text(&mut self, el: &Element<'a>) -> PResult<String> {
        let mut out = String::new();
        if el.empty {
            return Ok(out);
        }
        let mut depth = 1usize;
        loop {
            match self.reader.read_event() {
                Ok(Event::Text(t)) => match t.decode() {
                    Ok(s) => match quick_xml::escape::unescape(&s) {
                        Ok(u) => out.push_str(&u),
                        Err(err) => {
                            let pos = el.pos.clone();
                            return Err(self.error(&pos, format!("malformed text: {err}")));
                        }
                    },
                    Err(err) => {
                        let pos = el.pos.clone();
                        return Err(self.error(&pos, format!("malformed text: {err}")));
                    }
                },
                Ok(Event::CData(t)) => out.push_str(&String::from_utf8_lossy(&t)),
                Ok(Event::GeneralRef(r)) => {
                    let name = String::from_utf8_lossy(&r).into_owned();
                    let entity = format!("&{name};");
                    match quick_xml::escape::unescape(&entity) {
                        Ok(u) => out.push_str(&u),
                        Err(err) => {
                            let pos = el.pos.clone();
                            return Err(self.error(&pos, format!("malformed text: {err}")));
                        }
                    }
                }
                Ok(Event::Start(_)) => depth += 1,
                Ok(Event::End(_)) => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(out);
                    }
                }
                Ok(Event::Eof) => {
                    let pos = el.pos.clone();
                    return Err(self.error(
                        &pos,
                        format!("unexpected end of file: `{}` is not closed", el.tag()),
                    ));
                }
                Ok(_) => {}
                Err(e) => return Err(self.xml_error(e)),
            }
        }
    }

    fn required(&mut self, el: &Element<'a>, attr: &str) -> PResult<String> {
        match el.get(attr) {
            Some(v) => Ok(v.to_owned()),
            None => {
                let pos = el.pos.clone();
                Err(self.error(
                    &pos,
                    format!("`{}` has no `{attr}` attribute", display_name(el)),
                ))
            }
        }
    }

    fn optional(el: &Element<'a>, attr: &str) -> Option<String> {
        el.get(attr).map(str::to_owned)
    }

    fn boolean(&mut self, el: &Element<'a>, attr: &str) -> PResult<Option<bool>> {
        match el.get(attr) {
            None => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(other) => {
                let msg = format!(
                    "`{attr}` of `{}` must be `true` or `false`, found `{other}`",
                    display_name(el)
                );
                let pos = el.pos.clone();
                Err(self.error(&pos, msg))
            }
        }
    }

    fn document(&mut self) -> PResult<Document> {
        // Find the root element.
        let root = loop {
            let before = self.reader.buffer_position() as usize;
            match self.reader.read_event() {
                Ok(Event::Start(e)) => break self.element(e, before, false)?,
                Ok(Event::Empty(e)) => break self.element(e, before, true)?,
                Ok(Event::Eof) => {
                    let pos = self.pos_at(self.src.len());
                    return Err(
                        self.error(&pos, "no `edmx:Edmx` root element: the document is empty")
                    );
                }
                Ok(Event::Text(t)) if t.iter().any(|b| !b.is_ascii_whitespace()) => {
                    let pos = self.pos_at(before);
                    return Err(self.error(&pos, "text before the root element: this is not XML"));
                }
                Ok(_) => {}
                Err(e) => return Err(self.xml_error(e)),
            }
        };
        if root.name != b"Edmx" {
            let msg = format!("the root element is `{}`, expected `edmx:Edmx`", root.tag());
            return Err(self.error(&root.pos, msg));
        }
        let version = root
            .get("Version")
            .map_or_else(|| "4.0".to_owned(), str::to_owned);
        let mut schemas = Vec::new();
        if !root.empty {
            while let Some(el) = self.child()? {
                match el.name {
                    b"DataServices" => {
                        if el.empty {
                            continue;
                        }
                        while let Some(child) = self.child()? {
                            if child.name == b"Schema" {
                                schemas.push(self.schema(child)?);
                            } else {
                                self.skip(&child)?;
                            }
                        }
                    }
                    _ => self.skip(&el)?,
                }
            }
        }
        // Anything after the root must be whitespace, comments or PIs.
        loop {
            let before = self.reader.buffer_position() as usize;
            match self.reader.read_event() {
                Ok(Event::Eof) => break,
                Ok(Event::Start(_)) | Ok(Event::Empty(_)) => {
                    let pos = self.pos_at(before);
                    return Err(self.error(&pos, "malformed XML: a second root element"));
                }
                Ok(_) => {}
                Err(e) => return Err(self.xml_error(e)),
            }
        }
        Ok(Document {
            file: self.file.clone(),
            version,
            schemas,
        })
    }

    fn schema(&mut self, el: Element<'a>) -> PResult<Schema> {
        let mut schema = Schema {
            namespace: self.required(&el, "Namespace")?,
            alias: Self::optional(&el, "Alias"),
            entity_types: Vec::new(),
            complex_types: Vec::new(),
            enum_types: Vec::new(),
            type_definitions: Vec::new(),
            operations: Vec::new(),
            terms: Vec::new(),
            entity_containers: Vec::new(),
            annotation_blocks: Vec::new(),
            pos: el.pos.clone(),
        };
        if el.empty {
            return Ok(schema);
        }
        while let Some(child) = self.child()? {
            match child.name {
                b"EntityType" => {
                    let t = self.structured(child, StructuredKind::Entity)?;
                    schema.entity_types.push(t);
                }
                b"ComplexType" => {
                    let t = self.structured(child, StructuredKind::Complex)?;
                    schema.complex_types.push(t);
                }
                b"EnumType" => schema.enum_types.push(self.enum_type(child)?),
                b"TypeDefinition" => schema.type_definitions.push(self.type_definition(child)?),
                b"Action" => schema
                    .operations
                    .push(self.operation(child, OperationKind::Action)?),
                b"Function" => schema
                    .operations
                    .push(self.operation(child, OperationKind::Function)?),
                b"Term" => schema.terms.push(self.term(child)?),
                b"EntityContainer" => schema.entity_containers.push(self.container(child)?),
                b"Annotations" => schema.annotation_blocks.push(self.annotation_block(child)?),
                _ => self.skip(&child)?,
            }
        }
        Ok(schema)
    }

    fn structured(&mut self, el: Element<'a>, kind: StructuredKind) -> PResult<StructuredType> {
        let mut t = StructuredType {
            kind,
            name: self.required(&el, "Name")?,
            base_type: Self::optional(&el, "BaseType"),
            is_abstract: self.boolean(&el, "Abstract")?.unwrap_or(false),
            open_type: self.boolean(&el, "OpenType")?.unwrap_or(false),
            has_stream: self.boolean(&el, "HasStream")?.unwrap_or(false),
            key: Vec::new(),
            properties: Vec::new(),
            navigation_properties: Vec::new(),
            annotations: Vec::new(),
            pos: el.pos.clone(),
        };
        if el.empty {
            return Ok(t);
        }
        while let Some(child) = self.child()? {
            match child.name {
                b"Key" => {
                    if child.empty {
                        continue;
                    }
                    while let Some(r) = self.child()? {
                        if r.name == b"PropertyRef" {
                            t.key.push(self.required(&r, "Name")?);
                        }
                        self.skip(&r)?;
                    }
                }
                b"Property" => t.properties.push(self.property(child)?),
                b"NavigationProperty" => t.navigation_properties.push(self.navigation(child)?),
                b"Annotation" => t.annotations.push(self.annotation(child)?),
                _ => self.skip(&child)?,
            }
        }
        Ok(t)
    }

    fn property(&mut self, el: Element<'a>) -> PResult<Property> {
        let mut p = Property {
            name: self.required(&el, "Name")?,
            type_name: self.required(&el, "Type")?,
            nullable: self.boolean(&el, "Nullable")?,
            default_value: Self::optional(&el, "DefaultValue"),
            max_length: Self::optional(&el, "MaxLength"),
            precision: Self::optional(&el, "Precision"),
            scale: Self::optional(&el, "Scale"),
            annotations: Vec::new(),
            pos: el.pos.clone(),
        };
        p.annotations = self.annotations_only(&el)?;
        Ok(p)
    }

    fn navigation(&mut self, el: Element<'a>) -> PResult<NavigationProperty> {
        let mut n = NavigationProperty {
            name: self.required(&el, "Name")?,
            type_name: self.required(&el, "Type")?,
            nullable: self.boolean(&el, "Nullable")?,
            contains_target: self.boolean(&el, "ContainsTarget")?.unwrap_or(false),
            partner: Self::optional(&el, "Partner"),
            annotations: Vec::new(),
            pos: el.pos.clone(),
        };
        n.annotations = self.annotations_only(&el)?;
        Ok(n)
    }

    /// Reads the children of an element that can only hold annotations; other
    /// children (e.g. `ReferentialConstraint`, `OnDelete`) are skipped.
    fn annotations_only(&mut self, el: &Element<'a>) -> PResult<Vec<Annotation>> {
        let mut out = Vec::new();
        if el.empty {
            return Ok(out);
        }
        while let Some(child) = self.child()? {
            if child.name == b"Annotation" {
                out.push(self.annotation(child)?);
            } else {
                self.skip(&child)?;
            }
        }
        Ok(out)
    }

    fn enum_type(&mut self, el: Element<'a>) -> PResult<EnumType> {
        let mut t = EnumType {
            name: self.required(&el, "Name")?,
            underlying_type: Self::optional(&el, "UnderlyingType"),
            is_flags: self.boolean(&el, "IsFlags")?.unwrap_or(false),
            members: Vec::new(),
            annotations: Vec::new(),
            pos: el.pos.clone(),
        };
        if el.empty {
            return Ok(t);
        }
        while let Some(child) = self.child()? {
            match child.name {
                b"Member" => {
                    let name = self.required(&child, "Name")?;
                    let value = match child.get("Value") {
                        None => None,
                        Some(v) => match v.trim().parse::<i64>() {
                            Ok(n) => Some(n),
                            Err(_) => {
                                let msg = format!(
                                    "enum member `{name}` has `Value` `{v}`, which is not an integer"
                                );
                                return Err(self.error(&child.pos, msg));
                            }
                        },
                    };
                    let pos = child.pos.clone();
                    let annotations = self.annotations_only(&child)?;
                    t.members.push(EnumMember {
                        name,
                        value,
                        annotations,
                        pos,
                    });
                }
                b"Annotation" => t.annotations.push(self.annotation(child)?),
                _ => self.skip(&child)?,
            }
        }
        Ok(t)
    }

    fn type_definition(&mut self, el: Element<'a>) -> PResult<TypeDefinition> {
        let mut t = TypeDefinition {
            name: self.required(&el, "Name")?,
            underlying_type: self.required(&el, "UnderlyingType")?,
            max_length: Self::optional(&el, "MaxLength"),
            precision: Self::optional(&el, "Precision"),
            scale: Self::optional(&el, "Scale"),
            annotations: Vec::new(),
            pos: el.pos.clone(),
        };
        t.annotations = self.annotations_only(&el)?;
        Ok(t)
    }

    fn operation(&mut self, el: Element<'a>, kind: OperationKind) -> PResult<Operation> {
        let mut op = Operation {
            kind,
            name: self.required(&el, "Name")?,
            is_bound: self.boolean(&el, "IsBound")?.unwrap_or(false),
            is_composable: self.boolean(&el, "IsComposable")?.unwrap_or(false),
            entity_set_path: Self::optional(&el, "EntitySetPath"),
            parameters: Vec::new(),
            return_type: None,
            annotations: Vec::new(),
            pos: el.pos.clone(),
        };
        if el.empty {
            return Ok(op);
        }
        while let Some(child) = self.child()? {
            match child.name {
                b"Parameter" => {
                    let mut p = Parameter {
                        name: self.required(&child, "Name")?,
                        type_name: self.required(&child, "Type")?,
                        nullable: self.boolean(&child, "Nullable")?,
                        annotations: Vec::new(),
                        pos: child.pos.clone(),
                    };
                    p.annotations = self.annotations_only(&child)?;
                    op.parameters.push(p);
                }
                b"ReturnType" => {
                    let r = ReturnType {
                        type_name: self.required(&child, "Type")?,
                        nullable: self.boolean(&child, "Nullable")?,
                        pos: child.pos.clone(),
                    };
                    if op.return_type.is_some() {
                        let msg = format!("`{}` has more than one `ReturnType`", op.name);
                        return Err(self.error(&child.pos, msg));
                    }
                    self.skip(&child)?;
                    op.return_type = Some(r);
                }
                b"Annotation" => op.annotations.push(self.annotation(child)?),
                _ => self.skip(&child)?,
            }
        }
        Ok(op)
    }

    fn term(&mut self, el: Element<'a>) -> PResult<Term> {
        let mut t = Term {
            name: self.required(&el, "Name")?,
            type_name: self.required(&el, "Type")?,
            base_term: Self::optional(&el, "BaseTerm"),
            applies_to: Self::optional(&el, "AppliesTo"),
            default_value: Self::optional(&el, "DefaultValue"),
            nullable: self.boolean(&el, "Nullable")?,
            annotations: Vec::new(),
            pos: el.pos.clone(),
        };
        t.annotations = self.annotations_only(&el)?;
        Ok(t)
    }

    fn container(&mut self, el: Element<'a>) -> PResult<EntityContainer> {
        let mut c = EntityContainer {
            name: self.required(&el, "Name")?,
            entity_sets: Vec::new(),
            singletons: Vec::new(),
            action_imports: Vec::new(),
            function_imports: Vec::new(),
            annotations: Vec::new(),
            pos: el.pos.clone(),
        };
        if el.empty {
            return Ok(c);
        }
        while let Some(child) = self.child()? {
            match child.name {
                b"EntitySet" => {
                    let name = self.required(&child, "Name")?;
                    let entity_type = self.required(&child, "EntityType")?;
                    let pos = child.pos.clone();
                    let (bindings, annotations) = self.bindings(&child)?;
                    c.entity_sets.push(EntitySet {
                        name,
                        entity_type,
                        bindings,
                        annotations,
                        pos,
                    });
                }
                b"Singleton" => {
                    let name = self.required(&child, "Name")?;
                    let type_name = self.required(&child, "Type")?;
                    let pos = child.pos.clone();
                    let (bindings, annotations) = self.bindings(&child)?;
                    c.singletons.push(Singleton {
                        name,
                        type_name,
                        bindings,
                        annotations,
                        pos,
                    });
                }
                b"ActionImport" | b"FunctionImport" => {
                    let is_action = child.name == b"ActionImport";
                    let attr = if is_action { "Action" } else { "Function" };
                    let import = OperationImport {
                        name: self.required(&child, "Name")?,
                        operation: self.required(&child, attr)?,
                        entity_set: Self::optional(&child, "EntitySet"),
                        annotations: Vec::new(),
                        pos: child.pos.clone(),
                    };
                    let annotations = self.annotations_only(&child)?;
                    let import = OperationImport {
                        annotations,
                        ..import
                    };
                    if is_action {
                        c.action_imports.push(import);
                    } else {
                        c.function_imports.push(import);
                    }
                }
                b"Annotation" => c.annotations.push(self.annotation(child)?),
                _ => self.skip(&child)?,
            }
        }
        Ok(c)
    }

    fn bindings(
        &mut self,
        el: &Element<'a>,
    ) -> PResult<(Vec<NavigationPropertyBinding>, Vec<Annotation>)> {
        let mut bindings = Vec::new();
        let mut annotations = Vec::new();
        if el.empty {
            return Ok((bindings, annotations));
        }
        while let Some(child) = self.child()? {
            match child.name {
                b"NavigationPropertyBinding" => {
                    bindings.push(NavigationPropertyBinding {
                        path: self.required(&child, "Path")?,
                        target: self.required(&child, "Target")?,
                        pos: child.pos.clone(),
                    });
                    self.skip(&child)?;
                }
                b"Annotation" => annotations.push(self.annotation(child)?),
                _ => self.skip(&child)?,
            }
        }
        Ok((bindings, annotations))
    }

    fn annotation_block(&mut self, el: Element<'a>) -> PResult<AnnotationBlock> {
        let mut b = AnnotationBlock {
            target: self.required(&el, "Target")?,
            qualifier: Self::optional(&el, "Qualifier"),
            annotations: Vec::new(),
            pos: el.pos.clone(),
        };
        b.annotations = self.annotations_only(&el)?;
        Ok(b)
    }

    fn annotation(&mut self, el: Element<'a>) -> PResult<Annotation> {
        let term = self.required(&el, "Term")?;
        let qualifier = Self::optional(&el, "Qualifier");
        let pos = el.pos.clone();
        let value = self.expression_of(&el)?;
        Ok(Annotation {
            term,
            qualifier,
            value,
            pos,
        })
    }

    /// The value of an element that carries an expression either as an
    /// attribute (`String="…"`) or as its child elements; consumes the element.
    fn expression_of(&mut self, el: &Element<'a>) -> PResult<Expression> {
        let mut value = attribute_expression(el);
        if el.empty {
            return Ok(value.unwrap_or(Expression::Empty));
        }
        while let Some(child) = self.child()? {
            if child.name == b"Annotation" {
                // Annotations of annotations are not needed.
                self.skip(&child)?;
                continue;
            }
            let expr = self.expression(child)?;
            if value.is_none() {
                value = Some(expr);
            }
        }
        Ok(value.unwrap_or(Expression::Empty))
    }

    /// An expression element (`Record`, `Collection`, `String`, …); consumes it.
    fn expression(&mut self, el: Element<'a>) -> PResult<Expression> {
        match el.name {
            b"Record" => {
                let mut record = Record {
                    type_name: Self::optional(&el, "Type"),
                    properties: Vec::new(),
                };
                if !el.empty {
                    while let Some(child) = self.child()? {
                        if child.name == b"PropertyValue" {
                            let property = self.required(&child, "Property")?;
                            let value = self.expression_of(&child)?;
                            record.properties.push(PropertyValue { property, value });
                        } else {
                            self.skip(&child)?;
                        }
                    }
                }
                Ok(Expression::Record(record))
            }
            b"Collection" => {
                let mut items = Vec::new();
                if !el.empty {
                    while let Some(child) = self.child()? {
                        items.push(self.expression(child)?);
                    }
                }
                Ok(Expression::Collection(items))
            }
            b"String" => Ok(Expression::String(self.text(&el)?)),
            b"Bool" => {
                let text = self.text(&el)?;
                match text.trim() {
                    "true" => Ok(Expression::Bool(true)),
                    "false" => Ok(Expression::Bool(false)),
                    other => {
                        let msg = format!("`Bool` must be `true` or `false`, found `{other}`");
                        Err(self.error(&el.pos, msg))
                    }
                }
            }
            b"EnumMember" => Ok(Expression::EnumMember(self.text(&el)?.trim().to_owned())),
            name => {
                let kind = String::from_utf8_lossy(name).into_owned();
                let text = self.text(&el)?.trim().to_owned();
                if PATH_KINDS.contains(&kind.as_str()) {
                    Ok(Expression::Path { kind, path: text })
                } else {
                    Ok(Expression::Constant { kind, text })
                }
            }
        }
    }
}

/// The attributes of a start tag, from the text after its name: each
/// `name="value"` or `name='value'`, values unescaped, names by their local
/// part. A missing `=` or quote, or a name given twice, is an error.
fn attributes(mut rest: &str) -> Result<Attrs<'_>, String> {
    let mut attrs: Attrs<'_> = SmallVec::new();
    let mut qualified: SmallVec<[&str; 4]> = SmallVec::new();
    loop {
        rest = rest.trim_start_matches(is_xml_space);
        if rest.is_empty() {
            return Ok(attrs);
        }
        // The delimiters are ASCII, so a byte search stops on a char boundary.
        let key_end = rest
            .bytes()
            .position(|b| b == b'=' || is_xml_space(char::from(b)))
            .unwrap_or(rest.len());
        let key = &rest[..key_end];
        if key.is_empty() || key.contains(['"', '\'', '<', '>']) {
            return Err(format!("`{rest}` is not an attribute"));
        }
        let Some(after_eq) = rest[key_end..]
            .trim_start_matches(is_xml_space)
            .strip_prefix('=')
        else {
            return Err(format!("attribute `{key}` has no `=` and value"));
        };
        let after_eq = after_eq.trim_start_matches(is_xml_space);
        let quote = match after_eq.as_bytes().first() {
            Some(q @ (b'"' | b'\'')) => *q,
            _ => return Err(format!("the value of attribute `{key}` is not quoted")),
        };
        let body = &after_eq[1..];
        let Some(close) = memchr::memchr(quote, body.as_bytes()) else {
            return Err(format!("the value of attribute `{key}` is not closed"));
        };
        if qualified.contains(&key) {
            return Err(format!("attribute `{key}` is given twice"));
        }
        let raw = &body[..close];
        let value = if raw.contains('&') {
            quick_xml::escape::unescape(raw)
                .map_err(|e| format!("the value of attribute `{key}`: {e}"))?
        } else {
            Cow::Borrowed(raw)
        };
        let local = key.rsplit_once(':').map_or(key, |(_, local)| local);
        qualified.push(key);
        attrs.push((local, value));
        rest = &body[close + 1..];
    }
}

/// XML white space.
fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// The expression an element carries as an attribute, if any.
fn attribute_expression(el: &Element<'_>) -> Option<Expression> {
    if let Some(s) = el.get("String") {
        return Some(Expression::String(s.to_owned()));
    }
    if let Some(b) = el.get("Bool") {
        return Some(Expression::Bool(b == "true"));
    }
    if let Some(m) = el.get("EnumMember") {
        return Some(Expression::EnumMember(m.to_owned()));
    }
    for kind in PATH_KINDS {
        if let Some(p) = el.get(kind) {
            return Some(Expression::Path {
                kind: (*kind).to_owned(),
                path: p.to_owned(),
            });
        }
    }
    for kind in CONSTANT_ATTRS {
        if let Some(t) = el.get(kind) {
            return Some(Expression::Constant {
                kind: (*kind).to_owned(),
                text: t.to_owned(),
            });
        }
    }
    None
}

fn display_name(el: &Element<'_>) -> String {
    match el.get("Name") {
        Some(n) => format!("{} {n}", el.tag()),
        None => el.tag().into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(padding: &str, property_type: &str) -> Document {
        let text = format!(
            r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>{padding}
    <Schema Namespace="ns" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <ComplexType Name="a"><Property Name="p" Type="{property_type}"/></ComplexType>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>"#
        );
        parse("x.xml", &text).expect("the fixture parses")
    }

    #[test]
    fn positions_take_part_in_equality() {
        let at = |line, column| Pos {
            file: Arc::from("x.xml"),
            line,
            column,
        };
        assert_eq!(at(3, 5), at(3, 5));
        assert_ne!(at(3, 5), at(4, 5));
        assert_ne!(at(3, 5), at(3, 6));
        assert_ne!(
            at(3, 5),
            Pos {
                file: Arc::from("y.xml"),
                ..at(3, 5)
            }
        );
    }

    #[test]
    fn attributes_are_unescaped_and_malformed_ones_are_errors_at_their_element() {
        let attrs = attributes(" Name=\"a&amp;b\"\n  x:Type = 'T' ").unwrap();
        let attrs: Vec<(&str, &str)> = attrs.iter().map(|(k, v)| (*k, &**v)).collect();
        assert_eq!(attrs, [("Name", "a&b"), ("Type", "T")]);
        for (tag, problem) in [
            (r#"Name="a" Name="b""#, "attribute `Name` is given twice"),
            ("Name=a", "the value of attribute `Name` is not quoted"),
            (r#"Name="a"#, "the value of attribute `Name` is not closed"),
            ("Name", "attribute `Name` has no `=` and value"),
        ] {
            assert_eq!(
                attributes(&format!(" {tag}")).unwrap_err(),
                problem,
                "{tag}"
            );
        }
        let text = "<edmx:Edmx Version=\"4.0\">\n  <é/><edmx:DataServices Bad=x/></edmx:Edmx>";
        let e = parse("x.xml", text).unwrap_err();
        assert_eq!(
            e.to_string(),
            "x.xml:2:7: malformed attribute in `DataServices`: the value of attribute `Bad` is not quoted"
        );
    }

    #[test]
    fn same_content_ignores_positions_and_only_them() {
        let here = &schema("", "Edm.String").schemas[0].complex_types[0];
        let moved = &schema("\n\n   ", "Edm.String").schemas[0].complex_types[0];
        let other = &schema("", "Edm.Int32").schemas[0].complex_types[0];
        assert_ne!(here, moved, "written elsewhere: not equal");
        assert!(here.same_content(moved), "but the same content");
        assert!(!here.same_content(other), "a different property type");
    }
}
