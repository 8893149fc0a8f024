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
