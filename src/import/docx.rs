//! Reading a .docx as hostile input: the archive and every part are
//! bounded before they are inflated or parsed, XML is parsed without a
//! DTD (no entity expansion) under a node limit, relationships are looked
//! up but never followed outside the archive, and part names are resolved
//! inside `word/` only.

use std::collections::HashMap;
use std::io::{Cursor, Read};

/// A .docx larger than this is refused (a 60-page plan with photos is
/// ~20 MB).
pub const MAX_FILE: u64 = 200 * 1024 * 1024;
/// One XML part, inflated.
pub const MAX_XML: u64 = 64 * 1024 * 1024;
/// One image, inflated.
pub const MAX_MEDIA: u64 = 50 * 1024 * 1024;
/// All parts read, inflated.
pub const MAX_TOTAL: u64 = 600 * 1024 * 1024;
pub const MAX_ENTRIES: usize = 10_000;
/// XML nodes in one part (a 400-page document has ~2 million).
pub const MAX_NODES: u32 = 8_000_000;

pub struct Package {
    zip: zip::ZipArchive<Cursor<Vec<u8>>>,
    read: u64,
}

impl Package {
    pub fn open(bytes: Vec<u8>) -> Result<Package, String> {
        let zip = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|_| "文件已损坏，或不是 Word 文档（.docx 是 zip 压缩包）".to_string())?;
        if zip.len() > MAX_ENTRIES {
            return Err(format!("压缩包中的文件过多（{} 个）", zip.len()));
        }
        Ok(Package { zip, read: 0 })
    }

    /// A part's bytes, at most `limit` inflated (the declared size is not
    /// trusted: reading stops at the limit). None when absent.
    pub fn part(&mut self, name: &str, limit: u64) -> Result<Option<Vec<u8>>, String> {
        let Ok(mut f) = self.zip.by_name(name) else {
            return Ok(None);
        };
        if f.size() > limit {
            return Err(format!("“{name}”解压后过大（{} 字节）", f.size()));
        }
        let mut buf = Vec::with_capacity(f.size().min(limit) as usize);
        (&mut f)
            .take(limit + 1)
            .read_to_end(&mut buf)
            .map_err(|e| format!("无法解压“{name}”：{e}"))?;
        if buf.len() as u64 > limit {
            return Err(format!("“{name}”解压后过大"));
        }
        self.read += buf.len() as u64;
        if self.read > MAX_TOTAL {
            return Err("解压后的内容总量过大（疑似压缩炸弹）".into());
        }
        Ok(Some(buf))
    }

    pub fn xml(&mut self, name: &str) -> Result<Option<String>, String> {
        match self.part(name, MAX_XML)? {
            None => Ok(None),
            Some(b) => {
                let b = b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&b).to_vec();
                String::from_utf8(b)
                    .map(Some)
                    .map_err(|_| format!("“{name}”不是 UTF-8 编码的 XML"))
            }
        }
    }
}

pub fn parse(text: &str) -> Result<roxmltree::Document<'_>, String> {
    roxmltree::Document::parse_with_options(
        text,
        roxmltree::ParsingOptions {
            allow_dtd: false,
            nodes_limit: MAX_NODES,
            ..Default::default()
        },
    )
    .map_err(|e| format!("XML 有误：{e}"))
}

/// An attribute by local name (any namespace prefix).
pub fn attr<'a>(n: roxmltree::Node<'a, '_>, local: &str) -> Option<&'a str> {
    n.attributes()
        .find(|a| a.name() == local)
        .map(|a| a.value())
}

/// An attribute in the relationships namespace (`r:id`, `r:embed`).
pub fn rel_attr<'a>(n: roxmltree::Node<'a, '_>, local: &str) -> Option<&'a str> {
    n.attributes()
        .find(|a| a.name() == local && a.namespace().is_some_and(|ns| ns.contains("relationships")))
        .map(|a| a.value())
}

pub fn is(n: roxmltree::Node<'_, '_>, local: &str) -> bool {
    n.is_element() && n.tag_name().name() == local
}

pub fn child<'a, 'i>(n: roxmltree::Node<'a, 'i>, local: &str) -> Option<roxmltree::Node<'a, 'i>> {
    n.children().find(|c| is(*c, local))
}

/// A relationship: internal targets resolved to a part name under
/// `word/`; external ones kept as text and never fetched.
#[derive(Debug, Clone)]
pub enum Target {
    Part(String),
    External(String),
}

pub fn relationships(xml: &str) -> Result<HashMap<String, Target>, String> {
    let doc = parse(xml)?;
    let mut out = HashMap::new();
    for r in doc.descendants().filter(|n| is(*n, "Relationship")) {
        let (Some(id), Some(target)) = (attr(r, "Id"), attr(r, "Target")) else {
            continue;
        };
        let t = if attr(r, "TargetMode").is_some_and(|m| m.eq_ignore_ascii_case("External")) {
            Target::External(target.to_string())
        } else {
            match part_name("word", target) {
                Some(p) => Target::Part(p),
                None => continue,
            }
        };
        out.insert(id.to_string(), t);
    }
    Ok(out)
}

/// `media/image1.png` relative to `word/` → `word/media/image1.png`;
/// None when it climbs out of the archive or is absolute elsewhere.
pub fn part_name(base: &str, target: &str) -> Option<String> {
    let target = target.replace('\\', "/");
    let mut parts: Vec<&str> = if let Some(abs) = target.strip_prefix('/') {
        abs.split('/').collect()
    } else {
        base.split('/').chain(target.split('/')).collect()
    };
    let mut out: Vec<&str> = Vec::new();
    for p in parts.drain(..) {
        match p {
            "" | "." => {}
            ".." => {
                out.pop()?;
            }
            p if p.contains(':') => return None,
            p => out.push(p),
        }
    }
    (!out.is_empty()).then(|| out.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_names_stay_inside_the_archive() {
        assert_eq!(
            part_name("word", "media/a.png").as_deref(),
            Some("word/media/a.png")
        );
        assert_eq!(
            part_name("word", "/word/media/a.png").as_deref(),
            Some("word/media/a.png")
        );
        assert_eq!(part_name("word", "../../../etc/passwd"), None);
        assert_eq!(part_name("word", "C:/x.png"), None);
        assert_eq!(
            part_name("word", "../customXml/item1.xml").as_deref(),
            Some("customXml/item1.xml")
        );
    }

    #[test]
    fn dtds_and_entity_bombs_are_refused() {
        let bomb = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]><x>&b;</x>";
        assert!(parse(bomb).is_err());
    }

    #[test]
    fn oversized_parts_are_refused_without_trusting_the_header() {
        let mut buf = Cursor::new(Vec::new());
        {
            let mut z = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            z.start_file("word/document.xml", opts).unwrap();
            std::io::Write::write_all(&mut z, &vec![b' '; 2 * 1024 * 1024]).unwrap();
            z.finish().unwrap();
        }
        let mut p = Package::open(buf.into_inner()).unwrap();
        assert!(p.part("word/document.xml", 1024 * 1024).is_err());
        assert!(p.part("word/missing.xml", 10).unwrap().is_none());
        assert!(Package::open(b"not a zip".to_vec()).is_err());
    }
}
