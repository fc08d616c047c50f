"""The risk detector through its public API: each kind, trap words, context, spelling, levels.

The labelled sets and the learned model are tested in test_risk_sets.py.
"""

from __future__ import annotations

import re
import time

import pytest

from jieyou.alerts import risk_lexicon
from jieyou.alerts.risk import RISK_KINDS, RISK_LEVELS, RiskAssessment, RiskSignal, assess

HIGH_RISK = {"high", "critical"}


def kinds_at(assessment: RiskAssessment, *levels: str) -> set[str]:
    return {s.kind for s in assessment.signals if s.level in levels}


# --------------------------------------------------------------------------- each kind fires

KINDS = [
    # self-harm: explicit, means at hand, implicit farewells
    ("我真的不想活了，孩子的学费都交不起。", "self_harm", "critical", "不想活"),
    ("我把安眠药攒了一瓶，谁也别劝我。", "self_harm", "critical", "安眠药"),
    ("绳子买了，地方也找好了，就差下决心。", "self_harm", "critical", "绳子买了"),
    ("我冇得办法了，赔偿款拿不到，我就去跳东江湖。", "self_harm", "critical", "跳东江湖"),
    ("欠薪的事我也不管了，我已经把后事都交代好了。", "self_harm", "high", "后事"),
    ("我把手机里的钱都转给我老婆了，以后孩子就拜托她了。", "self_harm", "high", "拜托"),
    ("我已经把孩子托付给我妈了。", "self_harm", "high", "托付"),
    ("老人讲她想不通，棺材本都给了孙子，叫我们以后莫来找她。", "self_harm", "high", "棺材本"),
    # violence: lethal threats and their preparation, veiled threats, watching the target
    ("他们敢来强拆，我已经准备好了汽油。", "violence", "critical", "汽油"),
    ("刀我已经磨快了，就等他回来。", "violence", "critical", "刀"),
    ("油我灌了两桶放车上了，他要是今天还不露面就别怪我。", "violence", "critical", "油"),
    ("那个村干部仗着他哥在镇上当官，我看他还能嚣张几天。", "violence", "high", "嚣张"),
    ("你们不管可以，出了事别怪我。", "violence", "high", "别怪"),
    ("我知道他住哪个小区，几栋几楼我都摸清楚了。", "violence", "high", "住哪"),
    # group action
    ("几十户村民准备下周一一起去县政府讨说法。", "group_action", "high", "政府"),
    ("工厂拖欠三个月工资，明天全厂工人开始罢工。", "group_action", "high", "罢工"),
    ("我们三十几个人准备明天去堵他家门。", "group_action", "high", "堵"),
    ("工友们都说好了，这周六一起去市政府拉个横幅。", "group_action", "high", "横幅"),
    # petitions beyond the city
    ("已经反映了八次，再不解决我就去省里上访。", "petition_escalation", "high", "省里"),
    ("区里市里都找遍了，下周我就进京。", "petition_escalation", "high", "进京"),
    ("县里推市里，市里推县里，只剩上访到中央这条路了。", "petition_escalation", "high", "中央"),
    # people in danger
    ("楼下有个人拿着刀追着人砍，快来人！", "person_in_danger", "critical", "砍"),
    ("他屋里那个男人又在砸门了，伢子在里面哭，喊救命。", "person_in_danger", "critical", "砸门"),
    ("隔壁屋那个男的天天打老婆，昨晚上叫得好吓人。", "person_in_danger", "high", "打老婆"),
    ("隔壁的老太太被她儿子关在屋里好几天了。", "person_in_danger", "high", "关在屋里"),
    ("两个细伢子自己在屋里，冇人做饭，天天在河边耍水。", "person_in_danger", "high", "自己在屋"),
    ("我女儿的身份证被老板收了，不准出厂门。", "person_in_danger", "high", "身份证"),
    # elevated
    ("物业再不处理漏水，后果自负。", "emotion", "elevated", "后果自负"),
    ("这个问题我已经反映了五次了。", "petition_escalation", "elevated", "五次"),
    ("我们小区业主集体反映电梯问题，物业一直拖着不修。", "group_action", "elevated", "集体反映"),
]


@pytest.mark.parametrize(("text", "kind", "level", "words"), KINDS)
def test_each_kind_fires_with_a_reason_quoting_its_evidence(
    text: str, kind: str, level: str, words: str
):
    assessment = assess("", text)
    assert assessment.level == level, assessment.reasons
    signal = next(s for s in assessment.signals if s.kind == kind and s.level == level)
    assert words in signal.evidence
    assert signal.reason.endswith(f"“{signal.evidence}”")
    assert signal.reason in assessment.reasons


def test_self_harm_reason_reads_as_a_sentence():
    assert assess("工资", "我真的不想活了").reasons == ["出现自伤/轻生表述：“不想活”"]


def test_combined_evidence_quotes_each_cue():
    assessment = assess("", "我把摩托车和工具都送给老乡了，以后用不着了。")
    assert assessment.level == "high"
    assert assessment.reasons == ["多处流露诀别之意：“摩托车和工具都送给…用不着了”"]


# --------------------------------------------------------------------------- harmless uses

TRAPS = [
    "社区周六举办跳绳比赛，想问问老年组怎么报名。",
    "我们村的脐橙什么时候做农药残留检测？",
    "村集体经济的收支账目三年没有公开了。",
    "楼下新开了一家卖菜刀的店，占用了盲道。",
    "服装店天天喊跳楼价、跳楼甩卖，喇叭太吵。",
    "排了三个小时的队，累死了。",
    "下周小区有消防演练，每户都要参加吗？",
    "区里的集体婚礼怎么报名？",
    "北京路和国庆路路口的红绿灯坏了。",
    "进京高速郴州段的路牌被撞歪了。",
    "社区家庭暴力宣传周的传单电话印错了。",
    "笑死了，三个客服说了三个不同的答案。",
    "这几天热死了，小区还停水。",
    "我家住在死胡同里，消防车进不来。",
    "买的杀虫剂是三无产品，喷了头晕。",
    "单位组织职工集体体检，报告一个月还没出。",
    "我们几户邻居想联名推荐李奶奶评最美家庭。",
    "省里的政策说危房改造有补贴，我们镇为什么没落实？",
    "我爷爷以前买了一瓶百草枯打田埂的草，现在禁止卖了，以前买的还能用吗？",
    "网格员代记：老人家想问下他的遗嘱要到哪里去做公证。",
    "屋里的煤气罐用完了，换气的师傅讲要加钱送上楼，合不合理？",
    "我们车间一百多人一起吃年夜饭，厂里包了场，想问可以开发票吗",
    "小区里晾衣服的绳子架子坏了，物业讲要业主自己出钱换。",
    "村部门口拉的横幅是宣传防诈骗的，字太小了老人看不清。",
    "社区的老年大学开了太极班，要静坐冥想，场地太小了。",
    "我在郴州火车站买票去北京看病，能不能办残疾人优惠？",
    "防洪堤上有个缺口要堵，请问水利站么子时候来施工？",
    "卖鱼的师傅杀鱼的刀随手放在过道上，建议市场管一下摊位。",
    "单位团建去玩密室逃脱，里面有个上吊的道具太吓人了。",
    "孩子学校的安全教育课教孩子遇到坏人要喊救命，建议幼儿园也开。",
]


@pytest.mark.parametrize("text", TRAPS)
def test_harmless_use_of_a_trap_word_is_not_high_risk(text: str):
    assessment = assess("", text)
    assert assessment.level not in HIGH_RISK, assessment.reasons


@pytest.mark.parametrize("text", TRAPS[:12])
def test_plain_trap_sentence_is_normal(text: str):
    assessment = assess("", text)
    assert assessment.level == "normal", assessment.reasons


# --------------------------------------------------------------------------- context


@pytest.mark.parametrize(
    "text",
    [
        "我没有打人，只是和他吵了几句。",
        "我们不会去上访，只希望物业公开账目。",
        "我从来没有想过轻生，是网上有人造谣。",
        "我们厂今年没有罢工，只是想问高温补贴。",
        "我们村民都很理性，没有人要去堵路。",
        "我们没有人要去堵路 只是想问问补偿标准",
        "社区网格员说我们楼有人家暴，根本没有这回事，请核实一下。",
    ],
)
def test_negated_or_denied_statement_is_normal(text: str):
    assessment = assess("", text)
    assert assessment.level == "normal", assessment.reasons


def test_a_condition_is_not_a_negation():
    assert assess("", "再没人管，我就跳下去。").level == "critical"
    assert assess("", "今天再没人管我就跳下去。").level == "critical"


def test_past_resolved_event_is_normal():
    text = "去年我们村因为修路堵过一次路，后来镇里协调好了，这次想反映路灯不亮。"
    assert assess("", text).level == "normal"
    text = "我弟弟在外面打工被人打了，已经报了警，对方也赔了医药费，案子结了，想问工伤认定。"
    assert assess("", text).level == "normal"


def test_a_proposal_talked_down_is_not_a_plan():
    text = "有人提议拉横幅，但大部分业主都不同意，我们还是希望协商解决。"
    assert assess("", text).level not in HIGH_RISK


@pytest.mark.parametrize(
    "text",
    [
        "我看到新闻说外地有人讨薪跳楼，想问问欠薪怎么投诉。",
        "朋友圈有人转发说火车站有人卧轨，是假的吧？",
        "听讲隔壁县有人讨薪跳了楼，想问下我们这里欠薪要到哪里投诉。",
        "我家那口子开玩笑说要杀了我最爱吃的那只鸡，哈哈，请问家禽要办检疫吗？",
    ],
)
def test_news_rumour_and_jokes_are_not_the_writers_intent(text: str):
    assert assess("", text).level not in HIGH_RISK


def test_the_resident_as_third_party_still_raises_danger():
    text = "我们组里的周满爹今天讲，村里再不把他的田退回来，他就去村部门口喝农药。"
    assert assess("", text).level == "critical"


# --------------------------------------------------------------------------- spelling


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("工资拖了半年了 我真的不想活拉", "critical"),  # 拉 for 了
        ("老板在不给钱我就从这楼上跳下去 说到做到", "critical"),  # 在 for 再
        ("药我都买好的 就放在宿舍枕头底下", "critical"),  # 的 for 了
        ("安眠要我攒了几十颗了 这次谁也拦不住", "critical"),  # 要 for 药
        ("那个工头欺人太甚 我刀以经磨好了", "critical"),  # 以经 for 已经
        ("我不想 活了", "critical"),  # a space inside the phrase
        ("我想 tiao楼", "critical"),  # pinyin
        ("我要自*杀", "critical"),  # a symbol inside the word
        ("我真的不想活了，我要殺了他", "critical"),  # traditional characters
        ("哪天我两个一起走了算哒，省得给政府添麻烦。", "high"),  # Xiang dialect
        ("老人讲他心里苦，儿女都不回来，他讲活起冇么子味。", "high"),
    ],
)
def test_typos_homophones_dialect_and_evasion_are_read(text: str, level: str):
    assessment = assess("", text)
    assert assessment.level == level, assessment.reasons
    original = "".join(text.split())
    for signal in assessment.signals:
        for part in signal.evidence.split("…"):
            assert "".join(part.split()) in original  # quotes what was written, not the fold


def test_spaces_between_phrases_separate_clauses():
    # WeChat writes clauses separated by spaces: the negation before one must not reach the next
    assert assess("", "我们没有人要去堵路 只是想问问补偿标准").level == "normal"


# --------------------------------------------------------------------------- levels


def test_levels_are_ordered_from_normal_to_critical():
    assert RISK_LEVELS == ("normal", "elevated", "high", "critical")
    assert set(RISK_KINDS) >= {"self_harm", "violence", "group_action", "person_in_danger"}


def test_many_parties_alone_is_elevated():
    assessment = assess("土地纠纷", "请帮忙协调宅基地边界。", parties=12)
    assert assessment.level == "elevated"
    assert assessment.reasons == ["当事人众多（12 人），可能引发群体性事件"]
    assert assess("土地纠纷", "请帮忙协调宅基地边界。", parties=9).level == "normal"


def test_level_is_the_highest_signal_and_reasons_run_most_severe_first():
    text = "我已经反映了八次，真是欺人太甚，我不想活了。"
    assessment = assess("", text, parties=12)
    assert assessment.level == "critical"
    ranks = [RISK_LEVELS.index(s.level) for s in assessment.signals]
    assert ranks == sorted(ranks, reverse=True)
    assert assessment.reasons == [s.reason for s in assessment.signals]
    assert len(set(assessment.reasons)) == len(assessment.reasons)
    assert "当事人众多（12 人），可能引发群体性事件" in assessment.reasons
    assert all(isinstance(s, RiskSignal) and s.kind in RISK_KINDS for s in assessment.signals)


def test_title_counts_as_text():
    assert assess("我不想活了", "").level == "critical"


def test_empty_text_is_normal():
    assessment = assess("", "")
    assert (assessment.level, assessment.reasons, assessment.signals) == ("normal", [], [])
    assert assess("  ", "\n").level == "normal"


def test_assessment_is_deterministic():
    text = "我们三百多人准备明天一起去堵国道，不解决就不散，我也不知道我会做出什么事。"
    assert assess("", text) == assess("", text)


@pytest.mark.parametrize(
    "unit",
    ["1" * 5, "一" * 5, "我就把他被打", "我们几十户明天一起去政府", "跳 ", "a "],
)
def test_long_unpunctuated_input_takes_linear_time(unit: str):
    # Residents type these texts: no pattern may backtrack quadratically on them. Growth, not
    # a wall-clock bound (a busy machine slows both runs alike): 4× the text must cost well
    # under 16×, which is what quadratic backtracking would cost.
    def cost(repeats: int) -> float:
        text = unit * repeats
        best = float("inf")
        for _ in range(5):
            start = time.perf_counter()
            assess("", text)
            best = min(best, time.perf_counter() - start)
        return best

    small = max(cost(20_000 // len(unit) // 4), 1e-4)
    assert cost(20_000 // len(unit)) / small < 10


# --------------------------------------------------------------------------- the lexicon


def test_factoring_and_shifting_alternatives_keep_the_same_matches():
    alternatives = [
        "不想活",
        "不活了",
        "了此残生",
        "我不在了",
        "我·{0,4}砸",
        "打(?:死|伤)",
        "罢工",
        "罢",
    ]
    plain = risk_lexicon.rx(*alternatives)
    rule = risk_lexicon.rule("violence", "high", "x", *alternatives)
    for text in [
        "我不想活了",
        "了此残生吧",
        "等我不在了",
        "我要去砸",
        "打死他",
        "罢工了",
        "罢",
        "打工",
    ]:
        expected = [m.span() for m in plain.finditer(text)]
        found = []
        for match in rule.pattern.finditer(text):
            start, end = match.span()
            back = next((b for b in (1, 2, 3) if text[start - b : start + 1] in rule.shifted), 0)
            found.append((start - back, end))
        assert found == expected, text


def test_every_rule_alternative_starts_with_a_literal():
    with pytest.raises(ValueError, match="literal"):
        risk_lexicon.rule("violence", "high", "x", "(?:a|b)c")
    for rule in (*risk_lexicon.RULES, *risk_lexicon.CUES):
        assert rule.keys is None or all(re.fullmatch(r"\S{1,2}", k) for k in rule.keys)
