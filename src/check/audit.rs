//! Rules for the voluntary audit report and the acceptance self-evaluation
//! (Henan notice, domain.md §5): `audit/required-sections`,
//! `audit/stages`, `audit/balances`, `audit/options`, `audit/expert-group`,
//! `audit/agency`, `audit/reaudit-due`, `audit/report-file`, and the
//! municipal dates as `deadline/*`. What they check against (the required
//! parts, stages, minimums, dates) is the call's `voluntary` data.

use crate::rule;
use std::ops::Range;

use chrono::{DateTime, FixedOffset, Months};

use super::outline::{best_match, entry_names};
use super::{Ctx, diag, field_span, key_span};
use crate::assets::{Resolve, resolve};
use crate::call::{AgencyMinimums, Mention, Voluntary, format_zh};
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::document::fields::Spanned;
use crate::document::voluntary::{
    AcceptanceMeta, AuditMeta, FormMeta, OptionClass, OptionStatus, Totals, date_zh, number,
};
use crate::text::normalize_title;

pub fn check(ctx: &Ctx<'_>, doc: &Document, report: &AuditMeta, out: &mut Vec<Diagnostic>) {
    let v = &ctx.call.voluntary;
    super::form::enterprise_identity(ctx, doc, &report.enterprise, "enterprise.", out);
    title_names_the_enterprise(
        doc,
        report.title.as_ref(),
        &report.enterprise,
        rule::AUDIT_IDENTITY,
        out,
    );
    required_sections(doc, v, out);
    mentioned(
        doc,
        &v.stages,
        rule::AUDIT_STAGES,
        "审核程序中的“{}”阶段",
        out,
    );
    mentioned(doc, &v.balances, rule::AUDIT_BALANCES, "{}", out);
    vetoes(doc, &v.vetoes, out);
    prose_figures(doc, report, None, out);
    options(doc, report, out);
    let experts_of = &report.evaluation.experts;
    experts(
        doc,
        v.min_experts,
        experts_of,
        "evaluation.experts",
        "评估",
        out,
    );
    if let Some(r) = &report.evaluation.result
        && !matches!(r.value.as_str(), "通过" | "不通过")
    {
        out.push(
            diag(
                rule::FRONTMATTER_INVALID_VALUE,
                Severity::Error,
                doc,
                r.span.clone(),
                format!("评估结论“{}”不对", r.value),
            )
            .with_help("评估结论只有 通过 和 不通过 两种"),
        );
    }
    if report.evaluation.result.is_some() && experts_of.is_empty() {
        out.push(
            diag(
                rule::AUDIT_EXPERT_GROUP,
                Severity::Error,
                doc,
                key_span(doc, "evaluation"),
                "已填写评估结论，但没有列出评估专家组成员",
            )
            .with_help(format!(
                "在 evaluation.experts 中列出专家组成员（不少于{}人）",
                v.min_experts
            )),
        );
    }
    agency(doc, &v.agency, report, out);
    reaudit(ctx, doc, report, out);
    dates_in_order(
        doc,
        &[
            ("审核开始日期", &report.period_start),
            ("审核结束日期", &report.period_end),
            ("评估日期", &report.evaluation.date),
        ],
        out,
    );
}

/// `date/order`: dates that must follow each other (an audit's start, end
/// and evaluation) in the order given; an error at the later field.
fn dates_in_order(
    doc: &Document,
    dates: &[(&str, &Option<Spanned<DateTime<FixedOffset>>>)],
    out: &mut Vec<Diagnostic>,
) {
    let known: Vec<(&str, &Spanned<DateTime<FixedOffset>>)> = dates
        .iter()
        .filter_map(|(name, d)| d.as_ref().map(|d| (*name, d)))
        .collect();
    for pair in known.windows(2) {
        let ((a_name, a), (b_name, b)) = (pair[0], pair[1]);
        // Days, not instants: a period's end reads as the end of its day,
        // and the same day is in order.
        if b.value.date_naive() < a.value.date_naive() {
            out.push(
                diag(
                    rule::DATE_ORDER,
                    Severity::Error,
                    doc,
                    b.span.clone(),
                    format!(
                        "{b_name}（{}）早于{a_name}（{}）",
                        date_zh(&b.value),
                        date_zh(&a.value)
                    ),
                )
                .with_help(format!("{a_name}应在{b_name}之前：核对两个日期")),
            );
        }
    }
}

pub fn check_acceptance(
    ctx: &Ctx<'_>,
    doc: &Document,
    report: &AcceptanceMeta,
    out: &mut Vec<Diagnostic>,
) {
    let v = &ctx.call.voluntary;
    super::form::enterprise_identity(ctx, doc, &report.enterprise, "enterprise.", out);
    title_names_the_enterprise(
        doc,
        report.title.as_ref(),
        &report.enterprise,
        rule::ACCEPTANCE_IDENTITY,
        out,
    );
    experts(doc, v.min_experts, &report.experts, "experts", "验收", out);
    dates_in_order(
        doc,
        &[
            ("审核报告评估日期", &report.evaluation_date),
            ("验收自评报告编制日期", &report.date),
        ],
        out,
    );
    indicators(doc, &v.indicator_direction, report, out);
    for r in &report.reports {
        let Some(file) = &r.file else { continue };
        let problem = match resolve(ctx.root, ctx.root, &file.value) {
            Ok(_) => None,
            Err(Resolve::Missing) => Some(format!("证明材料文件 {} 不存在", file.value)),
            Err(Resolve::Outside) => Some(format!(
                "证明材料文件 {} 在项目目录之外，不会读取",
                file.value
            )),
        };
        if let Some(m) = problem {
            out.push(
                diag(
                    rule::AUDIT_REPORT_FILE,
                    Severity::Error,
                    doc,
                    file.span.clone(),
                    m,
                )
                .with_help(
                    "把有资质机构出具的报告放进项目（如 attachments/），写相对项目根目录的路径",
                ),
            );
        }
    }
    let base = report.date.as_ref().map_or(ctx.opts.today, |d| d.value);
    let span = key_span(doc, "date");
    yearly_deadline(
        ctx,
        doc,
        &v.acceptance_due,
        &v.acceptance_what,
        &base,
        span,
        out,
    );
}

/// The figure an indicator value starts with (`3.1`, `≤50`, `3.1 m³/t`).
/// `audit/identity`, `acceptance/identity`: the enterprise a title names
/// (伏牛新材料有限公司清洁生产审核报告) is the enterprise of the fields —
/// two names in one document are two identities (an error: both are
/// structured data). A title that names no enterprise (审核报告) is fine,
/// and so is a shortened name (伏牛新材料 for 河南伏牛新材料有限公司).
fn title_names_the_enterprise(
    doc: &Document,
    title: Option<&Spanned<String>>,
    e: &crate::document::voluntary::Enterprise,
    rule: crate::rule::RuleId,
    out: &mut Vec<Diagnostic>,
) {
    let (Some(title), Some(name)) = (title, e.name.as_ref()) else {
        return;
    };
    let t = title.value.trim();
    let Some(end) = ["自愿性清洁生产", "清洁生产", "审核报告", "验收"]
        .iter()
        .filter_map(|w| t.find(w))
        .min()
    else {
        return;
    };
    let named = t[..end].trim_end_matches(['（', '(', '“', '《']).trim();
    let legal = [
        "有限责任公司",
        "股份有限公司",
        "有限公司",
        "股份公司",
        "公司",
        "集团",
        "厂",
    ];
    if !legal.iter().any(|s| named.ends_with(s)) {
        return;
    }
    let core = |n: &str| {
        let mut n = normalize_title(n);
        for s in legal {
            if let Some(stripped) = n.strip_suffix(s) {
                n = stripped.to_string();
                break;
            }
        }
        n
    };
    let (a, b) = (core(named), core(&name.value));
    if a.is_empty() || b.is_empty() || a.contains(&b) || b.contains(&a) {
        return;
    }
    out.push(
        diag(
            rule,
            Severity::Error,
            doc,
            title.span.clone(),
            format!(
                "标题写的是“{named}”，enterprise.name 写的是“{}”：一份文档只能是一家企业的",
                name.value
            ),
        )
        .with_label("与企业名称不同")
        .with_help("核对标题、企业名称和统一社会信用代码，改成同一家企业的正式名称"),
    );
}

fn leading_number(s: &str) -> Option<f64> {
    let t = s
        .trim()
        .trim_start_matches(['≤', '<', '≥', '>', '约', '~', '～']);
    let n: String = t
        .chars()
        .map(crate::text::fold_width)
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    n.trim_end_matches('.').parse().ok()
}

/// `acceptance/indicator-worse`: an indicator that got worse after the
/// options were implemented (its direction read from its name: 耗、排放
/// better lower, 利用率 better higher; a name that says neither is not
/// judged). A warning at the `after` value.
fn indicators(
    doc: &Document,
    dir: &crate::call::IndicatorDirection,
    report: &AcceptanceMeta,
    out: &mut Vec<Diagnostic>,
) {
    for ind in &report.indicators {
        let (Some(name), Some(before), Some(after)) = (&ind.name, &ind.before, &ind.after) else {
            continue;
        };
        let (Some(b), Some(a)) = (leading_number(&before.value), leading_number(&after.value))
        else {
            continue;
        };
        let Some(higher) = dir.higher_is_better(&name.value) else {
            continue;
        };
        let worse = if higher { a < b } else { a > b };
        if !worse {
            continue;
        }
        let (way, should) = if higher {
            ("下降", "越高越好")
        } else {
            ("上升", "越低越好")
        };
        out.push(
            diag(
                rule::ACCEPTANCE_INDICATOR_WORSE,
                Severity::Warning,
                doc,
                after.span.clone(),
                format!(
                    "指标“{}”实施后（{}）比实施前（{}）{way}：这项指标{should}",
                    name.value, after.value, before.value
                ),
            )
            .with_label("实施后变差")
            .with_help("验收要复核清洁生产实施前后各项指标的提升情况：核对数值和前后顺序；确实变差的，在正文中说明原因"),
        );
    }
}

/// Where an item of a front-matter list stands: the reader gives each
/// item the whole list's span; the item's own text, searched from the
/// list's key to the end of the front matter, is more precise (one `- 项`
/// per line).
fn list_item_span(doc: &Document, path: &str, item: &Spanned<String>) -> Range<usize> {
    let from = key_span(doc, path).start;
    let to = doc.body_start();
    doc.src
        .text
        .get(from..to)
        .and_then(|t| t.find(item.value.as_str()))
        .map_or(item.span.clone(), |i| from + i..from + i + item.value.len())
}

/// Whether an option's name and a name written elsewhere are the same
/// option: equal after normalising, or one contains the other.
fn same_option(a: &str, b: &str) -> bool {
    let (a, b) = (normalize_title(a), normalize_title(b));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    a == b || (a.chars().count().min(b.chars().count()) >= 2 && (a.contains(&b) || b.contains(&a)))
}

/// One enterprise's audit report and acceptance report (matched by credit
/// code, else by name) against each other: `acceptance/implemented` (an
/// implemented option the report does not have), `acceptance/pending-option`
/// (a 中/高费 option of the report not implemented before acceptance), and
/// the report's evaluation date against the acceptance report's dates
/// (`enterprise/consistency`). Errors at the acceptance report's fields.
pub fn across_documents(docs: &[Document], out: &mut Vec<Diagnostic>) {
    let key = |d: &Document| -> Option<String> {
        let e = d.enterprise()?;
        e.uscc
            .as_ref()
            .map(|c| super::form::fold_uscc(&c.value))
            .filter(|c| !c.is_empty())
            .or_else(|| e.name.as_ref().map(|n| normalize_title(&n.value)))
    };
    let reports: Vec<(&Document, &AuditMeta, Option<String>)> = docs
        .iter()
        .filter_map(|d| match &d.meta {
            crate::document::Meta::Audit(r) => Some((d, &**r, key(d))),
            _ => None,
        })
        .collect();
    if reports.is_empty() {
        return;
    }
    for doc in docs {
        let crate::document::Meta::Acceptance(acc) = &doc.meta else {
            continue;
        };
        let Some(k) = key(doc) else { continue };
        // Only one report of this enterprise is unambiguous.
        let mut mine = reports.iter().filter(|(_, _, rk)| rk.as_ref() == Some(&k));
        let (Some((rdoc, report, _)), None) = (mine.next(), mine.next()) else {
            continue;
        };
        let names: Vec<&str> = report
            .options
            .iter()
            .filter_map(|o| o.name.as_ref().map(|n| n.value.as_str()))
            .collect();
        if !names.is_empty() {
            for imp in &acc.implemented {
                if names.iter().any(|n| same_option(n, &imp.value)) {
                    continue;
                }
                let hint = crate::text::closest(&imp.value, names.iter().copied())
                    .map_or_else(String::new, |c| format!("是否指“{c}”？"));
                out.push(
                    diag(
                        rule::ACCEPTANCE_IMPLEMENTED,
                        Severity::Error,
                        doc,
                        list_item_span(doc, "implemented", imp),
                        format!(
                            "已实施方案“{}”不是审核报告（{}）中的方案",
                            imp.value, rdoc.src.rel
                        ),
                    )
                    .with_label("报告中没有")
                    .with_help(format!(
                        "{hint}验收的是审核报告确定的方案，名称应与报告的 options 一致：{}",
                        names.join("、")
                    )),
                );
            }
        }
        for o in &report.options {
            let (Some(name), Some(OptionClass::High)) = (&o.name, o.class()) else {
                continue;
            };
            if acc
                .implemented
                .iter()
                .any(|i| same_option(&name.value, &i.value))
            {
                continue;
            }
            out.push(
                diag(
                    rule::ACCEPTANCE_PENDING_OPTION,
                    Severity::Error,
                    doc,
                    key_span(doc, "implemented"),
                    format!(
                        "审核报告（{}）中的中/高费方案“{}”没有列入已实施方案",
                        rdoc.src.rel, name.value
                    ),
                )
                .with_label("已实施方案")
                .with_help("通知要求实施完成清洁生产方案后才能申请验收：实施后把它加入 implemented；尚未实施的，暂不申请验收"),
            );
        }
        prose_figures(
            doc,
            report,
            Some(&Accepted {
                report_rel: &rdoc.src.rel,
                implemented: &acc.implemented,
            }),
            out,
        );
        if let Some(eval) = &report.evaluation.date {
            let at = |path: &str| super::field_span(doc, path);
            if let Some(d) = &acc.evaluation_date
                && d.value.date_naive() != eval.value.date_naive()
            {
                out.push(
                    diag(
                        rule::ENTERPRISE_CONSISTENCY,
                        Severity::Error,
                        doc,
                        at("evaluation_date"),
                        format!(
                            "评估日期 {} 与审核报告（{}）的评估日期 {} 不同",
                            date_zh(&d.value),
                            rdoc.src.rel,
                            date_zh(&eval.value)
                        ),
                    )
                    .with_help("以评估意见上的日期为准，两份报告写同一天"),
                );
            } else if acc.evaluation_date.is_none()
                // (With its own evaluation date, the acceptance report's
                // date is held against it by `date/order`: once is enough.)
                && let Some(d) = &acc.date
                && d.value < eval.value
            {
                out.push(
                    diag(
                        rule::ENTERPRISE_CONSISTENCY,
                        Severity::Error,
                        doc,
                        at("date"),
                        format!(
                            "验收自评报告编制日期 {} 早于审核报告（{}）的评估日期 {}",
                            date_zh(&d.value),
                            rdoc.src.rel,
                            date_zh(&eval.value)
                        ),
                    )
                    .with_help("验收在审核报告通过评估、方案实施完成之后：核对两个日期"),
                );
            }
        }
    }
}

pub fn deadline_form(ctx: &Ctx<'_>, doc: &Document, form: &FormMeta, out: &mut Vec<Diagnostic>) {
    let v = &ctx.call.voluntary;
    let base = form.filled_on.as_ref().map_or(ctx.opts.today, |d| d.value);
    let span = key_span(doc, "filled_on");
    yearly_deadline(ctx, doc, &v.list_due, &v.list_what, &base, span, out);
}

fn yearly_deadline(
    ctx: &Ctx<'_>,
    doc: &Document,
    due: &str,
    what: &str,
    base: &DateTime<FixedOffset>,
    span: Range<usize>,
    out: &mut Vec<Diagnostic>,
) {
    let Some((month, day)) = Voluntary::month_day(due) else {
        return;
    };
    let due_text = due;
    let Some(due) = Voluntary::next_due(due, base) else {
        return;
    };
    let v = &ctx.call.voluntary;
    let today = ctx.opts.today;
    if today > due {
        // The round this document was dated for has closed: history for a
        // document sent in time, so a note, with the next round's date.
        let ago = -super::deadline::days_left(&today, &due);
        let next = Voluntary::next_due(due_text, &today)
            .map_or_else(String::new, |n| format!("；下一次截止是 {}", format_zh(&n)));
        out.push(
            diag(
                rule::DEADLINE_PASSED,
                Severity::Info,
                doc,
                span,
                format!(
                    "按文档日期，“{what}”这一轮已于 {} 截止（{ago} 天前）{next}",
                    format_zh(&due)
                ),
            )
            .with_help(format!(
                "已按时报送的无需处理；尚未报送的顺延到下一轮（每年 {month} 月 {day} 日截止），请与{}确认",
                v.authority
            )),
        );
    } else {
        let left = super::deadline::days_left(&today, &due);
        out.push(
            diag(
                rule::DEADLINE_UPCOMING,
                Severity::Info,
                doc,
                span,
                format!("距“{what}”截止还有 {left} 天（{}）", format_zh(&due)),
            )
            .with_help(format!(
                "每年 {month} 月 {day} 日截止，由{}办理（{}）",
                v.authority, v.notice
            )),
        );
    }
}

/// Where a finding about the whole body points: its first line of text
/// (not the blank line after the front matter).
fn body_span(doc: &Document) -> Range<usize> {
    let at = doc.body_start();
    let body = doc.src.text.get(at..).unwrap_or("");
    let lead = body.len() - body.trim_start().len();
    let start = at + lead;
    let end = body[lead..]
        .find('\n')
        .map_or(doc.src.text.len(), |k| start + k);
    start..end
}

fn required_sections(doc: &Document, v: &Voluntary, out: &mut Vec<Diagnostic>) {
    let names = entry_names(&v.report_sections);
    let mut found = vec![false; names.len()];
    for h in &doc.body.headings {
        if let Some(m) = best_match(&names, &h.title) {
            found[m.entry] = true;
        }
    }
    // A report organised by audit stage covers a part across chapters.
    let titles: Vec<String> = doc
        .body
        .headings
        .iter()
        .map(|h| normalize_title(&h.title))
        .collect();
    let stands = |word: &str| {
        let w = normalize_title(word);
        titles.iter().any(|t| t == &w || t.starts_with(&w))
    };
    for (entry, ok) in v.report_sections.iter().zip(found.iter_mut()) {
        if !*ok
            && entry
                .covered_by
                .iter()
                .any(|set| set.iter().all(|w| stands(w)))
        {
            *ok = true;
        }
    }
    let all: Vec<&str> = v.report_sections.iter().map(|e| e.title.as_str()).collect();
    for (entry, ok) in v.report_sections.iter().zip(&found) {
        if !ok {
            let title = &entry.title;
            out.push(
                diag(
                    rule::AUDIT_REQUIRED_SECTIONS,
                    Severity::Error,
                    doc,
                    body_span(doc),
                    format!("审核报告缺少“{title}”部分"),
                )
                .with_label("正文")
                .with_help({
                    let chapters: Vec<String> = entry
                        .covered_by
                        .iter()
                        .map(|set| set.join("、"))
                        .collect();
                    if chapters.is_empty() {
                        format!(
                            "通知（{}）要求审核报告包括：{}。加一个标题 `# {title}`",
                            v.notice,
                            all.join("；")
                        )
                    } else {
                        format!(
                            "通知（{}）要求审核报告包括：{}。加一个标题 `# {title}`，或按审核阶段分章写出：{}",
                            v.notice,
                            all.join("；"),
                            chapters.join(" 或 ")
                        )
                    }
                }),
            );
        }
    }
}

/// Warn for each item none of whose words appears in the headings or text.
/// Words that say a thing was not done, in the sentence that names it.
const NEGATIONS: [&str; 10] = [
    "未开展",
    "尚未",
    "没有",
    "未建立",
    "未进行",
    "暂未",
    "未做",
    "未确定",
    "未能",
    "无法",
];

const SENTENCE_ENDS: [char; 3] = ['。', '；', '\n'];

/// Where the sentence holding byte `i` of `body` starts (at its
/// preceding 。；or line end) and ends.
pub(crate) fn sentence_start(body: &str, i: usize) -> usize {
    body[..i].rfind(SENTENCE_ENDS).unwrap_or(0)
}

fn sentence_end(body: &str, i: usize) -> usize {
    body[i..].find(SENTENCE_ENDS).map_or(body.len(), |k| i + k)
}

/// The sentences (split at 。；！？ and line ends) of the body in which a
/// clause (split at commas) names one of `words` without saying it was
/// not done.
fn affirmed<'a>(body: &'a str, words: &[String]) -> Vec<&'a str> {
    body.split(['。', '；', '！', '？', '\n'])
        .filter(|s| {
            s.split(['，', ',', '、'])
                .filter(|c| words.iter().any(|w| c.contains(w.as_str())))
                .any(|c| !NEGATIONS.iter().any(|n| c.contains(n)))
        })
        .collect()
}

/// Numbers stated right after `keyword` (a few characters such as 为、约、
/// 共 may stand between) and followed by `unit`: (byte range, value).
fn stated_after(body: &str, keyword: &str, unit: &str) -> Vec<(Range<usize>, f64)> {
    let mut out = Vec::new();
    for (i, _) in body.match_indices(keyword) {
        let after = i + keyword.len();
        let rest = &body[after..];
        let skip: usize = rest
            .chars()
            .take_while(|c| matches!(c, '为' | '约' | '共' | '计' | '：' | ':' | ' ' | '达'))
            .map(char::len_utf8)
            .sum();
        let num_at = after + skip;
        let digits: String = body[num_at..]
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        if digits.is_empty() || !body[num_at + digits.len()..].starts_with(unit) {
            continue;
        }
        if let Ok(v) = digits.trim_end_matches('.').parse::<f64>() {
            out.push((num_at..num_at + digits.len(), v));
        }
    }
    out
}

/// An acceptance report's text speaks of its audit report's options and
/// of those it implemented: which report (for messages) and which options.
struct Accepted<'a> {
    report_rel: &'a str,
    implemented: &'a [Spanned<String>],
}

/// Words after which a text states how many options were implemented.
const IMPLEMENTED_COUNT: [&str; 6] = [
    "已实施清洁生产方案",
    "已实施方案",
    "共实施清洁生产方案",
    "共实施方案",
    "实施完成清洁生产方案",
    "实施完成方案",
];

/// `audit/prose-figures`: counts and totals stated in the text (共提出清洁
/// 生产方案N项，其中无/低费方案a项，中/高费方案b项；总投资X万元；年经济效益
/// Y万元) against the options — in the audit report, and in an acceptance
/// report against its report's options and those it implemented (已实施
/// 方案N项; “已全部实施” when some were not). A count that disagrees is an
/// error; an amount that is none of the totals nor any option's own is a
/// warning (the text may speak of something else).
fn prose_figures(
    doc: &Document,
    report: &AuditMeta,
    accepted: Option<&Accepted<'_>>,
    out: &mut Vec<Diagnostic>,
) {
    if report.options.is_empty() {
        return;
    }
    let at = doc.body_start();
    let body = doc.body_text();
    let all = report.totals(None);
    let low = report.totals(Some(OptionClass::Low));
    let high = report.totals(Some(OptionClass::High));
    // The options implemented, as the report states them.
    let done: Vec<&crate::document::voluntary::CpOption> = match accepted {
        Some(a) => report
            .options
            .iter()
            .filter(|o| {
                o.name.as_ref().is_some_and(|n| {
                    a.implemented
                        .iter()
                        .any(|i| same_option(&n.value, &i.value))
                })
            })
            .collect(),
        // In the report itself: the options whose status says done.
        None => report
            .options
            .iter()
            .filter(|o| o.status() == Some(OptionStatus::Done))
            .collect(),
    };
    let done_totals = Totals {
        count: done.len(),
        investment: done
            .iter()
            .filter_map(|o| o.investment.as_ref().map(|v| v.value))
            .sum(),
        economic_benefit: done
            .iter()
            .filter_map(|o| o.economic_benefit.as_ref().map(|v| v.value))
            .sum(),
    };
    let options_of = match accepted {
        Some(a) => format!("审核报告（{}）的 options", a.report_rel),
        None => "options".to_string(),
    };
    // In an acceptance report the finding spans two documents.
    let rule = if accepted.is_some() {
        rule::ACCEPTANCE_PROSE_FIGURES
    } else {
        rule::AUDIT_PROSE_FIGURES
    };
    let mut push = |range: Range<usize>, severity: Severity, message: String| {
        out.push(
            diag(
                rule,
                severity,
                doc,
                at + range.start..at + range.end,
                message,
            )
            .with_help(if accepted.is_some() {
                "正文中的方案数和金额应与审核报告的 options 和本报告的 implemented 一致：改正其中一处"
            } else {
                "正文中的方案数和金额应与 front matter 的 options 一致：改正其中一处"
            }),
        );
    };
    let mut counts: Vec<(&[&str], usize, &str, String)> = vec![
        (
            &[
                "共提出清洁生产方案",
                "共产生清洁生产方案",
                "共提出方案",
                "共产生方案",
                "清洁生产方案共",
            ],
            all.count,
            "方案",
            options_of.clone(),
        ),
        (
            &["无/低费方案", "无低费方案"],
            low.count,
            "无/低费方案",
            options_of.clone(),
        ),
        (
            &["中/高费方案", "中高费方案"],
            high.count,
            "中/高费方案",
            options_of.clone(),
        ),
    ];
    // Counts per class only when every option's class is known (a bad
    // `class:` is reported once, at itself).
    if !report.classes_known() {
        counts.truncate(1);
    }
    match accepted {
        Some(a) => counts.push((
            &IMPLEMENTED_COUNT,
            a.implemented.len(),
            "已实施方案",
            "implemented".to_string(),
        )),
        // The report's own count of those done, where every option says
        // where it stands.
        None if report.options.iter().all(|o| o.status().is_some()) => counts.push((
            &IMPLEMENTED_COUNT,
            done.len(),
            "已实施方案",
            "options 的 status".to_string(),
        )),
        None => {}
    }
    // Counts tied to a stage, a year, a workshop or a status are parts
    // (预评估阶段提出无/低费方案6项 … 评估阶段新增3项): not the class's
    // total. Parts of one class in one paragraph may not add up to more
    // than its total: (class, paragraph) → (sum, first range).
    let mut parts: std::collections::BTreeMap<(&str, usize), (f64, Range<usize>, usize)> =
        Default::default();
    for (keys, expected, what, source) in counts {
        for key in keys {
            for (range, v) in stated_after(body, key, "项") {
                // “共提出方案23项，经合并、剔除后筛选出12项”: the first count
                // is of the candidates, not of the options kept.
                let sentence = &body[range.end..sentence_end(body, range.end)];
                if what == "方案"
                    && ["筛选", "剔除", "合并", "可行", "初步"]
                        .iter()
                        .any(|w| sentence.contains(w))
                {
                    continue;
                }
                let before = &body[sentence_start(body, range.start)..range.start];
                if what != "已实施方案" && is_part_count(before) {
                    let paragraph = body[..range.start].rfind("\n\n").unwrap_or(0);
                    let e =
                        parts
                            .entry((what, paragraph))
                            .or_insert((0.0, range.clone(), expected));
                    e.0 += v;
                    continue;
                }
                if (v - expected as f64).abs() > 1e-9 {
                    // Certain only where the sentence states a total (共、
                    // 合计、全部); elsewhere prose is read, and may be read
                    // wrong: a warning.
                    let severity = if states_total(before) {
                        Severity::Error
                    } else {
                        Severity::Warning
                    };
                    push(
                        range,
                        severity,
                        format!("正文写{what} {v} 项，{source} 中有 {expected} 项"),
                    );
                }
            }
        }
    }
    for ((what, _), (sum, range, expected)) in parts {
        if sum > expected as f64 + 1e-9 {
            push(
                range,
                Severity::Warning,
                format!(
                    "这一段按阶段（或年份、车间）写的{what}加起来是 {sum} 项，多于 {options_of} 中的 {expected} 项"
                ),
            );
        }
    }
    // “已全部实施”: every option of the report implemented (acceptance), or
    // none still underway or planned (the report's own statuses) — of the
    // class the sentence names, if it names one (9项无/低费方案已全部实施).
    let not_done = |o: &crate::document::voluntary::CpOption| match accepted {
        Some(_) => !done.iter().any(|d| std::ptr::eq(*d, o)),
        None => o.status().is_some_and(|st| st != OptionStatus::Done),
    };
    let claims = [
        "全部实施",
        "均已实施",
        "都已实施",
        "全部完成实施",
        "均已完成实施",
    ];
    let mut at: Vec<(usize, &str)> = claims.iter().flat_map(|c| body.match_indices(c)).collect();
    at.sort_unstable();
    // “8项无/低费方案在审核期间全部实施”: the count of a claim is the
    // count of that class (or of all the options).
    // “全部实施后” (once all are done), “待全部实施” speak of the future.
    at.retain(|&(i, claim)| {
        let after = &body[i + claim.len()..];
        let before = &body[..i];
        !(after.starts_with('后')
            || after.starts_with("以后")
            || ["待", "若", "如", "将", "拟", "预计", "计划"]
                .iter()
                .any(|w| before.ends_with(w)))
    });
    for &(i, claim) in &at {
        let start_of = sentence_start(body, i);
        let sentence = &body[start_of..i];
        for (class, words) in [
            (Some(OptionClass::Low), &["无/低费方案", "无低费方案"][..]),
            (Some(OptionClass::High), &["中/高费方案", "中高费方案"][..]),
            (None, &["项方案", "项清洁生产方案"][..]),
        ] {
            if class.is_some() && !report.classes_known() {
                continue;
            }
            let Some((k, _)) = words
                .iter()
                .filter_map(|w| sentence.rfind(w).map(|k| (k, w)))
                .max()
            else {
                continue;
            };
            // The count right before: “8项无/低费方案”, “10项方案”.
            let head = if class.is_some() {
                sentence[..k].strip_suffix('项')
            } else {
                Some(&sentence[..k])
            };
            let Some(head) = head else { continue };
            let digits = head.len() - head.trim_end_matches(|c: char| c.is_ascii_digit()).len();
            let Ok(n) = head[head.len() - digits..].parse::<usize>() else {
                continue;
            };
            let expected = report.totals(class).count;
            if n != expected {
                let start = start_of + head.len() - digits;
                let what = class.map_or("", |c| c.name_zh());
                push(
                    start..start + digits,
                    Severity::Error,
                    format!(
                        "正文写{n}项{what}方案“{claim}”，{options_of} 中{what}方案有 {expected} 项"
                    ),
                );
            }
        }
    }
    if report.options.iter().any(not_done) {
        for &(i, claim) in &at {
            let sentence = &body[sentence_start(body, i)..i];
            let clause = sentence
                .rfind(['，', ','])
                .map_or(sentence, |k| &sentence[k..]);
            // Not when it says it was not (尚未全部实施).
            if NEGATIONS.iter().any(|n| clause.contains(n)) || clause.ends_with('未') {
                continue;
            }
            let class = if ["无/低费", "无低费", "低费"]
                .iter()
                .any(|w| sentence.contains(w))
            {
                Some(OptionClass::Low)
            } else if ["中/高费", "中高费", "高费"]
                .iter()
                .any(|w| sentence.contains(w))
            {
                Some(OptionClass::High)
            } else {
                None
            };
            let names: Vec<&str> = report
                .options
                .iter()
                .filter(|o| class.is_none() || o.class() == class)
                .filter(|o| not_done(o))
                .filter_map(|o| o.name.as_ref().map(|n| n.value.as_str()))
                .collect();
            if names.is_empty() {
                continue;
            }
            let (severity, whose) = if accepted.is_some() {
                (Severity::Error, "这些方案不在 implemented 中")
            } else {
                (Severity::Warning, "这些方案的 status 不是已实施")
            };
            push(
                i..i + claim.len(),
                severity,
                format!("正文写方案“{claim}”，但{whose}：{}", names.join("、")),
            );
        }
    }
    // The amounts are judged against the totals per class too: not while
    // a class cannot be read (that is reported once, at the class). An
    // acceptance report states what was actually spent and earned, which
    // differs from the report's estimates as a rule: its amounts are not
    // judged.
    if !report.classes_known() || accepted.is_some() {
        return;
    }
    // A figure as precise as it is written (1576 stands for 1575.9), and a
    // figure said to be about (约) within 1%.
    let near = |v: f64, x: f64, range: &Range<usize>| {
        let written = body.get(range.clone()).unwrap_or("");
        let decimals = written.split_once('.').map_or(0, |(_, d)| d.len());
        let about = body[..range.start].ends_with('约') || body[..range.start].ends_with("约为");
        let tol = if about {
            (x.abs() * 0.01).max(0.5 * 10f64.powi(-(decimals as i32)))
        } else {
            0.5 * 10f64.powi(-(decimals as i32)) + 1e-9
        };
        (x - v).abs() <= tol.max(0.005)
    };
    // Only where the sentence speaks of the options (方案): 一期工程总投资
    // in the enterprise's history is another figure.
    let of_options = |range: &Range<usize>| {
        let from = sentence_start(body, range.start);
        let to = sentence_end(body, range.end);
        body[from..to].contains("方案")
    };
    let known = |v: f64,
                 range: &Range<usize>,
                 pick: fn(&Totals) -> f64,
                 field: fn(&crate::document::voluntary::CpOption) -> Option<f64>| {
        [&all, &low, &high, &done_totals]
            .iter()
            .any(|t| near(v, pick(t), range))
            || report
                .options
                .iter()
                .filter_map(field)
                .any(|x| near(v, x, range))
    };
    for key in ["总投资", "累计投资", "投入资金"] {
        for (range, v) in stated_after(body, key, "万元") {
            if of_options(&range)
                && !known(
                    v,
                    &range,
                    |t| t.investment,
                    |o| o.investment.as_ref().map(|x| x.value),
                )
            {
                push(
                    range,
                    Severity::Warning,
                    format!(
                        "正文写{key} {v} 万元，与 {options_of} 的合计 {} 万元及各方案投资都不一致",
                        number(all.investment)
                    ),
                );
            }
        }
    }
    for (range, v) in stated_after(body, "年经济效益", "万元") {
        if of_options(&range)
            && !known(
                v,
                &range,
                |t| t.economic_benefit,
                |o| o.economic_benefit.as_ref().map(|x| x.value),
            )
        {
            push(
                range,
                Severity::Warning,
                format!(
                    "正文写年经济效益 {v} 万元，与 {options_of} 的合计 {} 万元及各方案效益都不一致",
                    number(all.economic_benefit)
                ),
            );
        }
    }
}

/// Whether the words before a count in its sentence tie it to a part of
/// the audit: a stage (预评估阶段), a later addition (新增、又提出), a year
/// (2023年), a workshop, a batch, or a status (已实施): then it is not the
/// class's total.
fn is_part_count(before: &str) -> bool {
    const MARKS: &[&str] = &[
        "阶段",
        "新增",
        "又提出",
        "另提出",
        "另有",
        "再提出",
        "补充提出",
        "车间",
        "工段",
        "分厂",
        "首批",
        "第一批",
        "第二批",
        "年度",
        "季度",
        "上半年",
        "下半年",
        "已实施",
        "尚未实施",
        "正在实施",
        "未实施",
        "计划实施",
        "拟实施",
        "待实施",
    ];
    if MARKS.iter().any(|m| before.contains(m)) {
        return true;
    }
    // A year: four digits then 年 (2023年).
    let b = before.as_bytes();
    before
        .match_indices('年')
        .any(|(i, _)| i >= 4 && b[i - 4..i].iter().all(u8::is_ascii_digit))
}

/// Whether the words before a count in its sentence say it is a total:
/// 共提出、合计、总计、全部、累计 (and a breakdown after it: 共14项，其中
/// 无/低费方案11项).
fn states_total(before: &str) -> bool {
    ["共", "合计", "总计", "全部", "累计", "总共"]
        .iter()
        .any(|m| before.contains(m))
}

const NOT_UNITS: &[char] = &[
    '年', '月', '日', '号', '时', '点', '分', '秒', '章', '节', '条', '款', '页', '期', '轮', '届',
    '版', '级', '批', '季', '周',
];

/// Units a quantity may take after a space (削减 12 吨): a space then any
/// other word is a list or section number (`2.5 设置清洁生产目标`).
const SPACED_UNITS: &[char] = &[
    '吨', '千', '公', '克', '毫', '微', '米', '厘', '立', '平', '升', '度', '元', '万', '亿', '倍',
    '个', '台', '套', '项', '标', '瓦', '焦', '兆', '吉', '百', '次', '人', '天',
];

/// Whether a sentence (or table row) states a quantity: a number with a
/// unit or a percentage (降低5%, 降至 95 kgce/t, 削减 12 吨), or in a
/// table a cell that is a number (the unit in the header). Section and
/// list numbers, years, dates, times and standard numbers do not count.
fn has_quantity(sentence: &str) -> bool {
    let mut s = sentence.trim_start();
    if s.starts_with('#') {
        // A heading's leading digits are its section number (2.5, 2.5设置).
        s = s
            .trim_start_matches('#')
            .trim_start()
            .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
    }
    let row = s.starts_with('|');
    // In a row, a cell that is a number; not a year, nor the serial
    // number of the first column.
    if row
        && s.split('|').skip(1).enumerate().any(|(k, cell)| {
            let c: String = cell.trim().chars().map(crate::text::fold_width).collect();
            let c = c.trim_end_matches('%');
            let year = c.len() == 4 && (c.starts_with("19") || c.starts_with("20"));
            let serial = k == 0 && !c.contains('.');
            !c.is_empty()
                && !year
                && !serial
                && c.chars().all(|ch| ch.is_ascii_digit() || ch == '.')
                && c.chars().any(|ch| ch.is_ascii_digit())
        })
    {
        return true;
    }
    let cs: Vec<char> = s.chars().map(crate::text::fold_width).collect();
    let mut i = 0;
    while i < cs.len() {
        if !cs[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        let mut dots = 0;
        while i < cs.len()
            && (cs[i].is_ascii_digit()
                || (cs[i] == '.' && cs.get(i + 1).is_some_and(char::is_ascii_digit)))
        {
            dots += usize::from(cs[i] == '.');
            i += 1;
        }
        // What stands before: 第3, 2024-06-30, 14:30, GB/T 9704, ISO14001.
        let before = cs[..start].iter().rev().find(|c| **c != ' ').copied();
        let glued = start > 0 && cs[start - 1] != ' ';
        if dots > 1
            || (glued && matches!(before, Some('第' | '-' | '/' | ':' | '.')))
            || before.is_some_and(|c| c.is_ascii_alphabetic() || c == '/')
        {
            continue;
        }
        let mut j = i;
        while cs.get(j) == Some(&' ') {
            j += 1;
        }
        let spaced = j > i;
        let Some(&unit) = cs.get(j) else { continue };
        let quantity = match unit {
            '%' | '‰' => true,
            u if u.is_ascii_alphabetic() => true,
            u if NOT_UNITS.contains(&u) => false,
            u if spaced => SPACED_UNITS.contains(&u),
            u => !u.is_ascii() && !crate::text::is_punct(u),
        };
        if quantity {
            return true;
        }
    }
    false
}

/// Veto items of the acceptance scoring: named, not negated, and (for a
/// target) with a quantity in the same sentence or table row.
fn vetoes(doc: &Document, items: &[crate::call::Veto], out: &mut Vec<Diagnostic>) {
    let body = doc.body_text();
    for item in items {
        let ok = affirmed(body, &item.words)
            .iter()
            .any(|s| !item.quantified || has_quantity(s))
            || (item.quantified && quantified_elsewhere(doc, &item.words));
        if !ok {
            out.push(
                diag(
                    rule::AUDIT_VETO,
                    Severity::Error,
                    doc,
                    body_span(doc),
                    format!("报告没有写明{}（省级验收评分的否决项）", item.name),
                )
                .with_help(item.help.clone()),
            );
        }
    }
}

/// A quantity stated where the words stand as a title rather than in the
/// sentence: in the text of a section titled with them (“2.7 设置清洁生产
/// 目标”: 单位产品能耗由94.9降至88.0千克标准煤/吨), or in a table captioned
/// with them (表2-1 清洁生产目标) or whose header names a 目标 column.
fn quantified_elsewhere(doc: &Document, words: &[String]) -> bool {
    let names = |t: &str| words.iter().any(|w| t.contains(w.as_str()));
    let text = &doc.src.text;
    let headings = &doc.body.headings;
    let end = text.len();
    for (i, h) in headings.iter().enumerate() {
        if !names(&h.title) {
            continue;
        }
        // The section up to the next heading of its level or above.
        let stop = headings[i + 1..]
            .iter()
            .find(|n| n.depth <= h.depth)
            .map_or(end, |n| n.span.start);
        let section = text.get(h.span.end.min(stop)..stop).unwrap_or("");
        if section
            .split(['。', '；', '\n'])
            .any(|s| !NEGATIONS.iter().any(|n| s.contains(n)) && has_quantity(s))
        {
            return true;
        }
    }
    let body = doc.body_text();
    let mut captioned = false;
    let mut header_next = false;
    for line in body.lines() {
        let l = line.trim();
        if l.starts_with('|') {
            if header_next {
                // A table's first row is its header.
                captioned |= l.contains("目标") || names(l);
                header_next = false;
            } else if captioned && has_quantity(l) {
                return true;
            }
        } else if !l.is_empty() {
            captioned = names(l) && !NEGATIONS.iter().any(|n| l.contains(n));
            header_next = true;
        }
    }
    false
}

fn mentioned(
    doc: &Document,
    items: &[Mention],
    rule: crate::rule::RuleId,
    what: &str,
    out: &mut Vec<Diagnostic>,
) {
    let body = doc.body_text();
    for item in items {
        // Named in a sentence that does not say it was not done (“尚未
        //建立水平衡” is not a water balance).
        if affirmed(body, &item.words).is_empty() {
            let label = what.replace("{}", &item.name);
            let help = if rule == rule::AUDIT_BALANCES {
                "审核阶段应建立物料平衡、能量平衡和水平衡：在“清洁生产审核过程和结果”中写明平衡测算及结论"
            } else {
                "审核程序为：审核准备 → 审核 → 方案的产生和筛选 → 方案的确定 → 编写审核报告；在“清洁生产审核过程和结果”中逐一写明"
            };
            out.push(
                diag(
                    rule,
                    Severity::Warning,
                    doc,
                    body_span(doc),
                    format!("报告中没有写到{label}"),
                )
                .with_help(help),
            );
        }
    }
}

fn experts(
    doc: &Document,
    min: usize,
    experts: &[Spanned<String>],
    path: &str,
    what: &str,
    out: &mut Vec<Diagnostic>,
) {
    if !experts.is_empty() && experts.len() < min {
        out.push(
            diag(
                rule::AUDIT_EXPERT_GROUP,
                Severity::Error,
                doc,
                field_span(doc, path),
                format!(
                    "{what}专家组只有 {} 人，通知要求不少于 {min} 人",
                    experts.len()
                ),
            )
            .with_help(format!("{what}须由不少于{min}名专家组成的专家组进行")),
        );
    }
}

fn agency(doc: &Document, min: &AgencyMinimums, report: &AuditMeta, out: &mut Vec<Diagnostic>) {
    let Some(a) = &report.agency else { return };
    let n = |v: &Option<Spanned<f64>>| v.as_ref().map(|x| x.value);
    let checks = [
        ("staff", n(&a.staff), min.staff, "专职技术人员"),
        ("senior", n(&a.senior), min.senior, "高级职称人员"),
        (
            "intermediate",
            n(&a.intermediate),
            min.intermediate,
            "中级职称（或注册能源、环境类资格）人员",
        ),
    ];
    for (key, value, least, what) in checks {
        if let Some(v) = value
            && v < least
        {
            out.push(
                diag(
                    rule::AUDIT_AGENCY,
                    Severity::Error,
                    doc,
                    field_span(doc, &format!("agency.{key}")),
                    format!("第三方服务机构{what}为 {v} 人，通知要求不少于 {least} 人"),
                )
                .with_help(format!(
                    "通知对第三方服务机构的要求：专职技术人员不少于{}人，其中高级职称不少于{}人、中级职称（或注册资格）不少于{}人",
                    min.staff, min.senior, min.intermediate
                )),
            );
        }
    }
    // Judged once either record is given (a new skeleton has neither).
    let given = a.industry_audits.is_some() || a.related_jobs.is_some();
    let audits = n(&a.industry_audits).unwrap_or(0.0);
    let related = n(&a.related_jobs).unwrap_or(0.0);
    if given && audits < min.industry_audits && related < min.related_jobs {
        out.push(
            diag(
                rule::AUDIT_AGENCY,
                Severity::Error,
                doc,
                key_span(doc, "agency"),
                format!("第三方服务机构业绩不足：本行业审核 {audits} 家、相关咨询 {related} 项"),
            )
            .with_help(format!(
                "通知要求在所服务行业完成清洁生产审核不少于{}家，或完成环评、能源审计、能评、能源规划等相关咨询不少于{}项",
                min.industry_audits, min.related_jobs
            )),
        );
    }
}

fn reaudit(ctx: &Ctx<'_>, doc: &Document, report: &AuditMeta, out: &mut Vec<Diagnostic>) {
    let v = &ctx.call.voluntary;
    let (base, path) = match (&report.evaluation.date, &report.period_end) {
        (Some(d), _) => (d, "evaluation.date"),
        (None, Some(d)) => (d, "period.end"),
        _ => return,
    };
    let Some(due) = base
        .value
        .checked_add_months(Months::new(12 * v.reaudit_years))
    else {
        return;
    };
    let warn_from = due
        .checked_sub_months(Months::new(v.reaudit_warn_months))
        .unwrap_or(due);
    let today = ctx.opts.today;
    let span = field_span(doc, path);
    if today >= warn_from {
        let left = super::deadline::days_left(&today, &due);
        let when = if left >= 0 {
            format!("还有 {left} 天")
        } else {
            format!("已过 {} 天", -left)
        };
        out.push(
            diag(
                rule::AUDIT_REAUDIT_DUE,
                Severity::Warning,
                doc,
                span,
                format!("下一轮清洁生产审核应在 {} 前开展（{when}）", date_zh(&due)),
            )
            .with_help(format!(
                "清洁生产审核每{}年开展一次：及早启动下一轮审核",
                v.reaudit_years
            )),
        );
    } else {
        out.push(
            diag(
                rule::AUDIT_REAUDIT_DUE,
                Severity::Info,
                doc,
                span,
                format!("下一轮清洁生产审核应在 {} 前开展", date_zh(&due)),
            )
            .with_help(format!("清洁生产审核每{}年开展一次", v.reaudit_years)),
        );
    }
}

/// The options summary as text: the same figures the site and the printed
/// table show.
pub fn totals_text(report: &AuditMeta) -> String {
    let part = |t: Totals, name: &str| {
        format!(
            "{name} {} 项，投资 {} 万元，年经济效益 {} 万元",
            t.count,
            number(t.investment),
            number(t.economic_benefit)
        )
    };
    let unclassed = report
        .options
        .iter()
        .filter(|o| o.class().is_none())
        .count();
    let unclassed = if unclassed > 0 {
        format!("；类别待定 {unclassed} 项")
    } else {
        String::new()
    };
    format!(
        "{}；{}{unclassed}；合计 {}",
        part(report.totals(Some(OptionClass::Low)), "无/低费"),
        part(report.totals(Some(OptionClass::High)), "中/高费"),
        part(report.totals(None), "").trim_start()
    )
}

fn options(doc: &Document, report: &AuditMeta, out: &mut Vec<Diagnostic>) {
    if report.options.is_empty() {
        return;
    }
    for o in &report.options {
        let name = o
            .name
            .as_ref()
            .map_or_else(|| o.path.clone(), |n| format!("“{}”", n.value));
        let at = |k: &str| field_span(doc, &format!("{}.{k}", o.path));
        match &o.class {
            None => out.push(
                diag(
                    rule::AUDIT_OPTIONS,
                    Severity::Error,
                    doc,
                    key_span(doc, &o.path),
                    format!("方案{name}没有写类别"),
                )
                .with_help("class: 无/低费 或 class: 中/高费"),
            ),
            Some(c) if o.class().is_none() => out.push(
                diag(
                    rule::AUDIT_OPTIONS,
                    Severity::Error,
                    doc,
                    c.span.clone(),
                    format!("方案{name}的类别“{}”不对", c.value),
                )
                .with_help("类别只有 无/低费 和 中/高费 两种；改正之前，正文中按类别的方案数和分类方案表不作比对"),
            ),
            _ => {}
        }
        if let Some(st) = &o.status
            && o.status().is_none()
        {
            out.push(
                diag(
                    rule::AUDIT_OPTIONS,
                    Severity::Warning,
                    doc,
                    st.span.clone(),
                    format!(
                        "方案{name}的实施状态“{}”不是 已实施、实施中、计划实施 之一",
                        st.value
                    ),
                )
                .with_label("实施状态")
                .with_help(
                    "status: 已实施、实施中 或 计划实施（已完成 视同已实施，拟实施 视同计划实施）",
                ),
            );
        }
        if o.investment.is_none() {
            out.push(
                diag(
                    rule::AUDIT_OPTIONS,
                    Severity::Error,
                    doc,
                    at("investment"),
                    format!("方案{name}没有写投资（万元）"),
                )
                .with_help("investment: 投资额，单位万元；无费方案写 0"),
            );
        }
        if o.economic_benefit.is_none() && !o.has_environmental_benefit() {
            out.push(
                diag(rule::AUDIT_OPTIONS, Severity::Error, doc, key_span(doc, &o.path), format!("方案{name}没有写效益"))
                    .with_help("写 economic_benefit（万元/年），和/或 environmental_benefit（一句话，或分写 energy、water、pollutants）"),
            );
        }
    }
    out.push(
        diag(
            rule::AUDIT_OPTIONS,
            Severity::Info,
            doc,
            key_span(doc, "options"),
            format!("清洁生产方案汇总：{}", totals_text(report)),
        )
        .with_help("这些合计由 shenbao 从各方案计算，印在报告的方案汇总表中"),
    );
    for table in option_tables(doc, report) {
        if table.class.is_some() && !report.classes_known() {
            continue;
        }
        // A table of the options it names (some of them: still to do, or
        // done) is compared with those; else a table of one class's
        // options with that class, else with all.
        let all = table.named.unwrap_or_else(|| report.totals(table.class));
        // The rows against the options. The 合计 row against the rows is
        // `numbers/total`'s (at its cell): here only when the table has no
        // rows to add, so one slip is one finding.
        let mut stated = Vec::new();
        let rows_or_total =
            |rows: Option<f64>, total: Option<f64>, r: &'static str, t: &'static str| match (
                rows.filter(|v| v.abs() > 0.005),
                total,
            ) {
                (Some(v), _) => Some((r, v)),
                (None, Some(v)) => Some((t, v)),
                (None, None) => None,
            };
        if let Some((what, v)) = rows_or_total(
            Some(table.row_investment),
            table.total_investment,
            "投资各行之和",
            "投资合计行",
        ) {
            stated.push((what, v, all.investment, "投资"));
        }
        if let Some((what, v)) = rows_or_total(
            table.row_benefit,
            table.total_benefit,
            "年经济效益各行之和",
            "年经济效益合计行",
        ) {
            stated.push((what, v, all.economic_benefit, "经济效益"));
        }
        for (what, value, expected, field) in stated {
            if (value - expected).abs() > 0.005 {
                out.push(
                    diag(
                        rule::AUDIT_OPTIONS,
                        Severity::Error,
                        doc,
                        table.span.clone(),
                        format!(
                            "正文方案表的{what}为 {} 万元，与 front matter 中{}{field}合计 {} 万元不一致",
                            number(value),
                            match (table.named.is_some(), table.class) {
                                (true, _) => "表中所列各方案的",
                                (false, Some(OptionClass::Low)) => "无/低费各方案",
                                (false, Some(OptionClass::High)) => "中/高费各方案",
                                (false, None) => "各方案",
                            },
                            number(expected)
                        ),
                    )
                    .with_label("方案表")
                    .with_help(format!("以 front matter 的 options 为准改正表格，或改正 options 中的{field}")),
                );
            }
        }
    }
}

/// An options table found in the body, with the figures it states.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionTable {
    pub span: Range<usize>,
    /// The class of every option it lists, when it lists only one class.
    pub class: Option<OptionClass>,
    pub row_investment: f64,
    pub total_investment: Option<f64>,
    pub row_benefit: Option<f64>,
    pub total_benefit: Option<f64>,
    /// The totals of the options its rows name, when every row names one
    /// (a table of the options still to do, or of those done).
    pub named: Option<Totals>,
}

/// Tables whose header names options (方案) and investment (投资), from
/// the body's one parse. 小计 rows are subtotals, not options; a table
/// whose options are all of one class (by its 类别 column, or by the
/// options it names) is that class's table.
pub fn option_tables(doc: &Document, report: &AuditMeta) -> Vec<OptionTable> {
    doc.body
        .table_data
        .iter()
        .filter_map(|t| read_table(t, report))
        .collect()
}

fn read_table(t: &crate::markdown::Table, report: &AuditMeta) -> Option<OptionTable> {
    let head: Vec<&str> = t.header.iter().map(|c| c.text.trim()).collect();
    if !head.iter().any(|h| h.contains("方案")) {
        return None;
    }
    let inv = head.iter().position(|h| h.contains("投资"))?;
    let ben = head
        .iter()
        .position(|h| h.contains("经济效益") || *h == "效益");
    let class_col = head
        .iter()
        .position(|h| h.contains("类别") || h.contains("类型"));
    let name_col = head
        .iter()
        .position(|h| h.contains("名称"))
        .or_else(|| head.iter().position(|h| h.contains("方案")));
    let num = |row: &[crate::markdown::Cell], i: usize| {
        row.get(i)
            .and_then(|c| crate::document::fields::parse_number(c.text.trim()))
    };
    let mut out = OptionTable {
        // The table's first line: the findings point at it, not all of it.
        span: t.span.start..t.span.start,
        class: None,
        row_investment: 0.0,
        total_investment: None,
        row_benefit: ben.map(|_| 0.0),
        total_benefit: None,
        named: None,
    };
    let mut classes: Vec<Option<OptionClass>> = Vec::new();
    // The options the rows name, in order; None for a row that names none.
    let mut named: Vec<Option<&crate::document::voluntary::CpOption>> = Vec::new();
    let kinds = super::numbers::row_kinds(&t.rows);
    for (row, &kind) in t.rows.iter().zip(&kinds) {
        // Rows are classified as the table arithmetic does.
        if kind == super::numbers::RowKind::Total {
            out.total_investment = num(row, inv);
            out.total_benefit = ben.and_then(|b| num(row, b));
            continue;
        }
        if matches!(
            kind,
            super::numbers::RowKind::Subtotal | super::numbers::RowKind::Aside
        ) {
            continue;
        }
        // A row that only names a class (一、无/低费方案) is a heading row.
        if num(row, inv).is_none() && ben.is_none_or(|b| num(row, b).is_none()) {
            continue;
        }
        out.row_investment += num(row, inv).unwrap_or(0.0);
        if let (Some(b), Some(sum)) = (ben, out.row_benefit.as_mut()) {
            *sum += num(row, b).unwrap_or(0.0);
        }
        let by_column = class_col
            .and_then(|c| row.get(c))
            .and_then(|c| OptionClass::parse(c.text.trim()));
        let option = name_col.and_then(|c| row.get(c)).and_then(|cell| {
            let name = cell.text.trim();
            report
                .options
                .iter()
                .find(|o| o.name.as_ref().is_some_and(|n| n.value.trim() == name))
                .or_else(|| {
                    report
                        .options
                        .iter()
                        .find(|o| o.name.as_ref().is_some_and(|n| same_option(&n.value, name)))
                })
        });
        named.push(option);
        classes.push(by_column.or_else(|| option.and_then(|o| o.class())));
    }
    if !named.is_empty() && named.iter().all(Option::is_some) {
        let opts: Vec<_> = named.iter().flatten().collect();
        out.named = Some(Totals {
            count: opts.len(),
            investment: opts
                .iter()
                .filter_map(|o| o.investment.as_ref().map(|v| v.value))
                .sum(),
            economic_benefit: opts
                .iter()
                .filter_map(|o| o.economic_benefit.as_ref().map(|v| v.value))
                .sum(),
        });
    }
    if let Some(first) = classes.first().copied().flatten()
        && classes.iter().all(|c| *c == Some(first))
        && report.options.iter().any(|o| o.class() != Some(first))
    {
        out.class = Some(first);
    }
    Some(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::check::testutil::{Fixture, rules};

    pub const GOOD_AUDIT: &str = "---
kind: audit-report
title: 伏牛新材料有限公司清洁生产审核报告
enterprise:
  name: 伏牛新材料有限公司
  uscc: \"91410700MA45F8K2X5\"
  industry: 化学原料和化学制品制造业
  industry_code: \"2614\"
agency:
  name: 伏牛绿源环保咨询有限公司
  staff: 12
  senior: 3
  intermediate: 7
  industry_audits: 5
  related_jobs: 8
period:
  start: 2022-09-01
  end: 2023-02-28
evaluation:
  experts: [张华, 李明, 王强]
  date: 2023-03-20
  result: 通过
options:
  - name: 蒸汽冷凝水回收
    class: 无/低费
    investment: 12
    economic_benefit: 30.5
  - name: 循环水系统改造
    class: 中/高费
    investment: 260
    economic_benefit: 85
    environmental_benefit:
      water: 12万立方米/年
date: 2023-03-01
---

# 企业基本情况

企业位于伏牛经开区。

# 清洁生产审核过程和结果

审核准备阶段成立审核小组；预审核阶段开展现状调查，确定审核重点；清洁生产目标为单位产品水耗降低10%；建立物料平衡、能量平衡和水平衡；方案的产生和筛选；方案的确定经可行性分析。

# 清洁生产方案汇总和效益预测分析

| 序号 | 方案名称 | 类别 | 投资（万元） | 经济效益（万元/年） |
|---|---|---|---:|---:|
| 1 | 蒸汽冷凝水回收 | 无/低费 | 12 | 30.5 |
| 2 | 循环水系统改造 | 中/高费 | 260 | 85 |
| | 合计 | | 272 | 115.5 |

# 清洁生产方案实施计划

2023年完成全部方案。
";

    fn check(text: &str, today: &str) -> Vec<Diagnostic> {
        let mut f = Fixture::new();
        f.opts.today = crate::call::parse_datetime(today, false).unwrap();
        f.check(text)
    }

    #[test]
    fn a_title_naming_another_enterprise_is_two_identities() {
        let two = GOOD_AUDIT.replace("  name: 伏牛新材料有限公司", "  name: 伏牛化工有限公司");
        let d = check(&two, "2023-04-01");
        let found: Vec<_> = d
            .iter()
            .filter(|x| x.rule == rule::AUDIT_IDENTITY)
            .collect();
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].severity, Severity::Error);
        assert_eq!(found[0].line, Some(3));
        // Near misses: a shortened name, and a title without one.
        for ok in [
            GOOD_AUDIT.replace(
                "  name: 伏牛新材料有限公司",
                "  name: 河南伏牛新材料有限公司",
            ),
            GOOD_AUDIT.replace(
                "title: 伏牛新材料有限公司清洁生产审核报告",
                "title: 清洁生产审核报告",
            ),
        ] {
            let d = check(&ok, "2023-04-01");
            assert!(!d.iter().any(|x| x.rule == rule::AUDIT_IDENTITY), "{d:#?}");
        }
    }

    #[test]
    fn a_complete_report_passes_every_audit_rule() {
        let d = check(GOOD_AUDIT, "2023-04-01");
        let bad: Vec<_> = d.iter().filter(|x| x.severity != Severity::Info).collect();
        assert!(bad.is_empty(), "{bad:#?}");
        let total = d.iter().find(|x| x.rule == rule::AUDIT_OPTIONS).unwrap();
        assert!(
            total
                .message
                .contains("无/低费 1 项，投资 12 万元，年经济效益 30.5 万元")
                && total.message.contains("中/高费 1 项，投资 260 万元")
                && total
                    .message
                    .contains("合计 2 项，投资 272 万元，年经济效益 115.5 万元"),
            "{}",
            total.message
        );
        let due = d
            .iter()
            .find(|x| x.rule == rule::AUDIT_REAUDIT_DUE)
            .unwrap();
        assert_eq!(due.severity, Severity::Info);
        assert!(due.message.contains("2027年3月20日"), "{}", due.message);
    }

    #[test]
    fn subtotal_rows_and_tables_of_one_class_are_read_as_written() {
        // 小计 rows are not options; the total is the sum of both classes.
        let with_subtotals = GOOD_AUDIT.replace(
            "| 2 | 循环水系统改造 | 中/高费 | 260 | 85 |\n",
            "| | 小计 | | 12 | 30.5 |\n| 2 | 循环水系统改造 | 中/高费 | 260 | 85 |\n| | 小计 | | 260 | 85 |\n",
        );
        assert_ne!(with_subtotals, GOOD_AUDIT);
        let d = check(&with_subtotals, "2023-04-01");
        let bad: Vec<_> = d.iter().filter(|x| x.severity != Severity::Info).collect();
        assert!(bad.is_empty(), "{bad:#?}");
        // A table of the 无/低费 options alone is compared with them alone.
        let low_only = GOOD_AUDIT.replace(
            "| 2 | 循环水系统改造 | 中/高费 | 260 | 85 |\n| | 合计 | | 272 | 115.5 |\n",
            "| | 合计 | | 12 | 30.5 |\n",
        );
        assert_ne!(low_only, GOOD_AUDIT);
        let d = check(&low_only, "2023-04-01");
        let bad: Vec<_> = d.iter().filter(|x| x.severity != Severity::Info).collect();
        assert!(bad.is_empty(), "{bad:#?}");
        // …and a wrong figure in it is still found, against its class.
        let wrong = low_only.replace(
            "| 12 | 30.5 |\n| | 合计 | | 12 |",
            "| 14 | 30.5 |\n| | 合计 | | 14 |",
        );
        assert_ne!(wrong, low_only);
        let d = check(&wrong, "2023-04-01");
        let e: Vec<_> = d
            .iter()
            .filter(|x| x.rule == rule::AUDIT_OPTIONS && x.is_error())
            .collect();
        assert!(
            !e.is_empty() && e[0].message.contains("表中所列各方案的投资合计 12 万元"),
            "{e:#?}"
        );
        // A table of some of the options (those still to do) is compared
        // with them, not with their class.
        let some = GOOD_AUDIT.replace("| 1 | 蒸汽冷凝水回收 | 无/低费 | 12 | 30.5 |\n", "");
        assert_ne!(some, GOOD_AUDIT);
        let some = some.replace("| | 合计 | | 272 | 115.5 |", "| | 合计 | | 260 | 85 |");
        let d = check(&some, "2023-04-01");
        let bad: Vec<_> = d
            .iter()
            .filter(|x| x.rule == rule::AUDIT_OPTIONS && x.severity != Severity::Info)
            .collect();
        assert!(bad.is_empty(), "{bad:#?}");
    }

    #[test]
    fn counts_and_totals_in_the_text_match_the_options() {
        let said = GOOD_AUDIT.replace(
            "2023年完成全部方案。",
            "共提出清洁生产方案2项，其中无/低费方案1项，中/高费方案1项，总投资272万元，年经济效益115.5万元。2023年完成全部方案。",
        );
        assert_ne!(said, GOOD_AUDIT);
        let d = check(&said, "2023-04-01");
        assert!(!rules(&d).contains(&rule::AUDIT_PROSE_FIGURES), "{d:#?}");
        let wrong = said
            .replace("无/低费方案1项", "无/低费方案9项")
            .replace("总投资272万元", "总投资300万元");
        let d = check(&wrong, "2023-04-01");
        let p: Vec<_> = d
            .iter()
            .filter(|x| x.rule == rule::AUDIT_PROSE_FIGURES)
            .collect();
        assert_eq!(p.len(), 2, "{p:#?}");
        assert!(
            p.iter()
                .any(|x| x.is_error() && x.message.contains("无/低费方案 9 项")),
            "{p:#?}"
        );
        assert!(
            p.iter()
                .any(|x| x.severity == Severity::Warning && x.message.contains("300")),
            "{p:#?}"
        );
    }

    #[test]
    fn amounts_as_reports_write_them_are_not_flagged() {
        let quiet = |text: &str| {
            let p: Vec<_> = check(text, "2023-04-01")
                .into_iter()
                .filter(|x| x.rule == rule::AUDIT_PROSE_FIGURES)
                .collect();
            assert!(p.is_empty(), "{text}\n{p:#?}");
        };
        let with = |sentence: &str| {
            let t = GOOD_AUDIT.replace("2023年完成全部方案。", sentence);
            assert_ne!(t, GOOD_AUDIT);
            t
        };
        // Rounded as written, or said to be about.
        quiet(&with("2项方案总投资约272万元，年经济效益116万元。"));
        // Another investment than the options'.
        quiet(&with("公司一期工程总投资58600万元。"));
        // Candidates, of which the options were kept.
        quiet(&with(
            "共提出清洁生产方案23项，经合并同类项、剔除不可行方案后，筛选出可行方案2项。",
        ));
        // “once all are done”.
        quiet(&with("2项方案全部实施后，预计年经济效益115.5万元。"));
        // The report's count and amounts of the options done, by status.
        let done = with("已实施方案1项，累计投资12万元，取得年经济效益30.5万元。").replacen(
            "    economic_benefit: 30.5\n",
            "    economic_benefit: 30.5\n    status: 已实施\n",
            1,
        );
        let done = done.replacen(
            "    economic_benefit: 85\n",
            "    economic_benefit: 85\n    status: 实施中\n",
            1,
        );
        assert!(done.contains("status: 实施中"));
        quiet(&done);
        let d: Vec<_> = check(
            &done.replace("已实施方案1项", "已实施方案2项"),
            "2023-04-01",
        )
        .into_iter()
        .filter(|x| x.rule == rule::AUDIT_PROSE_FIGURES)
        .collect();
        assert_eq!(d.len(), 1, "{d:#?}");
        assert!(
            d[0].message.contains("options 的 status 中有 1 项"),
            "{}",
            d[0].message
        );
    }

    #[test]
    fn dates_out_of_order_are_errors_at_the_later_one() {
        let d = check(GOOD_AUDIT, "2023-04-01");
        assert!(!rules(&d).contains(&rule::DATE_ORDER));
        // Evaluated on the day the audit ended: in order.
        let same_day = GOOD_AUDIT.replace("  end: 2023-02-28", "  end: 2023-03-20");
        assert_ne!(same_day, GOOD_AUDIT);
        let d = check(&same_day, "2023-04-01");
        assert!(!rules(&d).contains(&rule::DATE_ORDER), "{d:#?}");
        let bad = GOOD_AUDIT.replace("  end: 2023-02-28", "  end: 2022-08-31");
        let d = check(&bad, "2023-04-01");
        let o: Vec<_> = d.iter().filter(|x| x.rule == rule::DATE_ORDER).collect();
        assert_eq!(o.len(), 1, "{o:#?}");
        assert!(
            o[0].message
                .contains("审核结束日期（2022年8月31日）早于审核开始日期"),
            "{}",
            o[0].message
        );
        let line = bad
            .lines()
            .position(|l| l.contains("end: 2022-08-31"))
            .unwrap()
            + 1;
        assert_eq!(o[0].line, Some(line));
    }

    #[test]
    fn mentioned_is_not_done_and_vetoes_are_errors() {
        let d = check(GOOD_AUDIT, "2023-04-01");
        assert!(!rules(&d).contains(&rule::AUDIT_VETO), "{d:#?}");
        let negated = GOOD_AUDIT.replace(
            "建立物料平衡、能量平衡和水平衡",
            "物料平衡已建立，能量平衡已建立，企业尚未建立水平衡",
        );
        assert_ne!(negated, GOOD_AUDIT);
        let d = check(&negated, "2023-04-01");
        let b: Vec<_> = d
            .iter()
            .filter(|x| x.rule == rule::AUDIT_BALANCES)
            .collect();
        assert_eq!(b.len(), 1, "{b:#?}");
        assert!(b[0].message.contains("水平衡"), "{}", b[0].message);
        // No 审核重点, and a target without a figure: two vetoes.
        let vague = GOOD_AUDIT.replace("确定审核重点", "分析问题").replace(
            "清洁生产目标为单位产品水耗降低10%",
            "清洁生产目标为持续改进",
        );
        let d = check(&vague, "2023-04-01");
        let v: Vec<_> = d.iter().filter(|x| x.rule == rule::AUDIT_VETO).collect();
        assert_eq!(v.len(), 2, "{v:#?}");
        assert!(v.iter().all(|x| x.is_error()));
    }

    #[test]
    fn a_quantified_target_needs_a_number_with_a_unit() {
        for yes in [
            "清洁生产目标：单位产品水耗降低5%",
            "清洁生产目标为综合能耗下降至 95 kgce/t",
            "清洁生产目标：颗粒物削减 12 吨",
            "近期清洁生产目标（2025年6月底前）单位熟料煤耗由108.5千克标准煤/吨降至105.0千克标准煤/吨",
            "清洁生产目标是煤耗降低2个百分点",
            "| 清洁生产目标 | 单位熟料煤耗 | 108.5 | 105.0 |",
        ] {
            assert!(has_quantity(yes), "{yes}");
        }
        for no in [
            "## 2.5 设置清洁生产目标",
            "## 2.5设置清洁生产目标",
            "| 预审核 | 现状调查、确定审核重点和清洁生产目标 | 2024年4月1日—4月30日 | 生产技术部 |",
            "| 2 | 清洁生产目标 | 2024 |",
            "审核小组于2024-04-30 设置了清洁生产目标",
            "14:30 讨论清洁生产目标",
            "1. 设置清洁生产目标",
            "（3）清洁生产目标按第4章确定",
            "按GB/T 24001 设置清洁生产目标",
            "3年内完成清洁生产目标",
        ] {
            assert!(!has_quantity(no), "{no}");
        }
    }

    #[test]
    fn a_target_without_a_quantity_is_a_veto_however_numbered_its_section() {
        let vague = GOOD_AUDIT.replace(
            "清洁生产目标为单位产品水耗降低10%",
            "清洁生产目标为持续改进",
        );
        assert_ne!(vague, GOOD_AUDIT);
        let numbered = format!(
            "{vague}\n## 2.5 设置清洁生产目标\n\n| 阶段 | 内容 | 时间 |\n|---|---|---|\n| 预审核 | 设置清洁生产目标 | 2024年4月1日—4月30日 |\n"
        );
        let d = check(&numbered, "2023-04-01");
        let v: Vec<_> = d.iter().filter(|x| x.rule == rule::AUDIT_VETO).collect();
        assert_eq!(v.len(), 1, "{v:#?}");
        assert!(
            v[0].message.contains("量化的清洁生产目标"),
            "{}",
            v[0].message
        );
    }

    #[test]
    fn a_target_stated_under_its_title_or_in_its_table_counts() {
        let vague = GOOD_AUDIT.replace(
            "清洁生产目标为单位产品水耗降低10%",
            "清洁生产目标为持续改进",
        );
        let veto = |text: &str| {
            check(text, "2023-04-01")
                .into_iter()
                .filter(|x| x.rule == rule::AUDIT_VETO)
                .count()
        };
        assert_eq!(veto(&vague), 1);
        // The quantity in the section titled with the words.
        let titled = format!(
            "{vague}\n## 2.7 设置清洁生产目标\n\n针对审核重点，设置近期目标：单位产品综合能耗由94.9千克标准煤/吨降至88.0千克标准煤/吨。\n"
        );
        assert_eq!(veto(&titled), 0);
        // In a table captioned with them, or with a 目标 column.
        let table = "| 指标 | 单位 | 现状值 | 近期目标（2025年） |\n|---|---|--:|--:|\n| 单位产品综合能耗 | 千克标准煤/吨 | 94.9 | 88.0 |\n";
        assert_eq!(veto(&format!("{vague}\n表2-1 清洁生产目标\n\n{table}")), 0);
        assert_eq!(veto(&format!("{vague}\n表2-1 主要指标\n\n{table}")), 0);
        // Not a table of other figures, nor a titled section that says the
        // targets were not set.
        let other = table.replace("近期目标（2025年）", "2025年");
        assert_eq!(veto(&format!("{vague}\n表2-1 主要指标\n\n{other}")), 1);
        let not_set = format!(
            "{vague}\n## 2.7 清洁生产目标\n\n尚未确定目标，单位产品能耗为94.9千克标准煤/吨。\n"
        );
        assert_eq!(veto(&not_set), 1);
    }

    #[test]
    fn a_report_organised_by_audit_stage_covers_the_required_parts() {
        let staged = GOOD_AUDIT
            .replace(
                "# 企业基本情况",
                "# 前言\n\n本报告按河南省清洁生产审核报告格式编写。\n\n# 第一章 筹划与组织",
            )
            .replace(
                "# 清洁生产审核过程和结果",
                "# 第二章 预审核\n\n## 2.1 企业概况\n\n企业概况。\n\n# 第三章 审核",
            )
            .replace(
                "# 清洁生产方案汇总和效益预测分析",
                "# 第四章 方案的产生和筛选",
            )
            .replace("# 清洁生产方案实施计划", "# 第五章 方案的实施");
        let d = check(&staged, "2023-04-01");
        assert!(
            !rules(&d).contains(&rule::AUDIT_REQUIRED_SECTIONS),
            "{d:#?}"
        );
        // Without the implementation chapter, that part is missing, and the
        // help says which chapter would cover it.
        let missing = staged.replace("# 第五章 方案的实施", "# 第五章 其他");
        let d = check(&missing, "2023-04-01");
        let r: Vec<_> = d
            .iter()
            .filter(|x| x.rule == rule::AUDIT_REQUIRED_SECTIONS)
            .collect();
        assert_eq!(r.len(), 1, "{r:#?}");
        assert!(
            r[0].message.contains("清洁生产方案实施计划"),
            "{}",
            r[0].message
        );
        assert!(
            r[0].help.as_deref().unwrap_or("").contains("方案的实施"),
            "{:?}",
            r[0].help
        );
    }

    #[test]
    fn each_audit_rule_fires() {
        let cases: &[(&str, &str, crate::rule::RuleId)] = &[
            (
                "# 清洁生产方案实施计划",
                "# 下一步安排",
                rule::AUDIT_REQUIRED_SECTIONS,
            ),
            ("审核准备阶段", "前期阶段", rule::AUDIT_STAGES),
            ("水平衡", "用水情况", rule::AUDIT_BALANCES),
            ("    class: 中/高费\n", "", rule::AUDIT_OPTIONS),
            ("    class: 中/高费", "    class: 大额", rule::AUDIT_OPTIONS),
            ("    investment: 260\n", "", rule::AUDIT_OPTIONS),
            (
                "| 2 | 循环水系统改造 | 中/高费 | 260 |",
                "| 2 | 循环水系统改造 | 中/高费 | 200 |",
                rule::AUDIT_OPTIONS,
            ),
            // A 合计 row that does not add up: at its cell, once.
            (
                "| | 合计 | | 272 | 115.5 |",
                "| | 合计 | | 272 | 110 |",
                rule::NUMBERS_TOTAL,
            ),
            // The rows themselves against the options.
            (
                "| 2 | 循环水系统改造 | 中/高费 | 260 | 85 |\n| | 合计 | | 272 | 115.5 |",
                "| 2 | 循环水系统改造 | 中/高费 | 250 | 85 |\n| | 合计 | | 262 | 115.5 |",
                rule::AUDIT_OPTIONS,
            ),
            (
                "  experts: [张华, 李明, 王强]",
                "  experts: [张华, 李明]",
                rule::AUDIT_EXPERT_GROUP,
            ),
            ("  staff: 12", "  staff: 6", rule::AUDIT_AGENCY),
            ("  senior: 3", "  senior: 1", rule::AUDIT_AGENCY),
            ("  intermediate: 7", "  intermediate: 4", rule::AUDIT_AGENCY),
            (
                "  industry_audits: 5\n  related_jobs: 8",
                "  industry_audits: 2\n  related_jobs: 4",
                rule::AUDIT_AGENCY,
            ),
            (
                "  uscc: \"91410700MA45F8K2X5\"",
                "  uscc: \"91410700MA45F8K2X0\"",
                rule::FORM_USCC,
            ),
        ];
        for (from, to, rule) in cases {
            assert!(GOOD_AUDIT.contains(from), "{from}");
            let d = check(&GOOD_AUDIT.replacen(from, to, 1), "2023-04-01");
            let hit = d
                .iter()
                .any(|x| x.rule == *rule && x.severity != Severity::Info);
            assert!(hit, "{rule} for {to:?}: {:#?}", rules(&d));
        }
    }

    #[test]
    fn the_minimums_and_dates_are_the_calls_data() {
        let mut f = Fixture::new();
        f.opts.today = crate::call::parse_datetime("2023-04-01", false).unwrap();
        assert!(!rules(&f.check(GOOD_AUDIT)).contains(&rule::AUDIT_EXPERT_GROUP));
        f.call.voluntary.min_experts = 5;
        f.call.voluntary.agency.senior = 4.0;
        let d = f.check(GOOD_AUDIT);
        let e = d
            .iter()
            .find(|x| x.rule == rule::AUDIT_EXPERT_GROUP)
            .unwrap();
        assert!(e.message.contains("不少于 5 人"), "{}", e.message);
        assert!(rules(&d).contains(&rule::AUDIT_AGENCY));
        f.call.voluntary.report_sections.pop();
        assert!(
            !rules(&f.check(&GOOD_AUDIT.replacen("# 清洁生产方案实施计划", "# 下一步安排", 1)))
                .contains(&rule::AUDIT_REQUIRED_SECTIONS)
        );
    }

    #[test]
    fn a_call_file_may_override_the_voluntary_notice() {
        let base = crate::call::PRESETS[0].1;
        let call = crate::call::Call::from_yaml(base).unwrap();
        assert_eq!(call.voluntary.list_due, "03-15");
        assert_eq!(call.voluntary.report_sections.len(), 4);
        let mut custom = crate::call::Voluntary::builtin();
        custom.acceptance_due = "11-30".into();
        let yaml = format!(
            "{base}\nvoluntary:\n{}",
            serde_yaml::to_string(&custom)
                .unwrap()
                .lines()
                .map(|l| format!("  {l}\n"))
                .collect::<String>()
        );
        let call = crate::call::Call::from_yaml(&yaml).unwrap();
        assert_eq!(call.voluntary.acceptance_due, "11-30");
        custom.list_due = "13-45".into();
        let bad = format!(
            "{base}\nvoluntary:\n{}",
            serde_yaml::to_string(&custom)
                .unwrap()
                .lines()
                .map(|l| format!("  {l}\n"))
                .collect::<String>()
        );
        let err = crate::call::Call::from_yaml(&bad).unwrap_err();
        assert!(
            err.message.contains("voluntary.list_due"),
            "{}",
            err.message
        );
    }

    #[test]
    fn the_reaudit_warns_within_six_months() {
        let d = check(GOOD_AUDIT, "2026-11-21");
        let due = d
            .iter()
            .find(|x| x.rule == rule::AUDIT_REAUDIT_DUE)
            .unwrap();
        assert_eq!(due.severity, Severity::Warning);
        assert!(due.message.contains("还有 119 天"), "{}", due.message);
    }

    #[test]
    fn a_table_that_disagrees_is_found_at_its_line() {
        // Rows that disagree with the options: at the table.
        let text = GOOD_AUDIT.replacen(
            "| 260 | 85 |\n| | 合计 | | 272 |",
            "| 288 | 85 |\n| | 合计 | | 300 |",
            1,
        );
        assert_ne!(text, GOOD_AUDIT);
        let d = check(&text, "2023-04-01");
        let e = d
            .iter()
            .find(|x| x.rule == rule::AUDIT_OPTIONS && x.severity == Severity::Error)
            .unwrap();
        assert!(
            e.message.contains("300") && e.message.contains("272"),
            "{}",
            e.message
        );
        let line = text[..text.find("| 序号").unwrap()].lines().count() + 1;
        assert_eq!(e.line, Some(line));
        // A 合计 that does not add its rows: once, at its cell.
        let text = GOOD_AUDIT.replacen("| | 合计 | | 272 |", "| | 合计 | | 300 |", 1);
        let d = check(&text, "2023-04-01");
        let found: Vec<crate::rule::RuleId> = d
            .iter()
            .filter(|x| x.severity == Severity::Error)
            .map(|x| x.rule)
            .collect();
        assert_eq!(found, vec![rule::NUMBERS_TOTAL], "{d:#?}");
    }

    const GOOD_ACCEPTANCE: &str = "---
kind: acceptance-report
title: 伏牛新材料有限公司清洁生产审核验收自评报告
enterprise:
  name: 伏牛新材料有限公司
  uscc: \"91410700MA45F8K2X5\"
  industry: 有机化学原料制造
  industry_code: \"2614\"
evaluation_date: 2023-03-20
implemented: [蒸汽冷凝水回收, 循环水系统改造]
indicators:
  - name: 单位产品新鲜水耗
    unit: 立方米/吨
    before: 4.2
    after: 3.1
reports:
  - title: 环境监测报告
    issuer: 伏牛市环境监测站
experts: [张华, 李明, 王强]
date: 2023-11-20
---

# 验收自评

方案均已实施。
";

    #[test]
    fn acceptance_rules() {
        let d = check(GOOD_ACCEPTANCE, "2023-11-25");
        let bad: Vec<_> = d.iter().filter(|x| x.severity != Severity::Info).collect();
        assert!(bad.is_empty(), "{bad:#?}");
        let due = d
            .iter()
            .find(|x| x.rule == rule::DEADLINE_UPCOMING)
            .unwrap();
        assert!(due.message.contains("2023年12月15日"), "{}", due.message);
        let d = check(
            &GOOD_ACCEPTANCE.replace("experts: [张华, 李明, 王强]", "experts: [张华]"),
            "2023-11-25",
        );
        assert!(rules(&d).contains(&rule::AUDIT_EXPERT_GROUP));
        let d = check(
            &GOOD_ACCEPTANCE.replace(
                "    issuer: 伏牛市环境监测站",
                "    file: attachments/没有.pdf",
            ),
            "2023-11-25",
        );
        assert!(rules(&d).contains(&rule::AUDIT_REPORT_FILE));
        let d = check(
            &GOOD_ACCEPTANCE.replace("    after: 3.1\n", ""),
            "2023-11-25",
        );
        assert!(rules(&d).contains(&rule::FRONTMATTER_MISSING_FIELD));
        let d = check(GOOD_ACCEPTANCE, "2023-12-20");
        assert!(rules(&d).contains(&rule::DEADLINE_PASSED));
    }

    #[test]
    fn the_form_deadline_is_the_next_fifteenth_of_march() {
        let form = "---\nkind: application-form\nfilled_on: 2023-03-01\n---\n";
        let d = check(form, "2023-03-10");
        let due = d
            .iter()
            .find(|x| x.rule == rule::DEADLINE_UPCOMING)
            .unwrap();
        assert!(
            due.message.contains("还有 5 天") && due.message.contains("2023年3月15日"),
            "{}",
            due.message
        );
        let d = check(&form.replace("2023-03-01", "2023-04-01"), "2023-04-02");
        let due = d
            .iter()
            .find(|x| x.rule == rule::DEADLINE_UPCOMING)
            .unwrap();
        assert!(due.message.contains("2024年3月15日"), "{}", due.message);
    }

    fn across(report: &str, acceptance: &str) -> Vec<Diagnostic> {
        let parse = |rel: &str, text: &str| {
            crate::document::parse(rel, std::path::PathBuf::from(rel), text.to_string(), None)
        };
        let docs = vec![
            parse("content/审核报告.md", report),
            parse("content/验收自评报告.md", acceptance),
        ];
        let mut out = Vec::new();
        across_documents(&docs, &mut out);
        out
    }

    #[test]
    fn the_acceptance_report_implements_the_reports_options() {
        assert!(across(GOOD_AUDIT, GOOD_ACCEPTANCE).is_empty());
        // An implemented option the report does not have.
        let acc = GOOD_ACCEPTANCE.replace(
            "implemented: [蒸汽冷凝水回收, 循环水系统改造]",
            "implemented: [蒸汽冷凝水回收, 循环水系统改造, 锅炉烟气脱硝]",
        );
        let d = across(GOOD_AUDIT, &acc);
        assert_eq!(rules(&d), vec![rule::ACCEPTANCE_IMPLEMENTED], "{d:#?}");
        assert!(d[0].message.contains("锅炉烟气脱硝") && d[0].message.contains("审核报告.md"));
        assert_eq!(d[0].line, Some(10));
        // A shortened name is the same option (near miss).
        let acc = GOOD_ACCEPTANCE.replace(
            "[蒸汽冷凝水回收, 循环水系统改造]",
            "[冷凝水回收, 循环水系统改造]",
        );
        assert!(across(GOOD_AUDIT, &acc).is_empty());
        // The 中/高费 option not implemented.
        let acc = GOOD_ACCEPTANCE.replace("[蒸汽冷凝水回收, 循环水系统改造]", "[蒸汽冷凝水回收]");
        let d = across(GOOD_AUDIT, &acc);
        // (and its text's “方案均已实施” is no longer true)
        assert_eq!(
            rules(&d),
            vec![
                rule::ACCEPTANCE_PENDING_OPTION,
                rule::ACCEPTANCE_PROSE_FIGURES
            ],
            "{d:#?}"
        );
        assert!(d[0].message.contains("循环水系统改造"));
        // Another enterprise's acceptance report is not compared.
        let other = acc.replace("91410700MA45F8K2X5", "91410100MA44XN6E0Q");
        assert!(across(GOOD_AUDIT, &other).is_empty());
    }

    #[test]
    fn evaluation_and_acceptance_dates_follow_the_report() {
        let acc =
            GOOD_ACCEPTANCE.replace("evaluation_date: 2023-03-20", "evaluation_date: 2023-03-02");
        let d = across(GOOD_AUDIT, &acc);
        assert_eq!(rules(&d), vec![rule::ENTERPRISE_CONSISTENCY], "{d:#?}");
        let acc = GOOD_ACCEPTANCE
            .replace("evaluation_date: 2023-03-20\n", "")
            .replace("date: 2023-11-20", "date: 2023-03-10");
        let d = across(GOOD_AUDIT, &acc);
        assert_eq!(rules(&d), vec![rule::ENTERPRISE_CONSISTENCY], "{d:#?}");
        assert!(d[0].message.contains("早于审核报告"), "{}", d[0].message);
        // Within the acceptance report: evaluation before acceptance.
        let acc = GOOD_ACCEPTANCE.replace("date: 2023-11-20", "date: 2023-03-10");
        let d = check(&acc, "2023-11-25");
        assert!(rules(&d).contains(&rule::DATE_ORDER), "{d:#?}");
        // …and then not a second time across the documents.
        let d = across(GOOD_AUDIT, &acc);
        assert!(d.is_empty(), "{d:#?}");
    }

    #[test]
    fn an_indicator_that_got_worse_is_a_warning_by_its_direction() {
        let worse = |name: &str, before: &str, after: &str| {
            let acc = GOOD_ACCEPTANCE
                .replace("单位产品新鲜水耗", name)
                .replace("before: 4.2", &format!("before: {before}"))
                .replace("after: 3.1", &format!("after: {after}"));
            check(&acc, "2023-11-25")
                .into_iter()
                .filter(|d| d.rule == rule::ACCEPTANCE_INDICATOR_WORSE)
                .collect::<Vec<_>>()
        };
        assert!(worse("单位产品新鲜水耗", "4.2", "3.1").is_empty());
        let d = worse("单位产品新鲜水耗", "3.1", "4.2");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].severity, Severity::Warning);
        assert!(d[0].message.contains("越低越好"), "{}", d[0].message);
        assert_eq!(d[0].line, Some(15));
        // Better higher: a rate that rises is better, one that falls worse.
        assert!(worse("水重复利用率", "85%", "96%").is_empty());
        assert_eq!(worse("水重复利用率", "96%", "85%").len(), 1);
        assert_eq!(worse("COD排放浓度", "45", "60").len(), 1);
        // A rate of reduction is better higher though its name holds 耗.
        assert!(worse("单位熟料综合能耗降低率", "0", "4.3").is_empty());
        assert_eq!(worse("单位熟料综合能耗降低率", "4.3", "0").len(), 1);
        assert!(worse("COD削减量", "10", "12").is_empty());
        assert!(worse("吨水泥电耗下降率", "1%", "3%").is_empty());
        // A name that says no direction is not judged.
        assert!(worse("产品产量", "100", "80").is_empty());
    }
}
