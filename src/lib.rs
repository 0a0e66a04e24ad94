//! shenbao (申报): write cleaner-production pilot implementation plans and
//! audit documents as YAML-fronted Markdown, check them against the
//! official notice, print them, publish them as a site, export them to
//! Word and pack them for e-mail.
//!
//! One model, one pass of parsing, many views: [`project::Project`] loads
//! every document once; [`check`] runs the rules of the [`call`] over it
//! and returns [`diagnostic::Diagnostic`]s, which print for people or as
//! JSON.
//!
//! ```
//! use shenbao::call::{Call, DEFAULT_PRESET, parse_datetime};
//! use shenbao::check::{Options, check_project};
//! use shenbao::project::Project;
//!
//! let dir = tempfile::tempdir()?;
//! std::fs::write(dir.path().join("shenbao.yaml"), "call: cn-2022-pilot\n")?;
//! std::fs::create_dir(dir.path().join("content"))?;
//! std::fs::write(dir.path().join("content/plan.md"), "---\nkind: pilot-plan\n---\n# 试点基础\n")?;
//!
//! let project = Project::load(dir.path()).map_err(|e| e.to_string())?;
//! let today = parse_datetime("2022-06-01", false).unwrap();
//! let diagnostics = check_project(&project, &Options::at(today));
//! assert!(diagnostics.iter().any(|d| d.rule == shenbao::rule::OUTLINE_MISSING_SECTION));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod assets;
pub mod build;
pub mod call;
pub mod check;
pub mod cli;
pub mod config;
pub mod console;
pub mod corpus;
pub mod diagnostic;
pub mod document;
pub mod frontmatter;
pub mod fsutil;
pub mod import;
pub mod kinds;
pub mod markdown;
pub mod output;
pub mod pack;
pub mod package;
pub mod par;
pub mod paths;
pub mod project;
pub mod render;
pub mod review;
pub mod rule;
pub mod scaffold;
pub mod serve;
pub mod source;
pub mod text;
pub mod views;
