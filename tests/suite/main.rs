//! The integration tests, in one binary (as mdBook's `tests/testsuite`):
//! each module runs the real `shenbao` binary on fixture projects, and the
//! typst stack is linked once instead of once per file.

mod common;

mod bad_input;
mod browser;
mod calls;
mod check_cli;
mod cli;
mod docx;
mod fields;
mod hardening;
mod hostile;
mod import;
mod incremental;
mod pack;
mod print;
mod print_real;
mod review;
mod robustness;
mod serve;
mod shared_corpus;
mod site;
mod voluntary;
mod yaml_typos;
