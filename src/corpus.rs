//! A generator of realistic pilot plans, for benchmarks and load tests:
//! outline-complete, with tables, lists and varied Chinese prose of a
//! chosen length. Deterministic for a given seed; no randomness crate.

use std::path::Path;

use crate::call::Call;
use crate::text::NumberStyle;

/// A small deterministic PRNG (xorshift64*).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const PROVINCES: &[&str] = &[
    "河南省",
    "河北省",
    "山东省",
    "山西省",
    "陕西省",
    "江苏省",
    "浙江省",
    "安徽省",
    "湖北省",
    "四川省",
];
const PLACES: &[&str] = &[
    "伏牛",
    "嵩岚",
    "洛川",
    "淇水",
    "桐柏",
    "宛东",
    "商丘南",
    "豫北",
    "汝阳",
    "鹤山",
];
const PARKS: &[&str] = &[
    "经济技术开发区",
    "高新技术产业开发区",
    "化工产业集聚区",
    "新材料产业园",
    "循环经济产业园",
];
const SUBJECTS: &[&str] = &[
    "园区重点企业",
    "管委会生态环境局",
    "第三方审核机构",
    "化工企业",
    "建材企业",
    "涂装企业",
    "污水处理厂",
    "集中供热站",
];
const VERBS: &[&str] = &[
    "全面梳理了",
    "系统分析了",
    "重点核查了",
    "统筹推进了",
    "逐项评估了",
    "集中诊断了",
    "建立健全了",
    "持续优化了",
];
const OBJECTS: &[&str] = &[
    "能源消费结构和余热余压利用情况",
    "挥发性有机物无组织排放环节",
    "一般工业固体废物综合利用途径",
    "工业用水重复利用水平",
    "物料平衡和水平衡测试结果",
    "清洁生产方案的技术经济可行性",
    "园区物质流和能量流",
    "污染物排放总量控制要求",
];
const TAILS: &[&str] = &[
    "为下一步制定共性方案提供了数据支撑",
    "形成了问题清单和整改台账",
    "明确了审核重点和目标指标",
    "提出了无低费和中高费方案",
    "实现了园区层面的资源共享",
    "降低了单位产品能耗和排放强度",
    "提高了审核效率并节省了审核费用",
    "形成了可复制可推广的经验",
];
const INDICATORS: &[(&str, &str)] = &[
    ("单位工业增加值综合能耗", "吨标准煤/万元"),
    ("余热余压利用率", "%"),
    ("一般工业固体废物综合利用率", "%"),
    ("工业用水重复利用率", "%"),
    ("挥发性有机物排放量", "吨/年"),
    ("氮氧化物排放量", "吨/年"),
    ("化学需氧量排放量", "吨/年"),
    ("重点企业审核覆盖率", "%"),
];

fn sentence(r: &mut Rng) -> String {
    format!(
        "{}年，{}{}{}，{}。",
        2019 + r.below(4),
        r.pick(SUBJECTS),
        r.pick(VERBS),
        r.pick(OBJECTS),
        r.pick(TAILS)
    )
}

fn paragraph(r: &mut Rng, chars: usize) -> String {
    let mut p = String::new();
    while p.chars().count() < chars {
        p.push_str(&sentence(r));
    }
    p
}

fn table(r: &mut Rng) -> String {
    let mut t = String::from("| 指标 | 单位 | 基准值 | 目标值 |\n|:--|:--:|--:|--:|\n");
    for _ in 0..(4 + r.below(4)) {
        let (name, unit) = r.pick(INDICATORS);
        let base = 10 + r.below(4000);
        t.push_str(&format!(
            "| {name} | {unit} | {base} | {} |\n",
            base * (80 + r.below(15)) / 100
        ));
    }
    t
}

/// One plan of about `target_chars` characters of body text.
pub fn plan(call: &Call, seed: u64, target_chars: usize) -> String {
    let mut r = Rng::new(seed);
    let place = r.pick(PLACES).to_string();
    let park = format!("{place}{}", r.pick(PARKS));
    let committee = format!("{park}管理委员会");
    let mut s = format!(
        "---\nkind: pilot-plan\ntitle: {park}清洁生产整体审核创新试点（{seed}）\napplicant: {committee}\n\
         applicant_type: 园区管委会\nimplementer: {committee}\ncategory: 2\nprovince: {}\ncity: {place}市\n\
         industries: [石化化工, 建材, 工业涂装]\npark:\n  boundary: 东至滨河路，西至高速公路，规划面积{}平方公里\n\
         \x20 crosses_prefecture: 否\n  management_body: {committee}生态环境局\neligibility:\n  no_major_violation: 是\n\
         \x20 managers: 清洁生产科专职3人\n  rules: 《清洁生产审核管理办法》\n  funding_source: 市级专项资金与企业自筹\n\
         contact:\n  name: 王明\n  phone: \"1393710{:04}\"\n  email: qjsc{seed}@example.cn\nversion: 送审版\ndate: 2022-06-20\n\
         submissions:\n  henan-email: 2022-06-28 16:00\n---\n\n",
        PROVINCES[seed as usize % PROVINCES.len()],
        10 + r.below(30),
        r.below(10000)
    );
    // Share the length out over the leaf sections.
    let leaves: usize = call.outline.iter().map(|e| e.children.len().max(1)).sum();
    let per_leaf = target_chars / leaves.max(1);
    for (i, e) in call.outline.iter().enumerate() {
        s.push_str(&format!(
            "# {}{}\n\n",
            NumberStyle::CnComma.format(i as u32 + 1),
            e.title
        ));
        let sections: Vec<Option<&str>> = if e.children.is_empty() {
            vec![None]
        } else {
            e.children.iter().map(|c| Some(c.title.as_str())).collect()
        };
        for (j, sub) in sections.into_iter().enumerate() {
            if let Some(t) = sub {
                s.push_str(&format!(
                    "## {}{t}\n\n",
                    NumberStyle::CnParen.format(j as u32 + 1)
                ));
            }
            let mut written = 0;
            let mut k = 0;
            while written < per_leaf {
                let len = 180 + r.below(200);
                let p = paragraph(&mut r, len);
                written += p.chars().count();
                s.push_str(&p);
                s.push_str("\n\n");
                k += 1;
                if k % 4 == 0 {
                    s.push_str(&table(&mut r));
                    s.push('\n');
                } else if k % 5 == 0 {
                    for n in 1..=3 {
                        s.push_str(&format!("{n}. {}\n", sentence(&mut r)));
                    }
                    s.push('\n');
                }
            }
        }
    }
    s
}

/// Write a project with `n` plans into `dir` (which must exist).
pub fn write_project(
    dir: &Path,
    call: &Call,
    n: usize,
    target_chars: usize,
) -> std::io::Result<u64> {
    std::fs::write(
        dir.join(crate::config::CONFIG_FILE),
        format!("name: 基准测试\ncall: {}\n", call.id),
    )?;
    let content = dir.join(crate::project::CONTENT_DIR);
    std::fs::create_dir_all(&content)?;
    let mut bytes = 0;
    for i in 0..n {
        let text = plan(call, i as u64, target_chars);
        bytes += text.len() as u64;
        std::fs::write(content.join(format!("plan-{i:04}.md")), text)?;
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::DEFAULT_PRESET;

    #[test]
    fn generated_plans_are_realistic_and_check_clean() {
        let call = Call::preset(DEFAULT_PRESET).unwrap().unwrap();
        let text = plan(&call, 7, 40_000);
        assert_eq!(text, plan(&call, 7, 40_000), "deterministic");
        let doc = crate::document::parse("content/p.md", "p.md".into(), text, None);
        assert!(doc.diagnostics.is_empty(), "{:#?}", doc.diagnostics);
        assert!(doc.body.chars >= 38_000, "{}", doc.body.chars);
        assert!(doc.body.tables >= 10);
        assert_eq!(doc.body.top().count(), 7);
    }
}
