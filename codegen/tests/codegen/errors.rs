//! Bad CSDL gets a clear error at `file:line:column`, naming what is wrong.

use codegen::model;

/// A one-schema document around `body`; `body` starts on line 4.
fn doc(body: &str) -> String {
    format!(
        r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="ns" Alias="n" xmlns="http://docs.oasis-open.org/odata/ns/edm">
{body}
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#
    )
}

fn errors(text: &str) -> Vec<String> {
    match model::load(&[("fixture.xml", text)]) {
        Ok(_) => panic!("expected errors"),
        Err(e) => e.diagnostics().iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn malformed_xml() {
    let text = doc(r#"      <ComplexType Name="a">
        <Property Name="x" Type="Edm.String">
      </ComplexType>"#);
    assert_eq!(
        errors(&text),
        ["fixture.xml:6:7: malformed XML: ill-formed document: expected `</Property>`, but `</ComplexType>` was found"]
    );
}

#[test]
fn not_xml_at_all() {
    assert_eq!(
        errors("this is not XML"),
        ["fixture.xml:1:1: text before the root element: this is not XML"]
    );
}

#[test]
fn truncated_file() {
    let text = doc(r#"      <ComplexType Name="a" />"#);
    let cut = &text[..text.find("</Schema>").unwrap()];
    assert_eq!(
        errors(cut),
        ["fixture.xml:5:5: unexpected end of file: an element is not closed"]
    );
}

#[test]
fn property_of_unknown_type() {
    let text = doc(r#"      <ComplexType Name="a">
        <Property Name="x" Type="n.missing" />
      </ComplexType>"#);
    assert_eq!(
        errors(&text),
        ["fixture.xml:5:9: property `x` of `ns.a` has unknown type `n.missing`"]
    );
}

#[test]
fn base_type_cycle() {
    let text = doc(r#"      <EntityType Name="a" BaseType="n.b" />
      <EntityType Name="b" BaseType="ns.c" />
      <EntityType Name="c" BaseType="ns.a" />"#);
    assert_eq!(
        errors(&text),
        ["fixture.xml:4:7: cyclic base type: `ns.a` is its own base type through `ns.c`"]
    );
}

#[test]
fn duplicate_type_name() {
    let text = doc(r#"      <ComplexType Name="a" />
      <EnumType Name="a" />"#);
    assert_eq!(
        errors(&text),
        ["fixture.xml:5:7: duplicate type name `ns.a`: already defined at fixture.xml:4:7"]
    );
}

#[test]
fn duplicate_property_name() {
    let text = doc(r#"      <ComplexType Name="a">
        <Property Name="x" Type="Edm.String" />
        <Property Name="x" Type="Edm.Int32" />
      </ComplexType>"#);
    assert_eq!(
        errors(&text),
        ["fixture.xml:6:9: duplicate property name `x` in `ns.a`: already declared at fixture.xml:5:9"]
    );
}

#[test]
fn invalid_boolean_attribute() {
    let text = doc(r#"      <ComplexType Name="a" Abstract="yes" />"#);
    assert_eq!(
        errors(&text),
        ["fixture.xml:4:7: `Abstract` of `ComplexType a` must be `true` or `false`, found `yes`"]
    );
}

#[test]
fn missing_name_attribute() {
    let text = doc(r#"      <EntityType BaseType="n.b" />"#);
    assert_eq!(
        errors(&text),
        ["fixture.xml:4:7: `EntityType` has no `Name` attribute"]
    );
}

#[test]
fn every_error_of_a_file_is_reported_in_position_order() {
    let text = doc(r#"      <ComplexType Name="a" BaseType="n.nope">
        <Property Name="x" Type="n.missing" />
      </ComplexType>
      <EntityType Name="e">
        <NavigationProperty Name="y" Type="Collection(n.gone)" />
      </EntityType>"#);
    assert_eq!(
        errors(&text),
        [
            "fixture.xml:4:7: base type of `ns.a` has unknown type `n.nope`",
            "fixture.xml:5:9: property `x` of `ns.a` has unknown type `n.missing`",
            "fixture.xml:8:9: navigation property `y` of `ns.e` has unknown type `n.gone`",
        ]
    );
}

#[test]
fn a_bom_and_an_xml_declaration_are_fine() {
    let text = format!(
        "\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?>\n{}",
        doc(r#"      <ComplexType Name="a" />"#)
    );
    let (model, warnings) = model::load(&[("fixture.xml", &text)]).unwrap();
    assert!(warnings.is_empty());
    let a = model.find("ns.a").unwrap();
    assert_eq!(model.ty(a).pos.to_string(), "fixture.xml:5:7");
}

#[test]
fn overlay_redefinitions_are_reported_or_rejected() {
    let schema = doc(
        r#"      <ComplexType Name="a"><Property Name="x" Type="Edm.String" /></ComplexType>
      <ComplexType Name="b"><Property Name="x" Type="Edm.String" /></ComplexType>"#,
    );
    let overlay = doc(
        r#"      <ComplexType Name="a"><Property Name="x" Type="Edm.String" /></ComplexType>
      <ComplexType Name="b"><Property Name="x" Type="Edm.Int32" /></ComplexType>"#,
    );
    let err = model::load(&[("schema.xml", &schema), ("overlay.xml", &overlay)]).unwrap_err();
    assert_eq!(
        err.diagnostics().iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["overlay.xml:5:7: overlay type `ns.b` differs from the definition at schema.xml:5:7: remove it from the overlay or make them identical"]
    );
    let overlay =
        doc(r#"      <ComplexType Name="a"><Property Name="x" Type="Edm.String" /></ComplexType>"#);
    let (_, warnings) = model::load(&[("schema.xml", &schema), ("overlay.xml", &overlay)]).unwrap();
    assert_eq!(
        warnings,
        [],
        "the overlay report, not a warning, says it can go"
    );
}

/// Truncating a schema anywhere gives an error or a model, never a panic:
/// every cut of a small fixture, and 60 cuts spread over the real 4 MB
/// schema (each cut parses up to the whole file, so not every byte there).
#[test]
fn truncation_never_panics() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let fixture = include_str!("../fixtures/constructs.xml");
    let schema = std::fs::read_to_string(root.join("metadata/graph-beta.xml")).unwrap();
    let mut errors = 0;
    let cuts = (0..fixture.len())
        .map(|cut| (fixture, cut))
        .chain((0..60).map(|i| (schema.as_str(), schema.len() / 60 * i + i % 7)));
    for (text, cut) in cuts {
        if !text.is_char_boundary(cut) {
            continue;
        }
        if model::load(&[("cut.xml", &text[..cut])]).is_err() {
            errors += 1;
        }
    }
    assert!(errors > 60);
}
