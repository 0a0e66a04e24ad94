//! The outputs made from the project model: printed PDFs (typst), the
//! static site (tera) and the Word export (docx).

pub mod docx;
pub mod pdf;
pub mod site;
pub mod theme;
