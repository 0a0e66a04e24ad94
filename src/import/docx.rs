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
/// XML nodes in one part (a 400-page document has ~2 million). Each
/// costs the parser about 100 bytes: a part of 4 million is refused at
/// about 0.4 GB (8 million let a 63 MB part of 1.1 million paragraphs
/// take 1.3 GB and 12 s).
pub const MAX_NODES: u32 = 4_000_000;

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
            .map_err(|e| {
                format!(
                    "无法解压“{name}”：{}",
                    if e.kind() == std::io::ErrorKind::InvalidData {
                        "压缩数据已损坏".to_string()
                    } else {
                        crate::fsutil::io_message(&e)
                    }
                )
            })?;
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

/// Namespace declarations in scope at one element, and in one part, at
/// most. Word declares some forty on the root and a few on each picture
/// (a 1,000-picture report has about 4,000); a chain of thousands of
/// nested declarations makes the parser's namespace handling cubic (8 KB
/// took 19 s), and so do hundreds of thousands side by side.
pub const MAX_NAMESPACES_IN_SCOPE: usize = 300;
pub const MAX_NAMESPACE_DECLARATIONS: usize = 50_000;

/// A start tag from `from` (just after its `<`): the index of its closing
/// `>` outside quoted values (the length when there is none), and how
/// many `=` it holds outside them (its attributes).
pub(crate) fn scan_start_tag(b: &[u8], from: usize) -> (usize, usize) {
    let mut quote = 0u8;
    let mut equals = 0usize;
    for (i, &c) in b.iter().enumerate().skip(from) {
        if quote != 0 {
            if c == quote {
                quote = 0;
            }
        } else if c == b'"' || c == b'\'' {
            quote = c;
        } else if c == b'=' {
            equals += 1;
        } else if c == b'>' {
            return (i, equals);
        }
    }
    (b.len(), equals)
}

/// Attributes on one element, at most. Word writes a dozen at most; the
/// parser's duplicate check is quadratic (60,000 on one element: 11 s).
pub const MAX_ATTRIBUTES: usize = 512;

/// What the parser would pay for, counted without parsing.
#[derive(Debug, PartialEq, Eq)]
struct Load {
    /// Namespace declarations in scope at one element, at most.
    in_scope: usize,
    /// Namespace declarations in all.
    total: usize,
    /// Attributes on one element, at most.
    attributes: usize,
}

/// Count namespace declarations and attributes without parsing. A byte
/// scan of tags, quotes respected; comments, CDATA and processing
/// instructions skipped.
fn namespace_load(text: &str) -> Load {
    let b = text.as_bytes();
    let mut i = 0;
    let mut stack: Vec<usize> = Vec::new();
    let (mut in_scope, mut most, mut total) = (0usize, 0usize, 0usize);
    let mut attributes = 0usize;
    while let Some(k) = memchr::memchr(b'<', &b[i..]) {
        i += k + 1;
        match b.get(i) {
            Some(b'/') => {
                in_scope -= stack.pop().unwrap_or(0);
                i = memchr::memchr(b'>', &b[i..]).map_or(b.len(), |e| i + e + 1);
            }
            Some(b'!') | Some(b'?') => {
                let end: &[u8] = if b[i..].starts_with(b"!--") {
                    b"-->"
                } else if b[i..].starts_with(b"![CDATA[") {
                    b"]]>"
                } else {
                    b">"
                };
                i = memchr::memmem::find(&b[i..], end).map_or(b.len(), |e| i + e + end.len());
            }
            Some(_) => {
                // The start tag, to its '>' outside quotes.
                let start = i;
                let (end, equals) = scan_start_tag(b, start);
                i = end;
                attributes = attributes.max(equals);
                let tag = &b[start..i.min(b.len())];
                let declared = memchr::memmem::find_iter(tag, b"xmlns").count();
                total += declared;
                most = most.max(in_scope + declared);
                if tag.last() != Some(&b'/') {
                    stack.push(declared);
                    in_scope += declared;
                }
                i += 1;
            }
            None => break,
        }
        if i >= b.len() {
            break;
        }
    }
    Load {
        in_scope: most,
        total,
        attributes,
    }
}

pub fn parse(text: &str) -> Result<roxmltree::Document<'_>, String> {
    let Load {
        in_scope,
        total,
        attributes,
    } = namespace_load(text);
    if in_scope > MAX_NAMESPACES_IN_SCOPE || total > MAX_NAMESPACE_DECLARATIONS {
        return Err(format!(
            "XML 中的命名空间声明过多（同一处 {in_scope} 个、共 {total} 处；上限为 {MAX_NAMESPACES_IN_SCOPE} 个和 {MAX_NAMESPACE_DECLARATIONS} 处，Word 保存的文件远少于此），不是正常的 Word 文件"
        ));
    }
    if attributes > MAX_ATTRIBUTES {
        return Err(format!(
            "XML 中一个元素有 {attributes} 个属性（上限为 {MAX_ATTRIBUTES} 个，Word 保存的文件不超过几十个），不是正常的 Word 文件"
        ));
    }
    roxmltree::Document::parse_with_options(
        text,
        roxmltree::ParsingOptions {
            allow_dtd: false,
            nodes_limit: MAX_NODES,
            ..Default::default()
        },
    )
    .map_err(|e| match e {
        roxmltree::Error::NodesLimitReached => format!(
            "XML 节点超过 {} 万个的上限（400 页的文档约 200 万个）：文档过大，请在 Word 中拆成几份后分别导入",
            MAX_NODES / 10_000
        ),
        e => format!("XML 有误：{}", xml_error_zh(&e)),
    })
}

/// roxmltree's errors in Chinese (the position stays as it reports it).
fn xml_error_zh(e: &roxmltree::Error) -> String {
    use roxmltree::Error as E;
    let pos = e.pos();
    let what = match e {
        E::NodesLimitReached => "节点过多（超过上限）".to_string(),
        E::DtdDetected => "含有 DTD 声明（Word 文件中不会有，出于安全不予解析）".to_string(),
        E::UnknownNamespace(p, _) => format!("使用了未声明的命名空间前缀“{p}”"),
        E::UnexpectedCloseTag(a, b, _) => format!("标签不匹配：应为 </{a}>，却是 </{b}>"),
        E::UnexpectedEntityCloseTag(_) => "实体中的结束标签不匹配".to_string(),
        E::UnknownEntityReference(n, _) => format!("未知的实体引用“&{n};”"),
        E::DuplicatedAttribute(a, _) => format!("属性“{a}”重复"),
        E::NoRootNode => "没有根元素".to_string(),
        E::UnclosedRootNode => "根元素没有结束（文件可能被截断）".to_string(),
        E::NonXmlChar(c, _) => format!("含有 XML 中不允许的字符 U+{:04X}", *c as u32),
        E::EntityReferenceLoop(_) => "实体引用循环".to_string(),
        _ => "不是格式正确的 XML".to_string(),
    };
    format!("{what}（第 {} 行第 {} 列）", pos.row, pos.col)
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

#[cfg(test)]
mod namespace_tests {
    use super::*;

    #[test]
    fn pictures_declaring_their_namespaces_pass_and_chains_do_not() {
        // As Word writes a picture: a:graphic and pic:pic declare theirs.
        let pic = r#"<w:p><w:r><w:drawing><a:graphic xmlns:a="urn:a"><a:graphicData><pic:pic xmlns:pic="urn:pic"/></a:graphicData></a:graphic></w:drawing></w:r></w:p>"#;
        let doc = format!(
            r#"<?xml version="1.0"?><w:document xmlns:w="urn:w"><!-- a <comment> --><w:body>{}</w:body></w:document>"#,
            pic.repeat(1000)
        );
        let l = namespace_load(&doc);
        assert_eq!((l.in_scope, l.total, l.attributes), (3, 2001, 1));
        assert!(parse(&doc).is_ok());
        // A chain of 400 nested declarations, and 60,000 side by side.
        let chain = format!(
            r#"<w:document xmlns:w="urn:w">{}{}</w:document>"#,
            (0..400)
                .map(|i| format!(r#"<q{i}:x xmlns:q{i}="u">"#))
                .collect::<String>(),
            (0..400)
                .rev()
                .map(|i| format!("</q{i}:x>"))
                .collect::<String>()
        );
        assert!(parse(&chain).unwrap_err().contains("命名空间"));
        let wide = format!(
            r#"<w:document xmlns:w="urn:w">{}</w:document>"#,
            r#"<w:p xmlns:n="u"/>"#.repeat(60_000)
        );
        assert!(parse(&wide).unwrap_err().contains("命名空间"));
        // A quote holding '>' or '=' does not end the tag nor count.
        assert_eq!(
            namespace_load(r#"<a t=">=" xmlns:b="u"><c/></a>"#),
            Load {
                in_scope: 1,
                total: 1,
                attributes: 2
            }
        );
    }

    #[test]
    fn an_element_with_thousands_of_attributes_is_refused_quickly() {
        let attrs: String = (0..60_000).map(|i| format!(r#" a{i}="x""#)).collect();
        let doc = format!(r#"<w:document xmlns:w="urn:w"><w:p{attrs}/></w:document>"#);
        let t = std::time::Instant::now();
        assert!(parse(&doc).unwrap_err().contains("属性"));
        assert!(t.elapsed().as_secs() < 2, "{:?}", t.elapsed());
        let ok: String = (0..MAX_ATTRIBUTES)
            .map(|i| format!(r#" a{i}="x""#))
            .collect();
        assert!(
            parse(&format!(
                r#"<w:document xmlns:w="urn:w"><w:p{ok}/></w:document>"#
            ))
            .is_ok()
        );
    }
}
