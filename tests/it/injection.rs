//! Injection: names, properties, URIs, capture records and CloudTrail fields holding HTML, script links and
//! Markdown must come out as literal text. The report is asked by inference so every section is rendered.

use lineage_core::{render, Document};

fn report() -> lineage_core::Report {
    let lineage = crate::load(&crate::fixtures("injection")).unwrap_or_else(|e| panic!("{e}"));
    let query = lineage_core::subject::InferenceQuery {
        id: "loan-<script>alert(\"x\")</script>".into(),
        endpoint: None,
        variant: None,
    };
    lineage_core::narrative::report_inference(&lineage, &query, None).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn html_report_contains_no_markup_from_the_input() {
    let html = render::html(&Document::new(&report()));
    let lower = html.to_ascii_lowercase();
    for forbidden in [
        "<script",
        "<img",
        "<svg",
        "<iframe",
        "<style>body",
        "<div onclick",
        "<a href=\"javascript",
        "<b>bold",
        "onerror=alert(1)>",
    ] {
        assert!(!lower.contains(forbidden), "{forbidden} reached the HTML:\n{html}");
    }
    assert!(!lower.contains("href=\"javascript"), "{html}");
    // The hostile text is still shown, escaped.
    assert!(
        html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;")
            || html.contains("&lt;script&gt;alert(\"x\")&lt;/script&gt;"),
        "{html}"
    );
    assert!(html.contains("javascript:alert(document.cookie)//"), "{html}");
    // One tree in one <pre>: the input's backticks did not end the code block.
    assert_eq!(html.matches("<pre>").count(), 1, "{html}");
    crate::expect_ref("injection", "report.html", &html);
}

#[test]
fn markdown_report_forms_no_links_headings_or_cells_from_the_input() {
    let md = render::markdown(&Document::new(&report()));
    let parsed = render::markdown_to_html(&md);
    assert!(!parsed.contains("<a "), "{parsed}");
    assert!(!parsed.contains("<h2>Fake heading"), "{parsed}");
    assert!(!parsed.to_ascii_lowercase().contains("<svg"), "{parsed}");
    assert!(!parsed.contains("<h2>Fake"), "{parsed}");
    assert!(!parsed.contains("<h1>Heading"), "{parsed}");
    crate::expect_ref("injection", "report.md", &md);
}

#[test]
fn text_report_keeps_one_line_per_fact() {
    let text = render::text(&Document::new(&report()));
    assert!(!text.lines().any(|l| l.starts_with("## Fake")), "{text}");
    crate::expect_ref("injection", "report.txt", &text);
}

/// An impact of the hostile package: its HTML carries no markup from the input, and its CSV no formula (a cell a
/// spreadsheet would evaluate starts with `'`).
#[test]
fn an_impact_is_escaped_in_html_and_csv() {
    let mut loader = lineage_core::Loader::new();
    for f in crate::files_under(&crate::fixtures("injection")) {
        loader.add_file(&crate::file_name(&f), &crate::read(&f)).unwrap_or_else(|e| panic!("{e}"));
    }
    let formula = r#"{"captureData": {}, "eventMetadata": {"eventId": "inj-2", "inferenceId": "=HYPERLINK(\"http://x\",\"y\")", "inferenceTime": "2027-03-12T15:00:00Z"}, "eventVersion": "0"}"#;
    loader
        .add_file("ep-<b>bold/AllTraffic/2027/03/12/15/f.jsonl", formula.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    let lineage = loader.finish(&lineage_core::RoleTable::builtin()).unwrap_or_else(|e| panic!("{e}"));
    let impact =
        lineage_core::impact::impact(&lineage, "arn:aws:sagemaker:us-east-1:444455556666:model-package/inj/1", None)
            .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(impact.inferences, 2, "{impact:?}");
    let html = render::html(&lineage_core::document::changes::impact_document(&impact)).to_ascii_lowercase();
    for forbidden in ["<script", "<b>bold", "<iframe"] {
        assert!(!html.contains(forbidden), "{forbidden} reached the HTML:\n{html}");
    }
    let csv = render::impact_csv(&impact);
    assert!(csv.contains(r#""'=HYPERLINK(""http://x"",""y"")""#), "{csv}");
    assert!(!csv.lines().any(|l| l.starts_with('=')), "{csv}");
    assert!(csv.contains("loan-<script>"), "the hostile ID is kept as text: {csv}");
}
