//! Lineage Audit's web page: reviewers drop SageMaker lineage exports and read the answer, with no server.

mod app;
mod browser;
mod compare;
mod graph;
mod pdf;
mod sealed;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
