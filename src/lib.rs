//! shenbao (申报): write cleaner-production pilot implementation plans and
//! audit documents as YAML-fronted Markdown, check them against the
//! official notice, and (in later stages) print, publish and pack them.
//!
//! One model, one pass of parsing, many views: [`project::Project`] loads
//! every document once; [`check`] runs the rules of the [`call`] over it
//! and returns [`diagnostic::Diagnostic`]s, which print for people or as
//! JSON.

pub mod call;
pub mod check;
pub mod cli;
pub mod config;
pub mod corpus;
pub mod diagnostic;
pub mod document;
pub mod frontmatter;
pub mod fsutil;
pub mod markdown;
pub mod paths;
pub mod project;
pub mod scaffold;
pub mod source;
pub mod text;
