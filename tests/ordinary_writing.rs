//! Ordinary sentences (and tables) that share words with violations (转发, 下载, 保, 办理, 转运,
//! 粉) must get no diagnostic of any level. Each line guards a phrasing a rule once flagged, or
//! could.

use gzhlint::extract::Format;
use gzhlint::lint::lint_bytes;
use gzhlint::rules::{builtin, RuleSet};

const ORDINARY: &[&str] = &[
    "第一章 最近的变化。",
    "分享一下我的学习经验。",
    "欢迎关注我们的公众号。",
    "会议纪要已转发到三个工作群。",
    "下载官方App查看课程表。",
    "收到通知后请马上转发给其他同事。",
    "我买了两个粉色杯子。",
    "一下子买了三千个粉笔头。",
    "店门口摆着招财猫，进门就能看到招财猫。",
    "病人吃了药后转运至ICU继续治疗。",
    "保持良好作息远离癌症。",
    "部分轻度高血压患者通过生活方式干预，不吃药也能降下来。",
    "出入境大厅可办理护照，办理进度系统可查询。",
    "社区工作人员可上门协助办理身份证。",
    "该项目入选教育部重点支持项目名单。",
    "会员充值500送50，全年有效。",
    "月薪6000到8000，五险一金，双休。",
    "满99元包邮，下午四点前下单当天发货。",
    "本周六上午九点召开家长会，请各位家长准时参加。",
    "新员工入职后，人事部可代开工作证明。",
    "请登录教育部指定平台学信网查询学历信息。",
    "跟着老师做实验就没有风险，自己乱动手才危险。",
    "火锅照吃，结果胖了三斤，减肥又失败了。",
    "五行中水对应的数字是1和6，这是河图的说法。",
    "老师在课上告诉我们买点和卖点的判断方法，今天讲到了止损。",
    "粉丝们多多下单，帮我们冲销量！",
    "不下雨的话，今天也看不到彩虹。",
    "他把开支砍到零，一分钱都不乱花。",
    "这家公司做图书代销，代销分成比例是三七开。",
    "驾驶证记分周期结束后，扣分自动清零。",
    "今年我们班全员通过考试，大家辛苦了。",
    "如何防封号？遵守平台规则最重要。",
    "我发了条朋友圈，保留三天。",
    "房产中介说保证成交，我没信。",
    "孩子的积食，吃着吃着就好了。",
    "保护劳动者的权益和合法收入。",
    "按键不灵退货了。",
    "名额每天只放20个，这是医院的规定，请理解。",
    "今天刷到了两万步，腿都软了。",
    "我的朋友说他最近被查出了胆结石，要做手术。",
    "吃头孢期间和酒一起喝会要命，千万注意。",
    "这个药和酒同时喝会致命。",
    "他那次考试绝对第一个交卷。",
    "业绩比较基准 ≠ 收益承诺",
    "由国家信用背书，三年期储蓄国债利率在2%左右，到期还本付息。",
    "手里有三五万块钱，放哪最划算？",
    "正规投资渠道不会拉你进群荐股。",
    "小时候觉得这是全世界最好吃的东西。",
    "经常有读者问绿茶能不能降血脂。",
    "## 套路三：让你加“客服”的私人微信",
    "不少读者留言说，“年化4%”和“七日年化4%”看起来一样，实际到手却差很多。",
    "这家店没有做任何转发换礼品的活动，而是把精力放在复购上。",
    "银行往往会自掏腰包补上，让投资者拿到预期收益。这叫刚性兑付。",
    "有问题可以在 GitHub 上提 issue，我会关注并回复。",
    "小时候的味道，错过了就再也没有了。",
];

#[test]
fn ordinary_sentences_get_no_diagnostic() {
    let rules = RuleSet::compile(builtin::load().unwrap()).unwrap();
    let flagged: Vec<String> = ORDINARY
        .iter()
        .flat_map(|sentence| {
            let linted = lint_bytes(&rules, sentence.as_bytes(), Format::Text).unwrap();
            linted
                .diagnostics
                .iter()
                .map(|d| format!("{}: {} 「{}」", sentence, rules.rules[d.rule].id, d.text))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(flagged.is_empty(), "flagged:\n{}", flagged.join("\n"));
}

/// An explainer's table puts the claim in one cell and the verdict in another (README, how
/// matching works): the row is one statement. An advertiser's table with the same claims is
/// still flagged.
#[test]
fn explainer_tables_are_read_row_by_row() {
    let rules = RuleSet::compile(builtin::load().unwrap()).unwrap();
    let ids = |markdown: &str| -> Vec<String> {
        lint_bytes(&rules, markdown.as_bytes(), Format::Markdown)
            .unwrap()
            .diagnostics
            .iter()
            .map(|d| rules.rules[d.rule].id.clone())
            .collect()
    };
    let explainer = "| 理财宣传里的说法 | 该怎么看 |\n|---|---|\n\
                     | 保本保息，年化百分之十五 | 违法承诺，多为非法集资 |\n\
                     | 稳赚不赔 | 违反监管规定 |\n";
    assert_eq!(ids(explainer), Vec::<String>::new());
    let advert = "| 产品 | 亮点 |\n|---|---|\n\
                  | 鑫盈一号 | 保本保息，年化百分之十五 |\n\
                  | 鑫盈二号 | 稳赚不赔 |\n";
    assert!(
        ids(advert)
            .iter()
            .any(|id| id == "false_advertising.guaranteed_return"),
        "{:?}",
        ids(advert)
    );
}
