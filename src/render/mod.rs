//! Views of the project model: printed PDFs (typst) and, later, the site.

pub mod docx;
pub mod pdf;
pub mod site;
pub mod theme;
