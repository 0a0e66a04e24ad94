//! Put every property container of the WordprocessingML parts in the
//! order ECMA-376 prescribes. docx-rs writes `<w:pPr><w:rPr/><w:pStyle/>`,
//! `<w:rPr><w:sz/><w:rFonts/>`, styles with `rPr` before `pPr` and footer
//! references after the grid; Word drops run properties out of sequence
//! (an East Asian font after `w:sz` is ignored, so headings lose 黑体), and
//! Word for the web opens such a file read-only as damaged.
//!
//! The pass is a rewrite of the part's own text: each element's start and
//! end tags and every text node are copied byte for byte from the source
//! (prefixes, escaping and namespace declarations untouched); only the
//! children of the containers below change places, by a stable sort on
//! their position in the schema's sequence. A container holding anything
//! the table does not name (an extension element, text) is left as it is.

use std::ops::Range;

/// The WordprocessingML main namespace.
const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// CT_PPr (and CT_PPrGeneral in styles): EG_PPrBase, then rPr, sectPr,
/// pPrChange.
const P_PR: &[&str] = &[
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
];

/// CT_RPr and CT_ParaRPr (whose revision marks come first): EG_RPrBase,
/// then rPrChange.
const R_PR: &[&str] = &[
    "ins",
    "del",
    "moveFrom",
    "moveTo",
    "rStyle",
    "rFonts",
    "b",
    "bCs",
    "i",
    "iCs",
    "caps",
    "smallCaps",
    "strike",
    "dstrike",
    "outline",
    "shadow",
    "emboss",
    "imprint",
    "noProof",
    "snapToGrid",
    "vanish",
    "webHidden",
    "color",
    "spacing",
    "w",
    "kern",
    "position",
    "sz",
    "szCs",
    "highlight",
    "u",
    "effect",
    "bdr",
    "shd",
    "fitText",
    "vertAlign",
    "rtl",
    "cs",
    "em",
    "lang",
    "eastAsianLayout",
    "specVanish",
    "oMath",
    "rPrChange",
];

/// CT_SectPr: the header and footer references (in any order among
/// themselves) first.
const SECT_PR: &[&str] = &[
    "headerReference|footerReference",
    "footnotePr",
    "endnotePr",
    "type",
    "pgSz",
    "pgMar",
    "paperSrc",
    "pgBorders",
    "lnNumType",
    "pgNumType",
    "cols",
    "formProt",
    "vAlign",
    "noEndnote",
    "titlePg",
    "textDirection",
    "bidi",
    "rtlGutter",
    "docGrid",
    "printerSettings",
    "sectPrChange",
];

/// CT_Style.
const STYLE: &[&str] = &[
    "name",
    "aliases",
    "basedOn",
    "next",
    "link",
    "autoRedefine",
    "hidden",
    "uiPriority",
    "semiHidden",
    "unhideWhenUsed",
    "qFormat",
    "locked",
    "personal",
    "personalCompose",
    "personalReply",
    "rsid",
    "pPr",
    "rPr",
    "tblPr",
    "trPr",
    "tcPr",
    "tblStylePr",
];

/// CT_TblPr.
const TBL_PR: &[&str] = &[
    "tblStyle",
    "tblpPr",
    "tblOverlap",
    "bidiVisual",
    "tblStyleRowBandSize",
    "tblStyleColBandSize",
    "tblW",
    "jc",
    "tblCellSpacing",
    "tblInd",
    "tblBorders",
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
    "tblCaption",
    "tblDescription",
    "tblPrChange",
];

/// CT_TcPr.
const TC_PR: &[&str] = &[
    "cnfStyle",
    "tcW",
    "gridSpan",
    "hMerge",
    "vMerge",
    "tcBorders",
    "shd",
    "noWrap",
    "tcMar",
    "textDirection",
    "tcFitText",
    "vAlign",
    "hideMark",
    "headers",
    "cellIns",
    "cellDel",
    "cellMerge",
    "tcPrChange",
];

/// CT_TblBorders, CT_TcBorders, CT_TblCellMar, CT_TcMar (start/end are
/// the newer names of left/right).
const BORDERS: &[&str] = &[
    "top",
    "left|start",
    "bottom",
    "right|end",
    "insideH",
    "insideV",
    "tl2br",
    "tr2bl",
];

/// CT_PBdr.
const P_BDR: &[&str] = &["top", "left", "bottom", "right", "between", "bar"];

/// CT_Lvl.
const LVL: &[&str] = &[
    "start",
    "numFmt",
    "lvlRestart",
    "pStyle",
    "isLgl",
    "suff",
    "lvlText",
    "lvlPicBulletId",
    "legacy",
    "lvlJc",
    "pPr",
    "rPr",
];

/// CT_AbstractNum.
const ABSTRACT_NUM: &[&str] = &[
    "nsid",
    "multiLevelType",
    "tmpl",
    "name",
    "styleLink",
    "numStyleLink",
    "lvl",
];

/// CT_Tbl, CT_Row, CT_Tc, CT_P, CT_R: properties first.
const TBL: &[&str] = &["tblPr", "tblGrid", "tr"];

/// CT_DocDefaults.
const DOC_DEFAULTS: &[&str] = &["rPrDefault", "pPrDefault"];

/// CT_Settings.
const SETTINGS: &[&str] = &[
    "writeProtection",
    "view",
    "zoom",
    "removePersonalInformation",
    "removeDateAndTime",
    "doNotDisplayPageBoundaries",
    "displayBackgroundShape",
    "printPostScriptOverText",
    "printFractionalCharacterWidth",
    "printFormsData",
    "embedTrueTypeFonts",
    "embedSystemFonts",
    "saveSubsetFonts",
    "saveFormsData",
    "mirrorMargins",
    "alignBordersAndEdges",
    "bordersDoNotSurroundHeader",
    "bordersDoNotSurroundFooter",
    "gutterAtTop",
    "hideSpellingErrors",
    "hideGrammaticalErrors",
    "activeWritingStyle",
    "proofState",
    "formsDesign",
    "attachedTemplate",
    "linkStyles",
    "stylePaneFormatFilter",
    "stylePaneSortMethod",
    "documentType",
    "mailMerge",
    "revisionView",
    "trackRevisions",
    "doNotTrackMoves",
    "doNotTrackFormatting",
    "documentProtection",
    "autoFormatOverride",
    "styleLockTheme",
    "styleLockQFSet",
    "defaultTabStop",
    "autoHyphenation",
    "consecutiveHyphenLimit",
    "hyphenationZone",
    "doNotHyphenateCaps",
    "showEnvelope",
    "summaryLength",
    "clickAndTypeStyle",
    "defaultTableStyle",
    "evenAndOddHeaders",
    "bookFoldRevPrinting",
    "bookFoldPrinting",
    "bookFoldPrintingSheets",
    "drawingGridHorizontalSpacing",
    "drawingGridVerticalSpacing",
    "displayHorizontalDrawingGridEvery",
    "displayVerticalDrawingGridEvery",
    "doNotUseMarginsForDrawingGridOrigin",
    "drawingGridHorizontalOrigin",
    "drawingGridVerticalOrigin",
    "doNotShadeFormData",
    "noPunctuationKerning",
    "characterSpacingControl",
    "printTwoOnOne",
    "strictFirstAndLastChars",
    "noLineBreaksAfter",
    "noLineBreaksBefore",
    "savePreviewPicture",
    "doNotValidateAgainstSchema",
    "saveInvalidXml",
    "ignoreMixedContent",
    "alwaysShowPlaceholderText",
    "doNotDemarcateInvalidXml",
    "saveXmlDataOnly",
    "useXSLTWhenSaving",
    "saveThroughXslt",
    "showXMLTags",
    "alwaysMergeEmptyNamespace",
    "updateFields",
    "hdrShapeDefaults",
    "footnotePr",
    "endnotePr",
    "compat",
    "docVars",
    "rsids",
    "mathPr",
    "attachedSchema",
    "themeFontLang",
    "clrSchemeMapping",
    "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures",
    "forceUpgrade",
    "captions",
    "readModeInkLockDown",
    "smartTagType",
    "schemaLibrary",
    "shapeDefaults",
    "doNotEmbedSmartTags",
    "decimalSymbol",
    "listSeparator",
];

/// CT_TrPr: the row's properties, then its revision marks.
const TR_PR: &[&str] = &[
    "cnfStyle",
    "divId",
    "gridBefore",
    "gridAfter",
    "wBefore",
    "wAfter",
    "cantSplit",
    "trHeight",
    "tblHeader",
    "tblCellSpacing",
    "jc",
    "hidden",
    "ins",
    "del",
    "trPrChange",
];

/// The sequence a `w:` element's children follow, by the element's name
/// (and, where one name has two types, its parent's).
fn sequence(name: &str, parent: &str) -> Option<&'static [&'static str]> {
    Some(match name {
        "pPr" => P_PR,
        "rPr" => R_PR,
        "sectPr" => SECT_PR,
        "style" => STYLE,
        "tblPr" => TBL_PR,
        "tcPr" => TC_PR,
        "trPr" => TR_PR,
        "tblBorders" | "tcBorders" | "tblCellMar" | "tcMar" => BORDERS,
        "pBdr" => P_BDR,
        "lvl" => LVL,
        "abstractNum" => ABSTRACT_NUM,
        "tbl" => TBL,
        "docDefaults" => DOC_DEFAULTS,
        "settings" if parent.is_empty() => SETTINGS,
        _ => return None,
    })
}

/// A child's place in a sequence (names joined by `|` share one place).
fn rank(seq: &[&str], name: &str) -> Option<usize> {
    seq.iter().position(|s| s.split('|').any(|n| n == name))
}

/// The part with its containers' children in schema order. Text that is
/// not well-formed XML is returned unchanged.
pub fn canonical(part: &[u8]) -> Vec<u8> {
    let Ok(text) = std::str::from_utf8(part) else {
        return part.to_vec();
    };
    let Ok(doc) = roxmltree::Document::parse_with_options(
        text,
        roxmltree::ParsingOptions {
            allow_dtd: false,
            ..Default::default()
        },
    ) else {
        return part.to_vec();
    };
    let root = doc.root_element();
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..root.range().start]);
    write(&mut out, text, root, "");
    out.push_str(&text[root.range().end..]);
    out.into_bytes()
}

/// End (exclusive) of the start tag that begins at `start`: its `>`
/// outside quoted attribute values.
fn start_tag_end(src: &str, start: usize) -> usize {
    let (close, _) = crate::import::docx::scan_start_tag(src.as_bytes(), start);
    (close + 1).min(src.len())
}

fn write(out: &mut String, src: &str, node: roxmltree::Node<'_, '_>, parent: &str) {
    let Range { start, end } = node.range();
    let tag_end = start_tag_end(src, start).min(end);
    if src[..tag_end].ends_with("/>") || !node.has_children() {
        let whole = &src[start..end];
        // docx-rs gives grid columns a `w:type` CT_TblGridCol does not have.
        if node.tag_name().name() == "gridCol" && node.tag_name().namespace() == Some(W) {
            out.push_str(&whole.replace(r#" w:type="dxa""#, ""));
        } else {
            out.push_str(whole);
        }
        return;
    }
    let name = node.tag_name().name();
    let in_w = node.tag_name().namespace() == Some(W);
    out.push_str(&src[start..tag_end]);
    let mut children: Vec<roxmltree::Node<'_, '_>> = node.children().collect();
    if in_w && let Some(seq) = sequence(name, parent) {
        let ranks: Option<Vec<usize>> = children
            .iter()
            .map(|c| {
                if c.is_element() && c.tag_name().namespace() == Some(W) {
                    rank(seq, c.tag_name().name())
                } else {
                    None
                }
            })
            .collect();
        if let Some(ranks) = ranks {
            let mut paired: Vec<(usize, roxmltree::Node<'_, '_>)> =
                ranks.into_iter().zip(children).collect();
            paired.sort_by_key(|(r, _)| *r);
            children = paired.into_iter().map(|(_, c)| c).collect();
        }
    }
    for c in children {
        // CT_PPrGeneral (the paragraph properties of a style, a numbering
        // level, the defaults) has no run properties; docx-rs writes an
        // empty `<w:rPr />` there.
        if in_w
            && name == "pPr"
            && matches!(parent, "style" | "lvl" | "pPrDefault")
            && c.is_element()
            && c.tag_name().name() == "rPr"
            && !c.has_children()
        {
            continue;
        }
        if c.is_element() {
            write(out, src, c, name);
        } else {
            out.push_str(&src[c.range()]);
        }
    }
    let close = src[..end].rfind("</").unwrap_or(end);
    out.push_str(&src[close.max(tag_end)..end]);
}

/// Where the theme part goes, and how the package names it.
pub const THEME_PART: &str = "word/theme/theme1.xml";
const THEME_REL: &str = r#"<Relationship Id="rIdTheme1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme" Target="theme/theme1.xml" />"#;
const THEME_TYPE: &str = r#"<Override PartName="/word/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml" />"#;

/// A theme part (the main document must have one): Office's colours, and
/// theme fonts that are the document's own (the heading and body faces),
/// so text Word sets in a theme font still looks like the rest.
pub fn theme(heading_ea: &str, body_ea: &str) -> Vec<u8> {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('"', "&quot;")
            .replace('<', "&lt;")
    };
    let colors = [
        ("dk2", "1F497D"),
        ("lt2", "EEECE1"),
        ("accent1", "4F81BD"),
        ("accent2", "C0504D"),
        ("accent3", "9BBB59"),
        ("accent4", "8064A2"),
        ("accent5", "4BACC6"),
        ("accent6", "F79646"),
        ("hlink", "0000FF"),
        ("folHlink", "800080"),
    ]
    .iter()
    .map(|(n, c)| format!(r#"<a:{n}><a:srgbClr val="{c}"/></a:{n}>"#))
    .collect::<String>();
    let fill = r#"<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>"#;
    let line = format!(r#"<a:ln w="9525">{fill}</a:ln>"#);
    let effect = "<a:effectStyle><a:effectLst/></a:effectStyle>";
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="shenbao"><a:themeElements><a:clrScheme name="Office"><a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1><a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1>{colors}</a:clrScheme><a:fontScheme name="shenbao"><a:majorFont><a:latin typeface="Times New Roman"/><a:ea typeface="{}"/><a:cs typeface=""/></a:majorFont><a:minorFont><a:latin typeface="Times New Roman"/><a:ea typeface="{}"/><a:cs typeface=""/></a:minorFont></a:fontScheme><a:fmtScheme name="shenbao"><a:fillStyleLst>{fill}{fill}{fill}</a:fillStyleLst><a:lnStyleLst>{line}{line}{line}</a:lnStyleLst><a:effectStyleLst>{effect}{effect}{effect}</a:effectStyleLst><a:bgFillStyleLst>{fill}{fill}{fill}</a:bgFillStyleLst></a:fmtScheme></a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>"#,
        esc(heading_ea),
        esc(body_ea)
    )
    .into_bytes()
}

/// Name the theme part in the content types and the document's
/// relationships (the part itself is added to the zip after packing).
pub fn declare_theme(content_types: &mut Vec<u8>, document_rels: &mut Vec<u8>) {
    fn before(part: &mut Vec<u8>, close: &str, add: &str) {
        let Ok(text) = std::str::from_utf8(part) else {
            return;
        };
        if text.contains(add) {
            return;
        }
        if let Some(at) = text.rfind(close) {
            let mut s = String::with_capacity(text.len() + add.len());
            s.push_str(&text[..at]);
            s.push_str(add);
            s.push_str(&text[at..]);
            *part = s.into_bytes();
        }
    }
    before(content_types, "</Types>", THEME_TYPE);
    before(document_rels, "</Relationships>", THEME_REL);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(body: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}" xmlns:w14="urn:w14"><w:body>{body}</w:body></w:document>"#
        )
    }

    #[test]
    fn properties_are_put_in_schema_order_and_nothing_else_moves() {
        let before = doc(
            r#"<w:p w14:paraId="1"><w:pPr><w:rPr /><w:pStyle w:val="Heading1" /><w:keepNext /></w:pPr><w:r><w:rPr><w:sz w:val="32" /><w:rFonts w:eastAsia="黑体" /><w:b /></w:rPr><w:t xml:space="preserve">一、概况 &amp; “甲”</w:t></w:r></w:p><w:sectPr><w:pgSz w:w="11906" /><w:footerReference w:type="default" /><w:docGrid w:type="lines" /></w:sectPr>"#,
        );
        let after = String::from_utf8(canonical(before.as_bytes())).unwrap();
        assert_eq!(
            after,
            doc(
                r#"<w:p w14:paraId="1"><w:pPr><w:pStyle w:val="Heading1" /><w:keepNext /><w:rPr /></w:pPr><w:r><w:rPr><w:rFonts w:eastAsia="黑体" /><w:b /><w:sz w:val="32" /></w:rPr><w:t xml:space="preserve">一、概况 &amp; “甲”</w:t></w:r></w:p><w:sectPr><w:footerReference w:type="default" /><w:pgSz w:w="11906" /><w:docGrid w:type="lines" /></w:sectPr>"#
            )
        );
        // Already in order: byte for byte the same.
        assert_eq!(canonical(after.as_bytes()), after.as_bytes());
    }

    #[test]
    fn a_styles_paragraph_properties_lose_the_empty_run_properties() {
        let before = format!(
            r#"<w:styles xmlns:w="{W}"><w:style w:styleId="a"><w:rPr><w:sz w:val="32" /></w:rPr><w:pPr><w:rPr /><w:jc w:val="both" /></w:pPr><w:name w:val="正文" /></w:style></w:styles>"#
        );
        let after = String::from_utf8(canonical(before.as_bytes())).unwrap();
        assert_eq!(
            after,
            format!(
                r#"<w:styles xmlns:w="{W}"><w:style w:styleId="a"><w:name w:val="正文" /><w:pPr><w:jc w:val="both" /></w:pPr><w:rPr><w:sz w:val="32" /></w:rPr></w:style></w:styles>"#
            )
        );
    }

    #[test]
    fn a_container_with_unknown_children_is_left_alone() {
        let before = doc(
            r#"<w:p><w:pPr><w:jc w:val="center" /><w14:x /><w:pStyle w:val="a" /></w:pPr></w:p>"#,
        );
        assert_eq!(canonical(before.as_bytes()), before.as_bytes());
        // Not XML: unchanged.
        assert_eq!(canonical(b"<w:p><"), b"<w:p><");
    }

    #[test]
    fn one_name_in_two_places_follows_its_own_sequence() {
        // `spacing` sits after `snapToGrid` in pPr, but after `color` in rPr.
        let before = doc(
            r#"<w:p><w:pPr><w:jc w:val="both" /><w:spacing w:line="579" /><w:snapToGrid w:val="0" /></w:pPr><w:r><w:rPr><w:spacing w:val="-5" /><w:color w:val="000000" /></w:rPr></w:r></w:p>"#,
        );
        let after = String::from_utf8(canonical(before.as_bytes())).unwrap();
        assert!(
            after.contains(r#"<w:pPr><w:snapToGrid w:val="0" /><w:spacing w:line="579" /><w:jc w:val="both" /></w:pPr>"#),
            "{after}"
        );
        assert!(
            after.contains(r#"<w:rPr><w:color w:val="000000" /><w:spacing w:val="-5" /></w:rPr>"#),
            "{after}"
        );
    }
}
