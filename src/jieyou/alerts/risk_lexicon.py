"""The risk detector's lexicon: rules, evidence cues and spelling variants, and the small
machinery that compiles them (the engine is `jieyou.alerts.risk`).

The engine in `jieyou.alerts.risk` reads three things from here:

- `RULES`: precompiled regular expressions, each a `Rule` with a kind, a level and a reason. One
  match that survives the context checks is one signal.
- `CUES` and `COMBOS`: weak evidence that is scored across the whole text. A cue alone ("绳子",
  "以后孩子就拜托她了", "几十个人") says little; a combination ("绳子买了" = a means at hand,
  a farewell with another farewell, a crowd with a blockade and a plan) is a signal.
- `edit` and `fold`, with `VARIANTS` and friends: spellings folded before matching (spaces,
  symbols and pinyin inside words; traditional characters, Xiang dialect words, common typos
  and homophones, one character for one character).

In the pattern sources, ``·`` stands for one character inside the same clause (anything but a
clause or sentence delimiter), so ``·{0,6}`` never reaches across a comma. Every top-level
alternative starts with a literal character (see `rule`): that keeps `re` fast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

RISK_LEVELS = ("normal", "elevated", "high", "critical")
RISK_KINDS = (
    "self_harm",
    "violence",
    "group_action",
    "petition_escalation",
    "person_in_danger",
    "emotion",
)
SELF, VIOLENCE, GROUP = "self_harm", "violence", "group_action"
PETITION, DANGER, EMOTION = "petition_escalation", "person_in_danger", "emotion"

# --------------------------------------------------------------------------- machinery

IN_CLAUSE = r"[^,，。.!！?？;；:：、\n]"


def rx(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(alternatives).replace("·", IN_CLAUSE))


def lead(choices: str, rest: str) -> str:
    """Alternatives that each start with a literal: ``lead("喝|服", "药") == "喝药|服药"``."""
    return "|".join(choice + rest for choice in choices.split("|"))


def _top_level(source: str) -> list[str]:
    """The top-level alternatives of a pattern source (outside groups and classes)."""
    parts: list[str] = []
    current: list[str] = []
    depth, in_class, escaped = 0, False, False
    for char in source:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


@dataclass(frozen=True)
class Rule:
    kind: str
    level: str  # for a cue: its role ("means", "farewell" …)
    label: str  # the reason without its quote: "出现自伤/轻生表述"
    pattern: re.Pattern[str]
    needs: tuple[re.Pattern[str], ...] = ()  # each must also match the sentence
    unless: re.Pattern[str] | None = None  # must not match the sentence
    negatable: bool = True
    needs_in_text: tuple[re.Pattern[str], ...] = ()  # each must match somewhere in the text
    # must match the clause just before the match (up to BEFORE characters; anchor with $)
    before: re.Pattern[str] | None = None
    # The rule can match only if the text holds one of these characters or bigrams (None: it
    # may match anything). Cheap to test against the text's n-grams; saves most scans.
    keys: frozenset[str] | None = None
    # Leading characters of alternatives the pattern matches from a later character (see
    # `_shifted`): a match they end really starts len - 1 characters earlier.
    shifted: frozenset[str] = frozenset()


BEFORE = 14
_LITERAL = re.compile(r"[\u4e00-\u9fff0-9A-Za-z]")
_OPTIONAL = ("?", "*", "{0")


def _keys(alternatives: list[str]) -> frozenset[str] | None:
    """What every match of an alternative starts with: its first character, or the first two
    when the second is also certain ("不想", or "杀了" and "杀死" for "杀(?:了|死)")."""
    keys: set[str] = set()
    for alternative in alternatives:
        if alternative[1:2] in _OPTIONAL or alternative[1:3] == "{0":
            return None
        keys.update(_first_two(alternative))
    return frozenset(keys)


def _first_two(alternative: str) -> list[str]:
    head, rest = alternative[0], alternative[1:]
    if _LITERAL.match(rest[:1] or "-") and not _optional(rest[1:]):
        return [head + rest[0]]
    if rest.startswith("(?:"):
        depth, end = 0, -1
        for i, char in enumerate(rest):
            depth += (char == "(") - (char == ")")
            if depth == 0:
                end = i
                break
        inner = _top_level(rest[3:end]) if end > 0 else []
        if inner and not _optional(rest[end + 1 :]) and all(_LITERAL.match(p[:1]) for p in inner):
            return [head + p[0] for p in inner]
    return [head]


# The sixty commonest characters of residents' messages (about one in every hundred or more).
HOT = (
    "我了的不一在人们个里去上家天要子有他就都是老这到工下问想没说把门"
    "好来经被打村区已口几年次多着么给还能小孩开十车出楼学也请"
)


def _shifted(alternative: str) -> tuple[str, str | None]:
    """An alternative led by common characters, matched from the first uncommon one: "了此残生"
    becomes "此(?<=了此)残生", "我不在了" becomes "在(?<=我不在)了". `re` stops at every
    occurrence of a pattern's first characters, and stopping at every "了" and "我" is what
    made the lexicon slow. Returns the new alternative and the characters up to its new lead
    (the match really starts that many characters earlier, less one)."""
    for lead in range(1, 4):
        char, rest = alternative[lead : lead + 1], alternative[lead + 1 :]
        literal = alternative[:lead]
        if not all(_LITERAL.match(c) for c in literal) or alternative[0] not in HOT:
            return alternative, None
        if not _LITERAL.match(char or "-") or rest[:1] in ("?", "*", "+", "{"):
            return alternative, None  # not a plain character (or a quantified one)
        if char not in HOT:
            prefix = literal + char
            return f"{char}(?<={prefix}){rest}", prefix
    return alternative, None


def _factored(alternatives: list[str]) -> str:
    """The same alternation with alternatives grouped by their first character: "不会|不想|打"
    becomes "不(?:会|想)|打". `re` tries alternatives one by one at every candidate position,
    so a lexicon of many alternatives sharing common first characters scans several times
    faster this way. Order within a group is kept, and alternatives with different first
    characters never match at the same position, so the matches are exactly the same."""
    groups: dict[str, list[str]] = {}
    order: list[str] = []
    for alternative in alternatives:
        head, rest = alternative[0], alternative[1:]
        if rest[:1] in ("?", "*", "+", "{") or not rest:
            head, rest = alternative, ""  # the first character is quantified, or alone
        if head not in groups:
            groups[head] = []
            order.append(head)
        groups[head].append(rest)
    return "|".join(
        head + rests[0] if len(rests) == 1 else f"{head}(?:{'|'.join(rests)})"
        for head, rests in ((head, groups[head]) for head in order)
    )


def _optional(after: str) -> bool:
    return after[:1] in _OPTIONAL or after[:2] == "{0"


def rule(
    kind: str,
    level: str,
    label: str,
    *alternatives: str,
    needs: tuple[re.Pattern[str], ...] = (),
    unless: str | None = None,
    negatable: bool = True,
    needs_in_text: tuple[re.Pattern[str], ...] = (),
    before: str | None = None,
) -> Rule:
    # Speed: `re` skips ahead to candidate positions only when every top-level alternative
    # starts with a literal character; one alternative led by a group or a class makes it try
    # every alternative at every position (ten times slower). Refuse such a rule outright.
    tops = _top_level("|".join(alternatives))
    for alternative in tops:
        if not alternative or alternative[0] in "([.\\^$·?*+{|":
            raise ValueError(f"risk rule alternative must start with a literal: {alternative!r}")
    unless_rx = rx(unless) if unless else None
    before_rx = rx(before) if before else None
    keys = _keys(tops)
    shifted = [_shifted(alternative) for alternative in tops]
    pattern = rx(_factored([alternative for alternative, _ in shifted]))
    bigrams = frozenset(bigram for _, bigram in shifted if bigram)
    return Rule(
        kind,
        level,
        label,
        pattern,
        needs,
        unless_rx,
        negatable,
        needs_in_text,
        before_rx,
        keys,
        bigrams,
    )


def cue(
    kind: str, role: str, *alternatives: str, unless: str | None = None, before: str | None = None
) -> Rule:
    """A piece of weak evidence: scored with others by `COMBOS`, never a signal alone."""
    return rule(kind, role, role, *alternatives, unless=unless, before=before)


@dataclass(frozen=True)
class Combo:
    """Cues that together make a signal. Each entry of `roles` is one required cue, written as
    alternatives ("means|place"); a role listed twice needs two different matches."""

    kind: str
    level: str
    label: str
    roles: tuple[str, ...]
    window: int | None = None  # all cues within this many characters; None: anywhere


# --------------------------------------------------------------------------- spelling variants

# Traditional characters that occur in risk language, folded to simplified ones.
TRADITIONAL = str.maketrans(
    "殺燒農藥樓橋槍遺書絕氣罷訪橫關門們來會對這個麼沒讓還給錢說話車頭裡裏為從後無時間"
    "應開備買賣準帶結經見幾號處將聽過運進邊難歲兒孫級縣區鄉鎮廠醫飯帳價傷殘斷擊騙鬧視"
    "網線電聯場墳屍靈親媽爺婦嗎滅鎖壞領導訴鬥爭鄰繩鋼鐵錘彈縱罰獄覺謝啟發動熱愛倆輩囑"
    "託萬歡極著樣",
    "杀烧农药楼桥枪遗书绝气罢访横关门们来会对这个么没让还给钱说话车头里里为从后无时间"
    "应开备买卖准带结经见几号处将听过运进边难岁儿孙级县区乡镇厂医饭账价伤残断击骗闹视"
    "网线电联场坟尸灵亲妈爷妇吗灭锁坏领导诉斗争邻绳钢铁锤弹纵罚狱觉谢启发动热爱俩辈嘱"
    "托万欢极着样",
)
HAS_TRADITIONAL = re.compile(f"[{''.join(map(chr, TRADITIONAL))}]")
# Words folded to the forms the lexicon is written in, each of the same length: Xiang (Hunan)
# dialect, typing slips and homophones. Longest first.
VARIANTS = {
    # dialect
    "冇得": "没有",
    "冇": "没",
    "么子": "什么",
    "晓得": "知道",
    "细伢子": "小孩子",
    "伢子": "孩子",
    "伢崽": "孩子",
    "堂客": "老婆",
    "娭毑": "奶奶",
    "恰饭": "吃饭",
    "癫子": "疯子",
    "脑壳": "脑袋",
    "讲好": "说好",
    "讲定": "说定",
    "讲清楚": "说清楚",
    "老倌子": "老头子",
    "老倌": "老头",
    "莫想": "别想",
    "莫怪": "别怪",
    "莫来": "别来",
    "莫找": "别找",
    # typing slips and homophones
    "以经": "已经",
    "已近": "已经",
    "以近": "已经",
    "安眠要": "安眠药",
    "安民药": "安眠药",
    "农要": "农药",
    "煤汽": "煤气",
    "跳搂": "跳楼",
    "自刹": "自杀",
    "卧规": "卧轨",
    "上掉": "上吊",
    "在也不": "再也不",
    "在也没": "再也没",
    "帐": "账",
}
VARIANT = re.compile("|".join(sorted(VARIANTS, key=len, reverse=True)))
# Homophones that depend on their neighbours: 在 for 再 before a condition ("在不给钱"), 的 for
# 了 or 得, and sentence particles (啦 / 拉 / 哒 …) that stand for 了.
HOMOPHONES = (
    (
        re.compile(
            r"在(?=不[给还发结解处管赔理回露]|没人|敢|拖|这样下去|这么下去|欠|逼|来闹|来推|来拆)"
        ),
        "再",
    ),
    # Each pattern leads with a literal and looks behind after it: `re` then scans fast.
    (re.compile(r"好(?<=[买备写找磨攒弄]好)的(?=[,，。.!！ ]|$)"), "好了"),
    (re.compile(r"的(?<=[叫哭打吓喊闹骂]的)(?=很|好|太|凶|厉害|要死|不行|惨)"), "得"),
    (re.compile(r"[拉啦哒喽嘞](?<=[活死算完走][拉啦哒喽嘞])"), "了"),
    (re.compile(r"起(?<=[坐跪躺睡]起)(?!来)"), "着"),
    (re.compile(r"起(?<=[挡拦堵围封]起)(?!来)"), "住"),
)
# Romanised words next to Chinese ("tiao楼", "不想huo了"): evasion or a broken input method.
PINYIN = {"tiao": "跳", "lou": "楼", "si": "死", "sha": "杀", "huo": "活", "yao": "药"}

# Full-width digits and letters to ASCII ("１２次" → "12次"), the part of NFKC the rules need.
_WIDE = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_NARROW = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF5B)}
_CJK = re.compile(r"[\u4e00-\u9fff]")
# Spaces, symbols typed inside a word ("自*杀"), and romanised words ("tiao楼").
_EDIT = re.compile(
    r"[ \t\u3000]+|(?<=[\u4e00-\u9fff])[*＊~～_·•/|\\]+(?=[\u4e00-\u9fff])|[A-Za-z]+"
)
_NEEDS_EDIT = re.compile(r"[ \t\u3000*＊~～_·•/|\\A-Za-z]")
DELIMITERS = ",，。.!！?？;；:：、\n"
_SYLLABLE = re.compile("|".join(sorted(PINYIN, key=len, reverse=True)))


def _phrase(text: str) -> bool:
    """Three characters without a space or delimiter: a phrase, not a split word."""
    return len(text) == 3 and not any(c in DELIMITERS or c.isspace() for c in text)


def _replacement(text: str, match: re.Match[str]) -> str:
    start, end = match.span()
    piece = match.group()
    if piece[0].isspace():
        # WeChat writes clauses separated by spaces; a single character on either side is an
        # evasion ("跳 楼") or a typing habit, and is joined.
        if _phrase(text[max(0, start - 3) : start]) and _phrase(text[end : end + 3]):
            return "，"
        return ""
    if piece.isascii() and piece.isalpha():
        beside = text[start - 1 : start] + text[end : end + 1]
        syllables = _SYLLABLE.findall(piece.lower())
        if _CJK.search(beside) and "".join(syllables) == piece.lower():
            return "".join(PINYIN[s] for s in syllables)
        return piece
    return ""


def edit(text: str) -> tuple[str, list[int] | None]:
    """The text with spaces, inner symbols and pinyin handled, and where each of its
    characters came from (None: nothing moved)."""
    if _WIDE.search(text):
        text = text.translate(_NARROW)
    if not _NEEDS_EDIT.search(text):
        return text, None
    pieces: list[str] = []
    origin: list[int] = []
    last = 0
    for match in _EDIT.finditer(text):
        start, end = match.span()
        new = _replacement(text, match)
        pieces += (text[last:start], new)
        origin += range(last, start)
        origin += range(start, end) if new == match.group() else [start] * len(new)
        last = end
    pieces.append(text[last:])
    origin += range(last, len(text))
    return "".join(pieces), origin


def fold(text: str) -> str:
    """Traditional characters, dialect, typos and homophones, one character for one."""
    if HAS_TRADITIONAL.search(text):
        text = text.translate(TRADITIONAL)
    text = VARIANT.sub(lambda m: VARIANTS[m.group()], text)
    for pattern, replacement in HOMOPHONES:
        text = pattern.sub(replacement, text)
    return text


# --------------------------------------------------------------------------- shared context

_MORE = r"[一二两三四五六七八九十百千几多余来]{0,6}"
_PEOPLE = (
    r"(?:多|几|来|余)?(?:户|人|名|位|家|口人|号人"
    r"|(?:个|号)·{0,4}(?:人|工|民|主|长|生|友|员|户|机|师|匠|乡|弟))"
)
# Ten or more people or households: "二十几个工人", "一百多户", "上百人", "30多名". Matched
# from the 十 / 百 / 千: the numerals before it ("二", "上") add nothing but time (see `HOT`);
# NUMERALS_BEFORE brings them back into the quoted evidence.
TEN_PLUS = "|".join(
    (lead("1|2|3|4|5|6|7|8|9", "[0-9]{1,5}" + _PEOPLE), lead("十|百|千", _MORE + _PEOPLE))
)
NUMERALS_BEFORE = r"[一二两三四五六七八九几数上近好]?[一二两三四五六七八九十百千几多余来]{0,6}$"
GROUP_NOUNS = (
    "村民|居民|业主|工人|工友|农民工|家长|群众|养殖户|商户|住户|摊贩|司机|乡亲|职工|员工|老乡"
)
_GROUP_NOUN = f"(?:{GROUP_NOUNS})"
WHOLE = (
    r"全村|全组|全厂|全体|全镇|全小区|全楼|全车间|全工地|整栋楼"
    r"|整个(?:村|组|小区|车间|厂|单位|工地|楼)"
)
# Many people in the sentence.
MASS = rx(
    TEN_PLUS,
    WHOLE,
    r"老老少少|男女老少|人越多越好|所有(?:人|业主|村民|工人|工友|家长|住户)",
    r"(?:几|好几|多|附近几|周边几|两|三|四|五|六|七|八|九|十)个(?:村|小区|组|厂|工地|单位)",
    _GROUP_NOUN + r"们?(?:都|全部|一起|统一)",
    r"(?:村民|业主|工友|工人|家长|乡亲|职工|员工|老乡|兄弟)们|大家",
    r"(?:村|组|屋场|小区|厂|车间|工地|楼)里?的人(?:都|全部|已经)",
)
# A plan: coordination or a date.
_PLAN = (
    r"一起|一块|一同|集体|统一|约好|约定|商量好|说好|组织|号召|报名|建了?群|群里|都去|出动",
    r"准备|打算|决定|明天|后天|今晚|下周|下星期|下个?月|周[一二三四五六日末]",
    r"星期[一二三四五六日天]|礼拜[一二三四五六日天]?",
    lead("0|1|2|3|4|5|6|7|8|9|一|二|三|四|五|六|七|八|九|十", "[0-9一二三四五六七八九十]{0,2}号"),
    lead("0|1|2|3|4|5|6|7|8|9", "[0-9]?月[0-9]{1,2}日"),
    r"国庆|元旦|春节|过完年|月底|月初",
    r"签了?名|按了?手印|接龙",
)
PLAN = rx(*_PLAN)
# The writer's side, in the plural, for blockades ("我们…把路堵了"; not "货车把路堵了").
ACTORS = rx(
    TEN_PLUS,
    WHOLE,
    r"我们|咱们|大家|老老少少|男女老少|" + _GROUP_NOUN + "们?",
    r"(?:几|两|三|四|五|六|七|八|九|十)个(?:村|小区|组|厂|工地)",
)
INTENT = rx(
    r"去|就|准备|打算|约|商量|说好|明天|后天|今天|下周|一起|再来|集体|出动|不让|不放|全部|决定"
    r"|不散|要把"
)
# What a crowd going somewhere is about: a grievance, not a meeting or a trip.
GRIEVANCE = rx(
    r"讨|要钱|说法|闹|维权|抗议|交代|不解决|不给|没给|拖欠|欠|补偿|赔偿|工资|反对|不同意|不管",
    r"没到位|不到位|没发|不发|没兑现|给钱|工钱",
    r"人越多越好|不散|为止|直到|退房|退钱|集合|不走|不回来",
)
PERSON = rx(
    r"妈|爸|母亲|父亲|老人|奶奶|爷爷|外婆|外公|孩子|小孩|儿子|女儿|娃|老伴|丈夫|妻子|老公|老婆",
    r"哥|姐|弟|妹|学生|病人|患者|人",
)
COMPLAINT = rx(r"反映|投诉|不满|意见|骗|拖欠|讨薪|维权|委托|联名|签名|签了?字|签了名")
PETITION_CUE = rx(
    r"上访|信访|反映|告状|告他|告到|喊冤|鸣冤|申诉|讨说法|讨个说法|要说法|找领导|递材料|材料",
    r"不解决|不给解决|没人管|没人理|不管|还推|再推|推来推去|不处理|说理|讨公道|讨个公道",
    r"没有?(?:一个)?人(?:管|理|问)|没有?结果|没下文|踢皮球|趟|都试过",
)
TRAVEL_UNLESS = (
    r"旅游|出差|研学|看病|就医|治病|读书|上学|打工|务工|开会|培训|学习|比赛|考试|办证|办理|医保|"
    r"通行证|护照|审核|参观|探亲|高铁|航班|团建|旅行|度假|游玩|玩|演出|展会|升旗|转学|参加|出席"
    r"|领奖|展览|画展|书法展|参展|介绍信"
)

# Negators that turn the next few characters into a denial ("不会去上访", "没有人要去堵路").
NEGATION = re.compile(
    r"没有?(?!想到|料到|办法|法子|人管|人理|人问|人处理|结果|回音|答复|钱|用|回应|下文|解决|处理"
    r"|着落|一个人管|了|得)"
    r"|不会|不要(?!以为|怪|逼)|不是|并非|并不|从未|未曾|绝不|决不|绝对不|不打算|不准备|不想"
    r"|无意|不愿|不可能|不再|冇"  # 冇: the Xiang (Hunan) "没有"
)
# A consequence after the negator means it was only a condition ("再没人管我就跳下去").
CONSEQUENCE = re.compile(r"就|才|便|否则|的话|只能|只好")
NEGATION_WINDOW = 8
# News, rumour and fiction are not the writer's intent.
HEARSAY = rx(
    r"新闻(?:说|里|上|中|报道)|看到·{0,8}新闻|报道(?:说|称)|电视(?:上|里)|网上(?:看到|说|传)",
    r"视频里|电影|电视剧|小说|造谣|谣言|谣传|传言|朋友圈·{0,6}(?:转发|说|传)|听说·{0,4}(?:别|外|隔壁)",
    r"听·{0,3}说别|听讲·{0,4}(?:别|外|隔壁)|别(?:的|个)(?:地方|工地|厂|县|市)|开玩笑|玩笑话",
    # not a real event: a joke, a game or prop, a lesson or drill
    r"有些地方|有的地方|外地有人|哈哈|道具|密室|剧本杀|游戏里|拍戏|演戏|安全教育|教育课|课上",
    r"讲座|演练",
)
# A past event that has since been settled ("去年堵过一次路，后来镇里协调好了").
RESOLVED = re.compile(
    r"后来[^。!?;！？；]{0,24}(?:解决|处理好|调解|协调好|到位|和好|治好|好了|修好|谈妥|和解)"
    r"|(?:已经|已|基本)(?:解决|调解好|处理好|协调好|化解|平息|和解|谈妥)|调解好了|协调好了|处理好了"
    r"|达成了?(?:协议|和解)|现在关系(?:很|挺)好|(?:也|都|已经)?(?:拿到|到账|赔了|补上)|案子结了"
    r"|(?:也|都|已经)了结|走出来了|已经康复|现在好多了"
)
# Settled for good: no past marker needed ("对方也赔了医药费，案子结了").
SETTLED = rx(r"案子(?:已经)?结了|已经结案|调解结案|达成了?(?:和解|调解)协议|已经和解")
PAST = re.compile(
    r"去年|前年|以前|之前|上次|上回|上个月|曾经|当年|那次|过去|早年|小时候|昨天|前天|前几天|上周"
)
# A proposal the others talked down is not a plan ("有人提议拉横幅，但大部分业主都不同意").
DISSUADED = rx(
    r"(?:大部分|大多数|多数|其他)·{0,4}(?:人|业主|村民)?·{0,2}"
    r"(?:不同意|反对|没同意)|没人响应|作罢|打消|劝住|劝下来|劝阻|被·{0,4}劝"
)
# The writer denies what the sentence mentions ("有人家暴？根本没有这回事").
DENIED = rx(r"没有这回事|没这回事|根本没有这|纯属误会|是个误会|是误会|不是真的|是假的|造谣")
# A plain service question: "where do I apply", "is this price normal".
QUESTION = rx(
    r"请问|想问|问一下|问下|咨询|怎么(?:办理|申请|报名|补办)|哪里(?:可以|能)|要什么材料|合不合理"
    r"|能不能|可不可以|是否|有没有(?:补贴|政策|优惠)|吗[?？]|多少钱|怎么收费"
)

# --------------------------------------------------------------------------- the lexicon

PRONOUN = r"(?:他|她|你|你们|他们|她们|他家|他全家|你全家|这个人|那个人|谁)"
ANYONE = r"(?:他|她|你|你们|他们|她们|他家|他全家|你全家|这个人|那个人|谁|我|我们|我全家|我家)"
_BLADE = r"(?:菜刀|砍刀|柴刀|尖刀|水果刀|杀猪刀|刀|斧头|斧子|猎枪|枪|硫酸)"
_WEAPON = (
    r"(?:菜刀|砍刀|柴刀|尖刀|水果刀|杀猪刀|刀|斧头|斧子|猎枪|枪|铁棍|木棍|棍子|钢管|锄头|铁锹"
    r"|扁担|镰刀|铁锤|榔头|砖头|石头|酒瓶|啤酒瓶)"
)
_METHOD = r"(?:农药|敌敌畏|百草枯|老鼠药|鼠药|毒鼠强|除草剂|安眠药|毒药)"
# Three or more: "12", "五", "十几", "无数", "好几".
_COUNT3 = (
    r"(?:[0-9]{2,4}|[3-9]|很多|好多|好几"
    r"|[三四五六七八九十几多无][一二两三四五六七八九十百几多]{0,4})"
)
_HOLD = "拿|提|举|持|挥|握|拎|别|扛"
_VICTIM = (
    r"(?:老婆|妻子|媳妇|孩子|小孩|老人|父母|母亲|婆婆|他娘|她娘|他妈|她妈|老娘|我妈|我娘"
    r"|女儿|儿子|一个女的|女的|我(?!电话|手机)|她(?!电话|手机|的电话))"
)
# Someone beaten: "被几个学生打了", "又在打老婆", "经常打我和孩子", "把他娘推倒在地上".
_DV = lead("打|殴打|打骂|虐待|抽", f"(?:过|了)?(?:他|她|自己)?的?{_VICTIM}")
# … "被几个学生打了" (with _BEATEN_BY), "把他娘推倒在地上" (with _PUSHED_BY)
_BEATEN = lead(
    "打|殴打|毒打|暴打|打伤", r"(?:了|伤|得|成|进|死|破|断|晕|瞎|残|骨折|住院|(?=[,，。!！]|$))"
)
_BEATEN_BY = r"被·{0,8}$"
_PUSHED = lead(
    "老婆|妻子|媳妇|孩子|小孩|老人|父母|母亲|婆婆|他娘|她娘|他妈|她妈|老娘|我妈|我娘|女儿|儿子"
    "|一个女的|女的|她",
    "·{0,6}(?:推倒|推下|推到|打(?:倒|伤|得|了)|踢|摔|掐|按在)",
)
_PUSHED_BY = r"把·{0,3}$"
_SEVERE = rx(
    r"满脸是血|全是血|都是血|头破血流|流血|流了·{0,3}血|骨折|住院|进了?医院|送医|抢救|昏迷",
    r"站不起来|不省人事|奄奄一息|重伤|打死|(?:头|脑袋)·{0,3}破了|躺·{0,6}不动|没(?:有)?反应|昏过去",
)
_CONDITION = rx(r"再|要是|如果|敢|不然|否则|不给|不还|不赔|还不|不处理|不解决|逼|不结|不露面")

RULES: tuple[Rule, ...] = (
    # ---- self-harm: explicit intent or a method is critical; despair and farewells are high
    rule(
        SELF,
        "critical",
        "出现自伤/轻生表述",
        r"不想活|不想再活|活腻|不活了|想死(?!的心|你|我了)|寻死|寻短见|想不开|轻生|自杀|自尽|自残",
        r"自焚|割腕|烧炭(?!取暖|烤火)|卧轨|跳轨",
        r"上吊(?!着)|吊死|把自己吊|一死了之|了此残生|一了百了|结束(?:自己的)?生命",
        r"以死(?:明志|相逼|抗争|抗议|维权)|死了算了|没了算了|不如死|早点死|死给·{0,3}看|大不了一死",
        r"死也要死在|死在(?:你们|他们|他)(?:面前|门口)",
        lead("喝|跳|吊", "给(?:你们|他们|他|大家)看"),
        lead("喝|服|吞|灌", "(?:了|下)?(?:一?瓶|半瓶|一把)?" + _METHOD),
        lead("要|想|就|准备|打算|去", "(?:喝|服)(?:药|毒)"),
        lead("买|准备|备|攒|弄|存|囤", f"好了?·{{0,4}}(?:{_METHOD}|绳子)"),
        lead(
            "农药|敌敌畏|百草枯|老鼠药|安眠药|药|绳子",
            "我?(?:都|也)?(?:已经)?(?:买|准备|备|攒)好",
        ),
        r"攒了?·{0,4}安眠药|安眠药·{0,3}攒|遗书|绝笔",
        lead(
            "带|和|跟",
            "着?·{0,3}(?:孩子|娃|全家|一家人|老婆孩子)(?:一起|一块)(?:走(?!路|亲戚)|死|去死|了断|解脱)",
        ),
        r"手(?:腕|上|臂)·{0,6}(?:刀口|伤口|划痕|割痕|口子|割)|割(?:了|破)?·{0,2}手腕",
        lead("哪种|什么|怎么|怎样", "(?:方法|办法|方式)·{0,4}(?:不痛|最快|无痛|不疼|死)"),
        lead("烧了|点了|生了", "·{0,3}炭(?!取暖|烤火|火锅)"),
        lead("煤气|燃气", "·{0,2}(?:也|都|已经)?开(?:了|着)"),
    ),
    rule(
        SELF,
        "critical",
        "出现自伤/轻生表述",
        r"跳(?:下去|河|江|湖|塘|水库|桥|楼(?!价|机|甩卖)|东江湖|湘江)",
        r"从·{0,10}(?:楼顶|顶楼|天台|楼上|桥上|塔吊|高处|楼)(?:跳|下去|跳下)",
        before=r"(?:就|要|想|会|准备|打算|敢|去)·{0,10}$",
    ),
    rule(
        SELF,
        "critical",
        "出现自伤/轻生表述",
        lead("就去|要去|想去|走进|跳进|跳到|沉到", "(?:江|河|湖|塘|水库|井)里"),
        unless=r"游泳|钓|玩|洗|捞|划船|看看|散步|抓鱼|摸鱼",
    ),
    rule(
        SELF,
        "critical",
        "出现自伤/轻生表述",
        r"天台|楼顶|桥上|塔吊上|大桥|江边|水库边",
        before=r"我(?:现在|已经|正)?(?:就|正)?(?:站|坐|爬)?(?:在|上了?|到了?)·{0,6}$",
        unless=r"晒|乘凉|钓|看风景|拍照",
    ),
    rule(
        SELF,
        "critical",
        "出现自伤/轻生表述",
        lead(
            "买|准备|备|攒|弄|存|囤", "(?:了|到)·{0,4}(?:敌敌畏|百草枯|老鼠药|毒鼠强|安眠药|毒药)"
        ),
        unless=r"虫|草|庄稼|田|地里|果树|菜地|假|质量|商家|农资|店|效果|过期|发票|价格|老鼠(?!药)"
        r"|灭鼠|以前|禁",
    ),
    rule(
        SELF,
        "critical",
        "出现自伤/轻生表述",
        r"跳楼",
        unless=r"促销|标语|广告|甩卖|清仓|减价|打折|喇叭|口号|招牌|价格|跳楼价|跳楼机|跳楼一样|跳楼似的"
        r"|便宜",
    ),
    rule(
        SELF,
        "high",
        "流露绝望、疑似轻生或诀别",
        r"活不下去|活不成|没法活|没有活路|没活路|不给·{0,3}活路",
        r"活(?:着|起)·{0,4}(?:没|有什么|没啥|没什么)·{0,2}(?:意思|味|盼头|奔头)",
        r"活够了|生不如死|活着·{0,4}(?:太累|好累|太苦|痛苦|没劲)",
        r"逼死(?:我|人)",
        lead("就是|都是", "(?:他们|你们|被)?·{0,4}逼的"),
        lead("后事|身后事", "·{0,6}(?:交代|安排|料理)好"),
        r"最后一次(?:反映|投诉|找你们|求你们|来信|打电话|打12345|麻烦你们)",
        r"命(?:也|都)不要了|这条(?:老|烂|贱)?命·{0,4}(?:不要了|豁出去|押|交给|赔给|拼|不值钱)",
        r"别再醒|不再醒|不想再醒|不醒就好|永远不用醒|不用醒|醒不过来就好",
        lead("想|早点|就能|才能|就", "解脱"),
        lead("饿|病|冻", "死(?:算了|拉倒|了算)"),
        lead("走|没", "了算了"),
        r"这辈子就(?:这样|完了)(?:吧|了)",
    ),
    rule(
        SELF,
        "high",
        "流露绝望、疑似轻生或诀别",
        r"再(?:麻烦|打扰)你们",
        before=r"不会?$",
        unless=r"解决|谢谢|感谢|满意|处理好|办好",
    ),
    rule(SELF, "high", "流露绝望、疑似轻生或诀别", r"死在", before=r"我(?:就|会|要|哪天)?$"),
    rule(
        SELF,
        "high",
        "流露绝望、疑似轻生或诀别",
        r"命(?:来|去)?(?:换|赌|拼|抵|证明|讨)",
        before=r"(?:拿|用)(?:我的|这条|自己的)?(?:老)?$",
    ),
    # ---- violence: killing, arson, explosives or a blade in hand is critical
    rule(
        VIOLENCE,
        "critical",
        "出现杀人、纵火等暴力威胁",
        f"杀(?:了|死){ANYONE}|杀人(?!不眨眼|犯|案|游戏)|宰了{PRONOUN}",
        lead("砍|捅", f"(?:死|了){ANYONE}"),
        lead("打|弄|整|掐|烧", f"死{ANYONE}"),
        f"砍死|捅死|弄死|整死|要{PRONOUN}的?命|拿命来(?:还|偿|换)|偿命",
        r"一命(?:换|抵)一命|以命(?:抵|换)命|同归于尽|一起死|竖着进来横着出去|横着出",
        r"剪·{0,4}刹车|刹车线",
        r"一起上天|送·{0,4}上天|炸上天",
        r"一把火·{0,8}(?:烧|点)|放火|纵火|放把火|火烧·{0,4}(?:家|房|厂|场|店)|浇上?汽油|泼上?汽油",
        f"烧(?:了|掉|死|光){PRONOUN}",
        r"炸(?:了|掉|死|平)·{0,3}(?:他|他们|你们|这|那|厂|家|楼|政府)|一起炸",
        lead("买|准备|备|灌|弄", "(?:好|了|到){1,3}·{0,6}(?:汽油|柴油|酒精|炸药|雷管|硫酸|天那水)"),
        lead("汽油|柴油|炸药|雷管|硫酸", "我?(?:都|也)?(?:已经)?(?:准备|买|灌|备|弄|带)好"),
        r"刀·{0,3}磨(?:好|快|利)|磨(?:好|快)了?刀|磨了刀|汽油瓶|燃烧瓶",
        r"泼·{0,3}硫酸|硫酸·{0,4}泼",
        lead("扬言|威胁|放话|恐吓", "·{0,8}(?:杀|砍死|弄死|打死|捅死)"),
    ),
    rule(
        VIOLENCE,
        "critical",
        "出现杀人、纵火等暴力威胁",
        _BLADE[3:-1],
        before=r"我·{0,6}(?:拿|提|带|扛|揣|操)(?:着|上|起|了)?(?:一把|把)?$",
    ),
    rule(
        VIOLENCE,
        "critical",
        "出现杀人、纵火等暴力威胁",
        r"烧了|点了|给烧了|给点了|炸了",
        before=r"我·{0,8}把·{0,10}$",
        unless=r"垃圾|秸秆|树叶|杂草|纸钱|材料|合同|信|照片|衣服",
    ),
    rule(
        VIOLENCE,
        "critical",
        "出现杀人、纵火等暴力威胁",
        lead("买|准备|备|搬|弄", "(?:好|了|到){1,3}·{0,6}煤气罐"),
        r"煤气罐·{0,3}(?:搬|拖|扛|放|摆)",
        needs=(rx(r"炸|爆|点|敢来|同归|上天|一起"),),
    ),
    rule(
        VIOLENCE,
        "high",
        "出现暴力或报复威胁",
        r"血债血偿|以牙还牙|报仇|报复社会|鱼死网破|玉石俱焚|拼个你死我活",
        lead("要|会|去|一定", "报复"),
        f"让{ANYONE}(?:全家|一家)?也?都?(?:不得好死|不得安宁|不好过|付出代价|好看|后悔"
        r"|吃不了兜着走|家破人亡|倾家荡产)",
        r"连本带利·{0,4}(?:讨|要|还)|加倍奉还|等我一句话|一声令下",
        f"让{PRONOUN}也?尝尝|让{PRONOUN}也?(?:知道|见识)(?:我的|一下)?厉害",
        lead("不会|绝不会|不得", f"让{PRONOUN}·{{0,4}}(?:好过|好受|安宁|安稳|安生|好日子|太平)"),
        f"不会放过{PRONOUN}",
        lead("跟|和|与", f"{PRONOUN}(?:拼了|拼命|没完|拼到底)"),
        r"豁出去·{0,6}(?:跟|和)|去跟·{0,6}拼了",
        lead("别想|休想", "·{0,2}(?:好好|好过|安生|安宁|好日子|站着|太平|安稳)"),
        f"打残|打断{PRONOUN}的?腿|废了{PRONOUN}|找{PRONOUN}算·{{0,1}}账|算总账",
        lead("要|去|会|就|好好", f"收拾{ANYONE}(?!的|留|东西|房间|屋子|行李)"),
        lead("找|叫", "人来?(?:打|收拾|教训|弄)"),
        lead("扬言|威胁|放话|恐吓", "·{0,8}(?:打|砍|收拾|报复|烧|炸)"),
        r"出了(?:什么)?事(?:情)?·{0,2}(?:别|不要|可别)怪",
        lead(
            "别|不要", "怪(?:我|我们)(?:不客气|心狠|手辣|翻脸|无情|没有?(?:提前)?(?:提醒|说|讲)|用)"
        ),
        r"别说(?:我|我们)没有?(?:提醒|警告|打招呼)",
        r"大不了坐牢|坐牢(?:我)?也(?:要|认|值)|不怕坐牢",
        lead("我就|我们就|那就|就别怪我", "不客气"),
        r"最好·{0,8}(?:别|不要)·{0,6}(?:一个人|出门|走夜路)|走夜路·{0,4}小心",
        r"这笔账·{0,6}(?:记|算)|迟早·{0,6}(?:算账|收拾|报仇|要他|让他|跟他算|和他算)",
        f"我知道{PRONOUN}的?(?:家|孩子|儿子|女儿|老婆|家人|父母|老家)?·{{0,2}}(?:住在?哪|在哪)",
        lead(
            "看|瞧", "·{0,3}(?:他|她|他们|你们)·{0,3}(?:还能|能)·{0,2}(?:嚣张|得意|狂|神气|横|威风)"
        ),
    ),
    rule(
        VIOLENCE,
        "high",
        "出现暴力或报复威胁",
        r"砸(?:了|烂|掉)?(?:他|他们|你们)",
        before=r"我·{0,10}$",
    ),
    rule(VIOLENCE, "high", "出现暴力或报复威胁", r"砸(?:了|烂)", before=r"我·{0,12}把·{0,8}$"),
    rule(
        VIOLENCE,
        "high",
        "出现暴力或报复威胁",
        r"自己的(?:办法|方式|手段)",
        before=r"用(?:我|我们)?$",
    ),
    rule(
        VIOLENCE,
        "critical",
        "出现杀人、纵火等暴力威胁",
        # "再…我就…", "要是…就…": a condition, then the writer's own violent act
        lead(
            "我就|我们就|我也就|那我就|我会|我要",
            "·{0,10}(?:砍|杀(?!价)|捅(?!到|给|出|破|媒体)|放火|点火|点上火|烧了|炸|毒死|下毒|打死"
            "|弄死|泼|动刀)",
        ),
        needs=(_CONDITION,),
        unless=r"砸锅卖铁|点火做饭|炸鸡|炸串|垃圾|秸秆|树叶|杂草|纸钱|材料|合同",
    ),
    rule(
        VIOLENCE,
        "high",
        "出现暴力或报复威胁",
        lead(
            "我就|我们就|我也就|那我就|我会|我要",
            "·{0,10}(?:砸(?!锅)|打残|揍|拼(?:了(?!老命)|命)|收拾|找(?:他|她)的?(?:爹妈|父母|老婆"
            "|孩子|儿子|女儿|家人|老娘))",
        ),
        needs=(_CONDITION,),
        unless=r"砸锅卖铁|拼车|拼单|拼团|收拾东西|收拾行李",
    ),
    rule(
        VIOLENCE,
        "high",
        "出现暴力或报复威胁",
        lead(
            "打听|摸清|知道|盯",
            "·{0,6}(?:他|她)·{0,12}(?:几点|哪条路|住哪|在哪|行踪|几栋|哪个小区)",
        ),
    ),
    rule(
        VIOLENCE,
        "high",
        "出现暴力或报复威胁",
        r"找(?:好|齐)了?(?:人|兄弟|打手)|几兄弟都回来了",
        lead("带|叫|喊", "上?(?:几个|一帮|一群|一伙)(?:兄弟|人|打手)"),
        needs=(rx(r"算账|收拾|教训|打|砸|讨|厉害|好看|说法|算清楚|过去|上门|嚣张|得意"),),
    ),
    # ---- group action: disruptive collective acts, or many people going somewhere together
    rule(
        GROUP,
        "high",
        "有组织群体行动的迹象",
        r"集体(?:上访|罢工|停工|静坐|围堵|示威|抗议|讨薪|请愿|闹事|堵)",
        r"罢工|罢课|罢市|罢运|示威|请愿|绝食|聚众闹事|打砸|围堵|冲击(?:政府|派出所|工地|公司)",
        r"围得水泄不通|谁也不去?(?:上班|上工|开工|干活)",
        r"抬着?·{0,6}(?:棺|遗像|遗照|遗体)|停尸|拉(?:着)?遗体|摆花圈",
        lead("统一|集体|全部|一起|全体", "(?:停运|停工|停课|停业|不上工|不开工|不干活|不上班)"),
        lead("商量|约|说", "好·{0,6}(?:不上工|不开工|停工|不上班)"),
    ),
    rule(
        GROUP,
        "high",
        "有组织群体行动的迹象",
        r"不开工|不上工|停工|不上班|不干活|停产|停运|停课|罢|不出工|不出车|歇工|不营业|不进场|下线"
        r"|不接单|停下来|不出摊",
        needs=(MASS, PLAN),
        unless=r"检修|放假|通知|安排|停电|下雨|天气|疫情|整改|调休|高温",
    ),
    rule(
        GROUP,
        "high",
        "有组织群体行动的迹象",
        r"游行",
        unless=r"花车|舞龙|舞狮|庆祝|节日|彩车|表演|文艺|巡游|活动",
    ),
    rule(
        GROUP,
        "high",
        "有组织群体行动的迹象",
        r"堵(?:住|了)?(?:国道|省道|高速|路口|马路|公路|大门|厂门|校门|政府|路)",
        r"堵·{0,4}(?:家门|门口|大门|厂门|校门)",
        r"把·{0,8}(?:路|路口|大门|门|国道|马路|公路|厂门|校门)(?:给)?(?:堵|挡|拦)(?:住|了|死)",
        r"围住|包围|拦住?(?:垃圾车|挖掘机|校车|车辆|施工队|铲车|钩机)",
        r"不让·{0,4}(?:施工|开工|进场|开走|通行|车子?过)",
        r"挖断|拦断|把·{0,8}(?:路|路口|大门|门)(?:给)?(?:挖|封|拦)",
        r"扣(?:下|住|了){1,2}·{0,4}(?:车|货车|挖掘机|铲车|老板|人)|不放(?:车|人|他走|老板)",
        needs=(ACTORS, INTENT),
        unless=r"堵车|堵塞|红绿灯|缺口|防洪|堵漏",
    ),
    rule(
        GROUP,
        "high",
        "有组织群体行动的迹象",
        lead("拉|打|挂|扯|举", "·{0,2}横幅"),
        r"横幅·{0,3}(?:写|做|印|准备)好|写好了?横幅|举牌|举着?·{0,2}牌子",
        unless=r"卖|广告|促销|宣传|招生|招聘|庆祝|欢迎|祝贺|开业|防诈骗",
    ),
    rule(
        GROUP,
        "high",
        "有组织群体行动的迹象",
        r"静坐(?!冥想)",
        unless=r"午休|趴|课堂|冥想|打坐|教室|太极",
    ),
    rule(
        GROUP,
        "high",
        "多人正在聚集堵门堵路",
        lead("堵|围|聚集|聚|守", "在·{0,8}(?:门口|路口|门前|大门|政府|工地|项目部)"),
        needs=(MASS,),
    ),
    rule(
        GROUP,
        "high",
        "多人相约集体行动",
        r"政府|信访|门口|总部|公司|售楼部|售楼处|工地|项目部|厂里|局|老板家|集合|镇上|镇里|县里"
        r"|市里|区里|县城|城里|市区",
        before=r"(?:去|到|上|跑)·{0,12}$",
        needs=(MASS, PLAN),
        needs_in_text=(GRIEVANCE,),
        unless=r"报警|报案|起诉|法院|律师|咨询|体检|参观|旅游|开会|办理|领取|参加|签约|实习|面试|献血"
        r"|吃饭|年夜饭",
    ),
    rule(
        GROUP,
        "high",
        "多人相约集体行动",
        r"讨说法|讨个说法|讨薪|要说法|要个说法|讨公道",
        needs=(MASS, PLAN),
        needs_in_text=(GRIEVANCE,),
        unless=r"报警|报案|起诉|法院|律师|咨询|体检|参观|旅游|开会|办理|领取|参加|签约|实习|面试|献血"
        r"|吃饭|年夜饭",
    ),
    rule(
        GROUP,
        "high",
        "多人相约集体行动",
        lead("门口|门前|楼下|大厅", "·{0,2}(?:坐着|坐下|躺着|跪着|守着|睡|跪|等)"),
        needs=(MASS, rx(*_PLAN, r"今天|已经|正在|现在")),
    ),
    rule(
        GROUP,
        "high",
        "多人相约集体行动",
        lead("政府|局|信访|售楼部|售楼处|项目部|公司|厂", "(?:大)?门口"),
        before=r"(?:去|到)·{0,8}$",
        needs=(MASS, PLAN),
        unless=r"参观|旅游|开会|体检|献血|集合出发|坐车|班车|校车",
    ),
    rule(
        GROUP,
        "elevated",
        "多人联名或集体反映",
        r"联名(?!推荐|推选|提名|举荐)|集体(?:反映|投诉|来信)|共同反映|联合反映|一起来?反映|委托我",
        r"托我|一起(?:签了?名|写了?(?:投诉|信)|投诉)",
    ),
    rule(
        GROUP,
        "elevated",
        "涉及人数众多",
        TEN_PLUS,
        WHOLE,
        lead(GROUP_NOUNS, "们?都"),
        needs=(COMPLAINT,),
        before=NUMERALS_BEFORE,
    ),
    # ---- petitions beyond the city
    rule(
        PETITION,
        "high",
        "扬言越级或赴省进京上访",
        r"进京(?!高速|证|务工|赶考|旅游|看病|就医|求学|读书)|赴京|上京",
        unless=TRAVEL_UNLESS,
    ),
    rule(
        PETITION,
        "high",
        "扬言越级或赴省进京上访",
        r"越级(?!提拔|晋升|报销)",
        r"国家信访局|省信访局|省信访办|中南海",
        r"告到·{0,3}(?:省|北京|中央|国务院)|告上(?:北京|中央)|上访到·{0,2}(?:省|北京|中央)",
        r"一级一级·{0,4}(?:往上)?告|往上告|告到底|往(?:省里|中央|北京)·{0,4}(?:告|写信|反映)",
        r"拦(?:领导|省领导|书记|省长|市长)的?(?:车|轿)|拦车喊冤",
    ),
    rule(
        PETITION,
        "high",
        "扬言越级或赴省进京上访",
        r"省里|省城|省会|省政府|省委|长沙|北京|首都|中央|天安门",
        before=r"(?:去|到|上|跑|赴|进)了?(?:一趟)?$",
        needs_in_text=(PETITION_CUE,),
        unless=TRAVEL_UNLESS
        + r"|什么区别|有何区别|流程|程序|手续|如何(?:办理|反映)|哪个·{0,2}更快",
    ),
    rule(
        PETITION,
        "high",
        "扬言越级或赴省进京上访",
        r"省纪委|中纪委|中央纪委|国家监委|巡视组|省委书记",
        needs_in_text=(PETITION_CUE,),
        unless=TRAVEL_UNLESS
        + r"|什么区别|有何区别|流程|程序|手续|如何(?:办理|反映)|哪个·{0,2}更快",
    ),
    rule(
        PETITION,
        "elevated",
        "多次反映未果",
        lead("反映|投诉|来信|上访|打电话|打12345|找", f"(?:了|过)?·{{0,2}}{_COUNT3}(?:次|回)"),
        lead("打了|反映了|投诉了|去了|跑了", f"{_COUNT3}(?:次|回|趟)"),
        r"第(?:[0-9]{2,4}|[3-9]|[三四五六七八九十几][一二两三四五六七八九十]{0,4})次",
        r"跑了·{0,2}(?:[0-9]{2,4}|[3-9]|[三四五六七八九十几][一二两三四五六七八九十多]{0,4})趟",
        r"这么多(?:次|遍)|无数次|多次(?:反映|投诉|来信|上访|信访|打电话)|反复反映|一再反映|屡次",
        r"不下[0-9一二三四五六七八九十几]+(?:次|回)",
        lead("向|往", "上一?级"),
        r"石沉大海|投诉无门|申诉无门|求助无门|天天(?:去|到|来)·{0,8}(?:门口|单位|政府|找|闹)?",
    ),
    rule(
        PETITION,
        "elevated",
        "提到上访或到政府讨说法",
        r"上访|信访",
    ),
    rule(
        PETITION,
        "elevated",
        "提到上访或到政府讨说法",
        lead("市|县|区|镇", "(?:政府|委)·{0,4}(?:门口|讨|反映|要)"),
        before=r"(?:去|到)·{0,3}$",
    ),
    # ---- people in danger
    rule(
        DANGER,
        "critical",
        "有人正处于危险之中",
        r"持刀|持械|持枪|追着·{0,2}砍|见人就砍|乱砍|砍人|捅人",
        lead(
            "还在|正在|现在正|又在",
            r"(?:外面|门外|屋里)?(?:打(?:人|我|她|他|老婆|孩子|小孩|老人|妈|架)|砸门|追打|砍人|追着)",
        ),
        r"喊救命|呼救|救命啊|喊别打|别打了|住手",
        lead(
            "抱着孩子|抱着娃|带着孩子",
            "·{0,6}(?:站在|爬上|坐在)·{0,6}(?:窗|阳台|楼顶|天台|江边|河边|桥|栏杆)",
        ),
    ),
    rule(
        DANGER,
        "critical",
        "有人正处于危险之中",
        # someone else (not "我拿着…") holding a weapon, and doing something with it
        "|".join(
            f"{c}(?<!我{c})(?<!我就{c})(?<!我要{c})(?:着|了)(?:一|)(?:把|根|块|个)?{_WEAPON}"
            for c in _HOLD.split("|")
        ),
        needs=(
            rx(
                r"追|砍|挥|乱|吓|威胁|游荡|走来走去|晃|冲|闹|骂|疯|醉|精神|不敢|伤人|划伤|要杀|喊杀|砸|吼"
                r"|到处"
            ),
        ),
    ),
    rule(
        DANGER,
        "critical",
        "有人正处于危险之中",
        # someone carrying fuel who speaks of burning or blowing something up
        lead("拎着|提着|拿着|抱着|扛着|带着", "·{0,8}(?:汽油|柴油|酒精|煤气罐|液化气)"),
        needs=(rx(r"烧|点火|放火|炸|同归"),),
    ),
    rule(
        DANGER,
        "critical",
        "有人被打伤，情况危急",
        lead(
            "打|殴|揍|踢|砍|捅",
            r"(?!针|点滴|吊|疫苗|电话|工|卡|车|扫|印|官司|包|折|球|牌|麻将|游戏)(?:得|成|伤|到|了)?"
            r"·{0,6}?(?:满脸是血|头破血流|流了?很多血|骨折|住院|进了?医院|昏迷|站不起来|不省人事"
            r"|奄奄一息|重伤)",
        ),
        unless=r"球|比赛|运动|体育|训练|摔",
    ),
    rule(
        DANGER,
        "critical",
        "有人被打伤，情况危急",
        r"打起来|打架|斗殴|群殴|互殴|推下去|推下楼",
        needs=(_SEVERE,),
        unless=r"球|比赛|运动|体育|训练",
    ),
    *(
        rule(
            DANGER,
            "critical",
            "有人被打伤，情况危急",
            pattern,
            before=before,
            needs=(_SEVERE,),
            unless=r"球|比赛|运动|体育|训练|摔",
        )
        for pattern, before in ((_DV, None), (_BEATEN, _BEATEN_BY), (_PUSHED, _PUSHED_BY))
    ),
    rule(DANGER, "high", "可能有人身处危险", _BEATEN, before=_BEATEN_BY),
    rule(DANGER, "high", "可能有人身处危险", _PUSHED, before=_PUSHED_BY),
    rule(
        DANGER,
        "high",
        "可能有人身处危险",
        r"家(?:暴(?<![反防]家暴)|庭暴力(?<![反防]家庭暴力))(?!宣传|讲座|知识|法|普法|主题|热线|防治|预防|教育|案例|日|周|月"
        r"|咨询)",
        _DV,
        r"被关(?:着|起来|在)|不(?:让|准|许)·{0,6}(?:出门|出去|出来|出厂|走|离开|联系|见人|回家|报警)",
        lead("身份证|手机|证件", "·{0,3}(?:也)?被·{0,4}(?:扣|收|没收|拿走)"),
        r"留守儿童·{0,8}(?:无人|没人|独自|一个人)",
        lead(
            "孩子|小孩|娃",
            "·{0,8}(?:无人照看|没人管|没人照顾|无人看管|独自在家|一个人在家|自己在家|自己在屋)"
            "(?!·{0,4}(?:做作业|写作业|上网课|看书))",
        ),
        lead("就剩", "·{0,6}一个人"),
        lead(
            "孩子|小孩|娃",
            "·{0,8}(?:一个人|独自|自己)·{0,8}(?:水塘|池塘|河边|水库|江边|马路|工地|锁|阳台|窗台|哭)",
        ),
        lead(
            "孩子|小孩|娃",
            "[^。]{0,20}(?:没(?:有)?大人|大人不在|没人看|没人带)",
        ),
        lead(
            "老人|老太太|老大爷|老爷爷|老奶奶|老头",
            "·{0,14}(?:两天|几天|多天|多日|好几天|[两三四五六七八九]天|一个星期|一周)·{0,4}"
            "没(?:出门|出来|见|露面|动静|开门|开灯|人见|人应)",
        ),
        r"敲门·{0,2}没人?(?:应|开)|喊都没人应",
        r"哭喊|哭叫|惨叫|打骂声|求救|身上·{0,4}(?:淤青|伤痕|青一块紫一块|都是伤|全是伤|有伤|伤疤)",
        r"烟头烫|烫(?:伤|的)印|掐痕|勒痕|血印",
        r"不给·{0,3}路费|哭着要回家|被扣(?:在|住|押)|赎人|园区·{0,6}出不来",
        r"到处都是淤青|青一块紫一块|叫得·{0,2}(?:吓人|很惨|好惨|好吓人)|哭着喊·{0,3}(?:救|接)",
        r"传销·{0,10}(?:不让|扣|控制|收了|关)",
        lead("想回家|想回来|想走|想出来", "·{0,6}(?:走不了|出不来|回不来|不让)"),
    ),
    rule(
        DANGER,
        "high",
        "可能有人身处危险",
        lead(
            "老人|老太太|老大爷|老奶奶|老爷爷|老头|孩子|小孩|娃|女儿|儿子|妻子|老婆|婆婆|母亲|父亲|妈"
            "|爸|他|她",
            "·{0,4}?(?:关|锁|囚禁|软禁)在·{0,3}(?:屋|房|家|杂屋|柴房|地下室|车|里|阳台|厕所|卫生间|笼)",
        ),
        unless=r"钥匙|开锁|锁匠|门锁|锁门外|锁在外面",
    ),
    rule(
        DANGER,
        "high",
        "可能有人身处危险",
        r"没有?动静|不接电话|电话也不接|联系不上|反锁|爬不起来|躺了一夜|没人照顾|无人照顾|怪味|臭味",
        r"一个人留在家|一个人扔在家|丢在家里",
        needs=(
            rx(
                r"独居|老人|老太|老大爷|老爷爷|老奶奶|瘫痪|残疾|九十|八十|七十|一个人在(?:老)?家"
                r"|我娘|老娘|我妈"
            ),
        ),
    ),
    rule(
        DANGER,
        "high",
        "可能有人身处危险",
        r"饿肚子|没饭吃|吃不上饭|没人做饭|没人送饭|好几顿没吃|几天没吃|只送一餐|说饿|喊饿|饿得",
        needs=(
            rx(r"孩子|小孩|娃|儿童|老人|奶奶|爷爷|老母亲|老父亲|妈|爸|瘫痪|残疾|老头|妹妹|弟弟|岁"),
        ),
        unless=r"食堂|饭菜|外卖|餐厅|饭店|伙食|医药费|还不起",
    ),
    rule(
        DANGER,
        "high",
        "可能有人身处危险",
        r"走丢|走失|失踪|失联",
        needs=(PERSON,),
        unless=r"狗|猫|宠物|鸡|鸭|牛|羊|猪|鸟|快递|包裹|行李",
    ),
    rule(
        DANGER,
        "high",
        "可能有人身处危险",
        r"精神病|精神失常|疯子|疯疯癫癫|精神障碍",
        needs=(rx(r"乱跑|游荡|往外跑|打人|砸|拿着|伤人|发病|发作|加重|没人管|追|推倒"),),
    ),
    # ---- strong emotion and vague threats
    rule(
        EMOTION,
        "elevated",
        "情绪激烈",
        r"忍无可忍|欺人太甚|逼人太甚|天理何在|天理难容|还有天理吗?|有没有天理|还有没有王法",
        r"没有王法|官官相护|欺负(?:老百姓|人)",
        r"走投无路|没有?路(?:可)?走|撑不下去|绝望|崩溃|逼疯|被逼(?:得|到|上)|逼上绝路|欲哭无泪",
        r"气得发抖|怒不可遏|忍耐·{0,4}极限|忍到头|彻底失望|失去信心|愤怒|气炸|想死的心|豁出去",
        r"没有说理的地方|受够了|忍了好久|忍他很久|恼火|心口痛",
    ),
    rule(
        EMOTION,
        "elevated",
        "含有模糊威胁",
        r"后果自负|后果(?:很|会很)?严重|后果·{0,4}负责|不知道·{0,2}会(?:发生|出)什么",
        r"难保·{0,2}会(?:发生|出)什么|什么(?:事|事情)都做得出|做出·{0,2}极端",
        lead("不知道|不晓得", "·{0,4}会(?:做出|搞出)"),
        r"别逼我|不要逼我|逼急了|狗急跳墙|兔子急了|采取(?:别的|其他|极端|非常)的?(?:办法|手段|措施)",
        r"闹大|找·{0,4}(?:媒体|记者|电视台|报社)|发抖音|网上曝光|发到网上|耐心是有限|爆发|曝光",
        r"迟早要出事|做傻事|干傻事",
    ),
)

# --------------------------------------------------------------------------- weak evidence

_MEANS = (
    r"农药|敌敌畏|百草枯|老鼠药|鼠药|毒鼠强|除草剂|安眠药|安定片|毒药|绳子|麻绳|绳索|煤气|木炭"
    r"|炭盆|刀片"
)
_ARMS = (
    r"菜刀|砍刀|柴刀|尖刀|水果刀|杀猪刀|刀|斧头|斧子|锄头|铁锹|钢管|铁棍|棍子|扁担|镰刀|铁锤|榔头"
    r"|猎枪|枪|汽油|柴油|酒精|天那水|稀料|油|煤气罐|打火机|炸药|雷管|硫酸"
)
_MEANS_UNLESS = (
    r"虫|(?<!百)草|庄稼|田(?!边)|果树|菜地|检测|残留|禁|查处|合规|处方|卖|商家|质量|价格|灭鼠"
    r"|老鼠(?!药)"
    r"|晾|晒|衣|架|安全|跳绳|拔河|灶|管道|燃气公司|煤气费|换气|送气|涨价|以前"
)
_ARMS_UNLESS = (
    r"切菜|做饭|杀鱼|杀鸡|卖|五金|商店|网店|刀具|城管|管制|质量|商家|手术|刀口|加油|涨价|油价|油费|食堂|厨房"
    r"|菜市场|快递|收到|安全阀|换气|送气|煤气灶|消毒|医用|酒精灯|擦|防疫|做菜|炒菜"
)
CUES: tuple[Rule, ...] = (
    # ---- self-harm: a means, an act, a place, despair, a farewell
    cue(
        SELF,
        "means",
        *_MEANS.split("|"),
        unless=_MEANS_UNLESS,
    ),
    cue(
        SELF,
        "ready",  # a means at hand: "绳子买了", "安眠药我攒了几十颗", "百草枯我屋里还有一瓶"
        lead(
            _MEANS + "|药",
            "·{0,8}?(?:买好|买了|买到|备好|准备好|攒|存了|囤了|藏了|挂(?:在|上|好)|找好|还有一瓶"
            "|开了|开着|藏好)",
        ),
        lead("门缝|窗缝", "·{0,6}(?:封|堵|贴)"),
        lead("买好|买了|备好|准备好|攒了|攒好|弄到|攒|存了|囤了", "·{0,6}(?:" + _MEANS + ")"),
        unless=_MEANS_UNLESS + r"|降压|感冒|医生|开药|配药|药店|药房|医保|报销|治病",
    ),
    cue(
        SELF,
        "act",
        r"喝下去|就喝|喝了它|喝掉|吞下去|吃下去|跳下去|就跳|走下去|往下跳|往下看|往下一跳|一步的事",
        r"挂上去|吊上去|开煤气|一了百了|下去就|往前一步|一步就|什么都结束|一切都结束|是什么感觉",
        unless=r"酒|汤|饮料|奶|粥|啤|游泳|跳水|跳远|跳高|跳绳|蹦极|看看|楼下|跳舞",
    ),
    cue(
        SELF,
        "place",
        r"楼顶|天台|顶楼|阳台|桥上|桥边|大桥|江边|河边|湖边|塘|水库|铁轨|轨道|悬崖|房梁|高楼|铁路"
        r"|火车|大坝|窗边|窗台|栏杆|十八楼|二十楼",
        unless=r"晒|钓|乘凉|看风景|拍|游客|护栏|装修|漏水|违建|垃圾|施工|修",
    ),
    cue(
        SELF,
        "despair",
        r"活·{0,8}没·{0,3}(?:意思|味|盼头|奔头|念想)|活够|活腻|活着太累|活得太累|不想·{0,2}拖累",
        r"免得·{0,3}拖累|省得·{0,6}(?:麻烦|拖累)|拖累(?:家里|孩子|他们|大家|你们|家人)",
        r"命(?:也|都)?不值钱|没(?:什么|啥)?(?:牵挂|盼头|念想|指望|留恋)|解脱|想不通|撑不住",
        r"熬不下去|看不到(?:希望|头)|心死|这辈子就|就这样吧|了算了|死算了|不想醒",
        r"死了·{0,3}会不会(?:疼|痛)|怎么死|怎样死|死了就(?:解脱|轻松|好了)|可以休息了|家散了|家已经散了",
        r"不痛苦|永远不用醒|睡过去|扛不动|活着也是|添负担|是个负担|是累赘",
        r"累了(?!一天|一整天|半天)|对不起(?:爸妈|我爸妈|父母|家人|孩子|老婆|我妈|我爸)|太累|受罪",
        r"受够了|绝望|走投无路|没有盼头|没盼头",
        unless=r"搬砖|干活|上班|加班|走路|排队|工作|比赛",
    ),
    cue(
        SELF,
        "farewell",
        r"托付|拜托(?:你|她|他|您|政府|大家)|以后·{0,4}靠(?:你|她|他|您)|以后·{0,4}交给",
        lead(
            "交给|转给|送给|留给|过户给|过户至|过户到",
            r"了?·{0,3}(?:孙子|孙女|侄子|侄女|儿子|女儿|孩子|老婆|老公|老伴|老乡|邻居|家里|我妈"
            r"|我爸|外婆|奶奶|她|他)",
        ),
        lead(
            "存折|房产证|棺材本|积蓄|存款|家当|工具|摩托车|车子|首饰",
            "·{0,10}(?:交给|转给|送给|留给|给了|送人|送了)",
        ),
        r"密码(?:是|就是)|钥匙·{0,2}(?:放在|压在|藏在)|遗言|留了?·{0,2}(?:一段话|一封信|几句话|纸条)",
        r"下辈子|来世|别再?找我|别来找|不用·{0,2}(?:担心|挂念|惦记|管)我|不用回复|后事|身后事",
        r"寿衣|棺材本|最后一次|最后·{0,2}(?:麻烦|添)|没几天了|用不着了|了断|永别|再见了",
        r"分给了|都分给|都送人|送人了|都归(?:他|她|你)|什么都不要了|安排好了|早点安排好|受益人",
        r"谢谢·{0,8}(?:帮过我|照顾我|这几年|这些年)|用不上了|钥匙在|骑走吧|拿走吧|该去找(?:他|她)",
        lead("钱|债|账", "·{0,4}都?还清了"),
        lead("照片|聊天记录|朋友圈", "·{0,3}都?(?:删了|删掉|清空)"),
        r"写了·{0,4}(?:一封|封)·{0,2}信|写好了?·{0,4}信|长大了?·{0,3}(?:就会)?明白|为什么这么做|原谅(?:我|妈妈|爸爸)",
        r"就剩·{0,8}放不下|放心不下(?:孩子|爸妈|我妈|我爸|老人)",
        r"我走了以后|我不在了|等我走了|我走后|以后·{0,6}就靠|后面的事|以后的事|剩下的事|交代好",
        r"不会?再(?:打|来|找|麻烦|打扰|反映|投诉)(?:了|你们)|谢谢你们·{0,6}(?:这些年|一直|听我)",
        lead("去|早点", "陪·{0,3}(?:老伴|我妈|我爸|孩子|儿子|女儿)"),
        r"本人走后|此后·{0,4}不再|不再(?:烦扰|打扰|麻烦)·{0,2}(?:各位|组织|领导|你们)",
        unless=r"搬家|毕业|离职|辞职|调动|出差|旅游|回老家|感谢|满意|已经解决|公证|遗嘱|继承",
    ),
    cue(
        SELF,
        "entrust",  # handing over the people one cares for: "以后孩子就拜托她了"
        lead(
            "以后",
            "·{0,4}(?:爸妈|孩子|娃|老人|我妈|我爸|父母|老婆|家里)·{0,3}(?:就)?(?:交给|拜托|靠|托付)",
        ),
        lead("托付给|拜托你|拜托他|拜托她", "·{0,6}(?:照顾|养|管|带)"),
        lead("交给", "(?:他|她|你|你们)·{0,2}照顾"),
        lead("孩子|娃|爸妈|父母|老人|女儿|儿子|老伴", "·{0,4}托付给"),
        lead("麻烦", "(?:你|他|她|您)·{0,2}照顾"),
        unless=r"出国|打工|出差|工作|上学|读书|搬|调|住院|手术|培训|外地",
    ),
    cue(
        SELF,
        "resolve",  # the mind is made up: "别劝我了，我心意已决"
        r"心意已决|别劝我|谁也别劝|不要劝我|谁也拦不住|谁也别拦|主意已定|想清楚了|想通了|下定决心",
        unless=r"解决|满意|谢谢|感谢|放弃上访|不告了|撤诉",
    ),
    cue(SELF, "refuse", r"不吃不喝|几天没吃|没吃东西|不想吃|不去医院|不治了|不吃药|不肯吃"),
    cue(SELF, "rejoin", r"去陪|该去找|去找(?:他|她)了|随(?:他|她)去"),
    cue(SELF, "bereaved", r"遗像|遗照|去世|过世|走了以后|不在了|死了|病死"),
    # ---- violence: a weapon or fuel at hand, an aim, a veiled threat, watching the target
    cue(
        VIOLENCE,
        "armed",
        lead(
            _ARMS,
            "·{0,6}?(?:磨好|磨快|磨利|磨了|带在(?:身上|包里|车上)|带上了|揣着|揣在|别在|藏在|放在门"
            "|灌了|灌好|买好|准备好|备好|带好|放在(?:他|她)|全打开|全部打开|开了刃)",
        ),
        lead(
            "磨好|磨快|磨了|买了|准备好|备好|带上|揣上|灌了|灌好|开了刃|开刃",
            "·{0,6}(?:" + _ARMS + "|气枪|液化气|天然气)",
        ),
        lead("液化气|天然气|煤气", "·{0,4}(?:全|都)?(?:打开|开着)"),
        unless=_ARMS_UNLESS,
    ),
    cue(
        VIOLENCE,
        "aim",
        r"等他|就等|在这里等|堵他|守着他|找他|去他(?:家|屋)|上门|谁也别想走|别怪我|他要是|他再",
        r"敢再|要敢|不然|否则|不露面|不结账|不给钱|不还钱|今天·{0,2}不",
    ),
    cue(
        VIOLENCE,
        "veiled",
        r"走着瞧|等着瞧|说到做到|怎么收场|你们负责|你们自己负责|看他还能|别想·{0,2}(?:站着|好过)",
        r"算总账|厉害|拼了|坐牢|迟早要还|记着|记住|不会就这么算了|没完|心里清楚|心里有数|不会再忍",
        r"忍不了了|不忍了|别想活着|今晚我就|我就点|说了算",
    ),
    cue(
        VIOLENCE,
        "stalk",
        lead(
            "知道|摸清|打听|清楚|盯",
            "·{0,10}(?:住哪|住在|老家|在哪|几栋|几楼|几点|哪个小区|行踪|上下班)",
        ),
        r"在他(?:家|屋)·{0,3}(?:后|前|门口|附近)·{0,2}转|跟(?:了|踪)(?:他|她)",
        lead("他|她", "住的(?:小区|地方|楼)"),
        r"在哪个(?:学校|单位)·{0,6}(?:清楚|知道)|门儿清|一清二楚|蹲守|蹲点",
        lead("蹲了", "·{0,4}(?:天|礼拜|星期|晚上|个月)"),
        lead("几点", "·{0,10}几点"),
        lead("地址|住址", "·{0,12}发(?:到|给)"),
    ),
    # ---- group action: a crowd, a disruptive act, a plan or an ultimatum
    cue(
        GROUP,
        "crowd",
        TEN_PLUS,
        WHOLE,
        r"所有人|几十个|几百|上百|上千|兄弟们|工友们|老乡们|乡亲们|家长们|村民们|业主们",
        r"村里的人|组里的人|屋场里的人|厂里的人|全部人",
        before=NUMERALS_BEFORE,
    ),
    cue(
        GROUP,
        "disrupt",
        r"堵|拦|挡住|围住|坐着|跪|静坐|不开工|不上班|不上工|停工|停运|罢|横幅|挖断|不让|不走|不散",
        r"不回来|一直坐|躺在|睡在|拉到·{0,6}门口|抬着|过不去|停在·{0,4}(?:国道|路|门口|马路)",
        r"挂到·{0,6}门口|白布|写上字|不出工|不出车|歇工",
        unless=r"堵车|堵塞|红绿灯|缺口|防洪|堵漏|排队|座位|坐车|坐高铁|坐火车|坐飞机",
    ),
    cue(GROUP, "plan", *_PLAN),
    cue(
        GROUP,
        "demand",
        r"不给·{0,4}就|不解决就|不发·{0,3}就|直到|为止|看他们·{0,4}(?:管不管|怎么)|要个说法|讨说法",
        r"不到位就|一天不·{0,6}一天不|不答应就|不结清",
    ),
)

# Weak evidence that together is a signal. Order matters only for the reason's wording.
COMBOS: tuple[Combo, ...] = (
    Combo(SELF, "critical", "备好轻生手段", ("ready",)),
    Combo(SELF, "critical", "流露轻生打算", ("act", "means|place"), window=60),
    Combo(SELF, "critical", "心意已决并提到轻生手段或地点", ("resolve", "means|place|act")),
    Combo(SELF, "high", "流露轻生之意", ("means|place", "despair|farewell"), window=80),
    Combo(SELF, "high", "心意已决并流露诀别之意", ("resolve", "despair|farewell|entrust")),
    Combo(SELF, "high", "多处流露诀别或绝望之意", ("farewell", "despair")),
    Combo(SELF, "high", "多处流露诀别之意", ("farewell", "farewell")),
    Combo(SELF, "high", "托付亲人，疑似诀别", ("entrust",)),
    Combo(SELF, "high", "流露绝望并拒绝进食或治疗", ("refuse", "despair")),
    Combo(SELF, "high", "流露随逝去亲人而去之意", ("rejoin", "bereaved")),
    Combo(VIOLENCE, "critical", "备好凶器或引火物并针对他人", ("armed", "aim|veiled|stalk")),
    Combo(VIOLENCE, "high", "备好凶器或引火物", ("armed",)),
    Combo(VIOLENCE, "high", "盯上对方并流露报复之意", ("stalk", "veiled|aim")),
    Combo(VIOLENCE, "high", "跟踪、摸清对方行踪", ("stalk", "stalk")),
    Combo(VIOLENCE, "high", "多处流露报复或威胁之意", ("veiled", "veiled")),
    Combo(GROUP, "high", "多人相约采取堵路、静坐等行动", ("disrupt", "crowd", "plan|demand"), 80),
)
