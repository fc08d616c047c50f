"""Invented grievance texts for demos, seeding and tests (stdlib only, deterministic).

Names, numbers, companies and incidents all come from the hand-written templates in
``_SPEC``: ``@<code> <risk> [R:slot] [T:slot] [E:group] [G:f|m] | <title>`` starts a
template (R: respondent, T: third party, E: escalation group, G: the applicant's gender;
the applicant is the ``me`` slot) and its ``> ...`` lines are concatenated into the
description. ``{slot}``s are drawn lazily from ``_SLOTS``, consistently within one text.
"""

from __future__ import annotations

import datetime
import random
import re
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DemoParty:
    role: str  # "applicant" | "respondent" | "third_party"
    name: str
    phone: str | None


@dataclass(frozen=True)
class DemoText:
    title: str
    description: str
    parties: list[DemoParty]
    risk_hint: str  # "low" | "normal" | "high" | "critical"


# --------------------------------------------------------------------------- names, phones


def _w(text: str) -> list[str]:
    return text.split()


_SURNAMES = _w(
    "李 李 李 陈 陈 陈 刘 刘 黄 黄 曹 曹 邓 邓 罗 罗 何 何 王 王 张 张 周 吴 谭 雷 廖 侯 "
    "首 欧阳 唐 蒋 彭 肖 曾 谢 邱 段 黎 朱 胡 郭 徐 杨 袁 胡 欧 范 龙 尹 夏 钟"
)
# Given-name characters by gender: (first of two, second of two or single).
_GIVEN = {
    "m": (
        _w("建 国 志 立 永 德 海 文 宏 家 俊 振 长 水 明 伟 冬 春 新 金 小 子 晓 耀"),
        _w("华 平 军 强 勇 兵 峰 辉 林 生 成 杰 涛 斌 刚 清 亮 宇 轩 明 文 龙 祥"),
    ),
    "f": (
        _w("美 玉 桂 秀 爱 丽 红 春 秋 晓 雨 佳 思 冬 雪 小 金 海 慧 静"),
        _w("英 兰 芳 梅 珍 娟 霞 艳 萍 燕 琴 婷 敏 凤 莲 云 欣 怡 涵 华 丽"),
    ),
}
_MOBILE_PREFIXES = _w(
    "130 131 132 133 134 135 136 137 138 139 147 150 151 152 153 155 156 157 158 159 "
    "166 172 173 175 176 177 178 180 181 182 183 184 185 186 187 188 189 191 195 198 199"
)


def _given(rng: random.Random, gender: str | None = None) -> str:
    firsts, seconds = _GIVEN[gender or rng.choice("mf")]
    if rng.random() < 0.25:
        return rng.choice(seconds)
    first = rng.choice(firsts)
    return first + rng.choice([g for g in seconds if g != first])


def _surname(name: str) -> str:
    return name[:2] if name.startswith("欧阳") else name[0]


def random_name(rng: random.Random) -> str:
    """A plausible (invented) Chinese full name, weighted towards surnames common in 郴州."""
    return rng.choice(_SURNAMES) + _given(rng)


def random_mobile(rng: random.Random) -> str:
    """An 11-digit mainland mobile number matching ``^1[3-9]\\d{9}$``."""
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


# --------------------------------------------------------------------------- helpers

_DIGITS = "零一二三四五六七八九"


def _cn(n: int) -> str:
    """Chinese numeral for counts 1..99 (两 for 2)."""
    if n == 2:
        return "两"
    if n < 10:
        return _DIGITS[n]
    tens, unit = divmod(n, 10)
    head = "" if tens == 1 else _DIGITS[tens]
    return head + "十" + (_DIGITS[unit] if unit else "")


def _month_phrase(when: datetime.date, k: int) -> str:
    """'上个月', '今年3月', '去年11月' or '2021年5月' for k months before ``when``."""
    if k == 1:
        return "上个月"
    y, m = when.year, when.month - k
    while m <= 0:
        m += 12
        y -= 1
    if y == when.year:
        return f"今年{m}月"
    if y == when.year - 1:
        return f"去年{m}月"
    return f"{y}年{m}月"


_PLACE_PART = re.compile(r".+?(?:自治县|街道|社区|居委会|省|市|区|县|镇|乡|村|组)")


def _place_parts(place: str) -> list[str]:
    parts = _PLACE_PART.findall(place)
    rest = place[sum(map(len, parts)) :]
    return [*parts, rest] if rest else parts or [place]


class _Ctx(dict[str, str]):
    """Slot values for one text; missing slots are generated on first use and cached."""

    def __init__(self, rng: random.Random, place: str, when: datetime.date) -> None:
        super().__init__()
        self.rng = rng
        self.when = when
        self.names: set[str] = set()
        self.gender: str | None = None  # the applicant's, if the template needs one
        self.ints: dict[str, int] = {}
        parts = _place_parts(place)
        loc = parts[-1]
        town = next((p for p in reversed(parts) if p.endswith(("镇", "乡", "街道"))), loc)
        county = next((p for p in parts if p.endswith(("区", "县")) and p != loc), "县")
        self.update(place=place, loc=loc, town=town, county=county, gov=county + "政府")
        self["folk"] = "居民" if loc.endswith(("社区", "居委会", "街道", "区")) else "村民"

    def __missing__(self, key: str) -> str:
        value = _SLOTS[key](self)
        self[key] = value
        return value

    def fill(self, text: str) -> str:
        return text.format_map(self)

    def person(self, surname: str | None = None, gender: str | None = None) -> str:
        while True:
            name = (surname or self.rng.choice(_SURNAMES)) + _given(self.rng, gender)
            if name not in self.names:
                self.names.add(name)
                return name

    def other(self, key: str, pool: list[str]) -> str:
        """A pool value different from the already chosen ``key`` slot."""
        taken = self[key]
        return self.rng.choice([p for p in pool if p != taken])


_Slot = Callable[[_Ctx], str]


def _pick(words: str) -> _Slot:
    pool = _w(words)
    return lambda c: c.rng.choice(pool)


def _fmt_pick(*options: str) -> _Slot:
    return lambda c: c.fill(c.rng.choice(options))


def _num(lo: int, hi: int, step: int = 1, *, cn: bool = False) -> _Slot:
    def gen(c: _Ctx) -> str:
        n = c.rng.randrange(lo, hi + 1, step)
        return _cn(n) if cn else str(n)

    return gen


def _money(lo: int, hi: int, step: int, key: str = "") -> _Slot:
    def gen(c: _Ctx) -> str:
        v = c.rng.randrange(lo, hi + 1, step)
        if key:
            c.ints[key] = v
        if v >= 10000 and v % 1000 == 0 and c.rng.random() < 0.5:
            return f"{v / 10000:g}万"
        return str(v)

    return gen


def _brand(*kinds: str) -> _Slot:
    return lambda c: c.rng.choice(_BRANDS) + c.rng.choice(kinds)


_BRANDS = _w(
    "恒达 鑫源 湘南 福城 林邑 兴旺 宏发 金盛 天成 昌盛 顺达 永泰 华晟 瑞丰 锦程 裕隆 "
    "广源 众鑫 汇通 新科 丰泽 鸿运 明珠 盛世 郴南 南岭"
)
_SPOTS = _w("村口 后山 老祠堂旁边 大塘边 小学对面 村部附近 桥头 菜市场旁边 公路边 晒谷坪 老樟树下")
_GROUPS = [f"{n}组" for n in range(1, 13)]


# --------------------------------------------------------------------------- time & season


def _start(c: _Ctx) -> str:
    k = c.rng.randint(2, 11)
    c.ints["k_months"] = k
    return _month_phrase(c.when, k) + c.rng.choice(["", "初", "中旬", "底", "份"])


def _dur(c: _Ctx) -> str:
    c["start"]
    k = c.ints["k_months"]
    return c.rng.choice(["{}个月", "{}个多月", "快{}个月"]).format(_cn(k))


def _recent(c: _Ctx) -> str:
    opts = ["前几天", "上周", "上个星期", "前天", "昨天"]
    if c.when.day > 3:
        opts.append(f"这个月{c.rng.randint(1, c.when.day - 1)}号")
    return c.rng.choice(opts)


def _wage_need(c: _Ctx) -> str:
    m, d = c.when.month, c.when.day
    if m in (12, 1) or (m == 2 and d <= 10) or (m == 11 and d > 15):
        return c.rng.choice(
            ["眼看就要过年了，大家都等着这笔钱回家过年。", "春节前要是拿不到钱，这个年都没法过。"]
        )
    if m in (2, 3):
        return "年都过完了，我们连出门打工的路费都是借的。"
    if m == 8 or (m == 9 and d <= 10):
        return "孩子马上要开学了，学费还没着落。"
    if m in (6, 7):
        return "大热天在外面拼命干活，到头来一分钱拿不到。"
    return "家里老人看病、孩子读书都等着用钱。"


def _by_months(table: str) -> _Slot:
    """Seasonal text: ``table`` lines are ``<months or *>|<text>``, first match wins."""
    rows = [line.split("|") for line in table.strip().splitlines()]

    def gen(c: _Ctx) -> str:
        m = str(c.when.month)
        return next(c.fill(t) for ms, t in rows if ms == "*" or m in ms.split())

    return gen


def _total(c: _Ctx) -> str:
    c["wage"]
    t = c.ints["wage"] * (int(c["n"]) + 1)
    return f"{t / 10000:.1f}".rstrip("0").rstrip(".") + "万"


def _ranges(spec: str, make: Callable[[int, int, int], _Slot]) -> dict[str, _Slot]:
    """Parse ``name:lo-hi[/step]`` entries into slot generators."""
    out = {}
    for item in spec.split():
        name, rng_ = item.split(":")
        bounds, _, step = rng_.partition("/")
        lo, hi = bounds.split("-")
        out[name] = make(int(lo), int(hi), int(step or 1))
    return out


# --------------------------------------------------------------------------- slots

_SLOTS: dict[str, _Slot] = {
    # people
    "me": lambda c: c.person(gender=c.gender),
    "p2": lambda c: c.person(gender="m"),  # most templates refer to p2 as 他
    "p3": lambda c: c.person(),
    "pf": lambda c: c.person(gender="f"),
    "kin": lambda c: c.person(_surname(c["me"]), "m"),
    "kin2": lambda c: c.person(_surname(c["me"]), "m"),
    "grp": lambda c: c.rng.choice(_GROUPS),
    "grp2": lambda c: c.other("grp", _GROUPS),
    "spot": lambda c: c.rng.choice(_SPOTS),
    "spot2": lambda c: c.other("spot", _SPOTS),
    "village2": lambda c: c.rng.choice(_SURNAMES[:30]) + c.rng.choice(["家村", "家湾", "塘村"]),
    "rel": _pick("父亲 母亲 丈夫 妻子 儿子 哥哥"),
    # organisations
    "estate": _brand("花园", "小区", "苑", "新城", "家园", "华府", "名都", "雅苑"),
    "wy": lambda c: (
        c.rng.choice(["郴州", "郴州市"]) + _brand("物业服务有限公司", "物业管理有限公司")(c)
    ),
    "dev": lambda c: "郴州" + _brand("房地产开发有限公司", "置业有限公司")(c),
    "build": lambda c: "湖南" + _brand("建设工程有限公司", "建筑工程有限公司")(c),
    "labor": lambda c: "郴州" + _brand("建筑劳务有限公司", "劳务有限公司")(c),
    "factory": _brand(
        "铸造厂", "电子厂", "矿业有限公司", "石墨制品厂", "建材厂", "食品厂", "鞋厂", "茶业有限公司"
    ),
    "smelter": _brand("有色金属冶炼厂", "冶炼厂", "选矿厂", "铅锌冶炼厂"),
    "mine": _brand("矿业有限公司", "铅锌矿", "钨矿", "石墨矿"),
    "quarry": _brand("采石场", "石材有限公司"),
    "recycle": _pick("私人开的银料提炼作坊 废旧电瓶拆解点 废电路板回收作坊"),
    "proj": _pick("高速公路连接线 工业园扩园 高铁站片区开发 安置小区 城区道路拓宽 产业园配套道路"),
    "hq": lambda c: c["proj"] + "项目指挥部",
    "town_s": lambda c: c["town"].removesuffix("街道"),
    "proj_site": _fmt_pick("{estate}二期", "{town_s}中学新教学楼", "工业园标准厂房", "安置小区"),
    "rest": _brand("鱼粉馆", "大排档", "农家乐", "酒楼", "烧烤店", "米粉店"),
    "shop": _brand("家电城", "电器商行", "电器超市"),
    "shop2": _brand("超市", "便利店", "生鲜超市", "卤菜店"),
    "gym": _brand("健身房", "美容院", "游泳馆", "儿童培训中心"),
    "deco": _brand("装饰工程有限公司", "装饰设计有限公司"),
    "agency": lambda c: c.rng.choice(["郴州", ""]) + _brand("国际旅行社", "旅行社")(c),
    "inn": _brand("民宿", "客栈", "山庄"),
    "ktv": _brand("KTV", "酒吧", "音乐餐吧"),
    "hosp": _fmt_pick("{town}卫生院", "{county}人民医院", "{county}中医医院", "郴州{estate}医院"),
    "home": _fmt_pick("{town}敬老院", "郴州{estate}养老院"),
    "water": lambda c: c["county"] + "自来水公司",
    "funeral": lambda c: c["county"] + "殡仪馆",
    "school": _fmt_pick("{town_s}中心小学", "{loc}小学", "{town_s}中学", "{county}第三中学"),
    "farm": lambda c: c["county"] + "国有林场",
    "coop": _brand("农业专业合作社", "农业开发有限公司", "烟叶种植合作社"),
    "forest_co": _brand("林业开发有限公司", "林业专业合作社"),
    "buyer": _brand("农产品贸易有限公司", "果业有限公司", "水产有限公司"),
    "agri": _brand("农资店", "种子门市部", "农资经营部"),
    "hatch": _brand("孵化场", "禽苗孵化场"),
    # things
    "trade": _pick("木工 钢筋工 泥水工 粉刷 水电安装 架子工 小工"),
    "appliance": _pick("冰箱 空调 洗衣机 热水器 电视机"),
    "scenic": _pick("东江湖 莽山 高椅岭 仰天湖 飞天山 万华岩 苏仙岭 王仙岭 小东江"),
    "food": _pick("卤鸭 腊肉 散装米酒 熟食 卤菜 鱼丸 速冻饺子"),
    "food2": _pick("米粉 豆腐 辣椒酱 腐竹 鱼丸 糖果"),
    "surgery": _pick("阑尾炎 胆囊 疝气 髋关节置换 白内障"),
    "complication": _pick("切口感染 大出血 肠粘连 高烧不退 下肢血栓"),
    "item": _pick("CT复查、心电监护 输血、康复理疗 营养支持、雾化吸入"),
    "item2": _pick("一台电视机 一辆电动车 两袋稻谷 一台摩托车 一部手机"),
    "vehicle": _pick("小货车 渣土车 面包车 小轿车 三轮车"),
    "car": _pick("小轿车 电动车 面包车 三轮车"),
    "plate": lambda c: (
        "湘L" + c.rng.choice("ABCDEFGHJKMNPQRSTUVWXYZ") + str(c.rng.randint(1000, 9999))
    ),
    "road": _fmt_pick("107国道{town}段", "{town}到{loc}的县道", "{town}的主干道", "村口的通村公路"),
    "reason": _pick("附近采石场的大车天天跑 修高速的工程车来回走 拉矿的货车经常超载"),
    "river": _pick("郴江 耒水 舂陵江 东江 武水 西河 村前的小河"),
    "crop": _pick("水稻 烟叶 玉米 辣椒 红薯 油菜 蔬菜"),
    "crop_water": _pick("水稻 中稻 晚稻"),
    "crop_flow": _pick("烟叶 水稻 蔬菜 脐橙 辣椒"),
    "crop_hill": _pick("油茶林 茶园 杉木林 脐橙园"),
    "tree": _pick("杉木 松树 楠竹"),
    "tree2": _pick("桉树 杉树 竹子 柚子树"),
    "hill": _pick("后龙山 大岭背 松树坳 竹山冲 老虎岭 牛角坳 长冲"),
    "landtype": _pick("荒地 旱地 河滩地 水田"),
    "ore": _pick("钨矿 锡矿 铅锌矿 石墨 萤石"),
    "produce": _pick("辣椒 脐橙 茶叶 生姜 红薯 东江鱼"),
    "seed": _pick("杂交水稻 玉米 辣椒 西瓜"),
    "business": _pick("养鱼 开饭店 搞运输 包工程 种脐橙"),
    "disaster": _pick("遭了火灾，房子烧掉一半 被山洪冲了，厨房和猪栏全垮了 山体滑坡压塌了两间房"),
    "old_issue": _pick(
        "村里修路款去向不明的问题 我家宅基地被占的问题 征地补偿款没有到位的问题 "
        "我父亲的工伤待遇问题 村里山林出租收益不公开的问题"
    ),
    "proj_info": _pick("通组公路硬化项目 高标准农田建设项目 村集体光伏电站收益 危房改造补助"),
    "facility": _pick("教学楼 学生宿舍 食堂 围墙 厕所"),
    "grade": _pick("三年级 四年级 五年级 初一 初二"),
    "grade_entry": _pick("小学一年级 初一"),
    "school_stage": _pick("正在读高三 马上要中考 还不到两岁"),
    "finger": _pick("两根手指骨折 食指截掉了一节 手掌粉碎性骨折"),
    "vaccine": _pick("麻腮风 乙脑 百白破 甲肝 脊灰"),
    # numbers
    "many": _pick("十几 二十多 三十多 四十多 好几十"),
    "hh": _num(3, 8, cn=True),
    "times": _num(3, 9, cn=True),
    "year": lambda c: str(c.when.year - c.rng.randint(3, 15)),
    "year_recent": lambda c: str(c.when.year - c.rng.randint(2, 4)),
    "yrs": _num(2, 10, cn=True),
    "since_y": lambda c: _cn(c.when.year - int(c["year"])),
    "mu": _pick("1 1.5 2 2.5 3 4 5 6 8 10"),
    "bldg": lambda c: f"{c.rng.randint(1, 20)}栋",
    "floors": _pick("两 三 四"),
    "h": _pick("3 4 5 6"),
    "w": _pick("3.5 4 4.5 5"),
    "w_s": _pick("0.5 0.8 1 1.2 1.5"),
    "lease": _pick("30 50 70"),
    "tour_days": _pick("两 三"),
    # money
    "wage": _money(4000, 60000, 100, key="wage"),
    "total": _total,
    "fee_old": _pick("0.6 0.8 1.0"),
    "fee_new": lambda c: f"{float(c['fee_old']) + c.rng.choice([0.2, 0.3, 0.4, 0.5]):.1f}",
    "price_meal": _pick("8 10 12 15"),
    # time & season
    "start": _start,
    "dur": _dur,
    "lately": _pick("上个月 上个月中旬 前段时间 一个多月前"),
    "dur2": _pick("两个星期 半个多月 二十多天 一个多月 十来天"),
    "recent": _recent,
    "wage_need": _wage_need,
    "irrig_need": _by_months("""
4 5|现在正是插秧的时候，没水秧苗栽不下去。
6 7 8|正赶上双抢，这么热的天田里都晒开裂了。
9 10|晚稻正在灌浆，再没水就要减产。
*|现在虽是冬闲，可明年春耕等着用水。
"""),
    "seasonal_job": _by_months("""
3 4 5|今年春茶开采的时候，我在{loc}附近{p2}承包的茶园采茶
6 7 8 9|今年烤烟季，我在{p2}的烟叶基地帮忙摘烟、烤烟
10 11|今年摘油茶果的时候，我跟着{p2}在{loc}后山的油茶林里做事
*|入冬以后，我跟着{p2}在汝城、桂东一带的山上砍楠竹、挖冬笋
"""),
    "weather": _by_months("6 7 8 9|天这么热，\n12 1 2|天冷了要烧热水，\n*|"),
    "weather2": _by_months("6 7 8 9|天热要开窗睡觉，吵得根本睡不着。\n*|一家人都休息不好。"),
    "smell": _by_months("6 7 8 9|天一热臭得不得了\n*|老远就能闻到臭味"),
}

_SLOTS.update(
    _ranges(
        """
n:5-40 k:2-6 days:3-25 age:60-88 age_old:80-96 age_m:2-18 mu_big:50-500/10
floor:3-18 area:80-140 m2:15-80 cm:5-40 dist:30-300/10 dist_s:5-30 pigs:200-2000/50
ducks:300-3000/100 weight:2000-30000/500 chickens:3-15 pct:20-60/5 daily:180-400/10
monthly:2400-4500/100 fee:100-300/10 fee_s:80-300/10 fee_s2:150-450/10
fee_home:1800-4500/100 fee_park:20-50/5 price:1500-6500/100 price_tour:398-1680/10
room:168-498/10 card:1000-6000/100 fare:10-40/5 per_mu:28000-52000/1000
per_m2:600-1400/50 bill:600-2800/10 rent:800-2200/50 rent_mu:10-60/5 rent_mu2:300-800/50
""",
        _num,
    )
)
_SLOTS.update(
    _ranges(
        """
small:300-6000/50 small_s:100-800/20 small_m:800-2000/100 med:200-800/50
mid:8000-90000/500 mid_f:8000-30000/200 fee_grave:5000-30000/1000
""",
        _money,
    )
)


# --------------------------------------------------------------------------- templates

_SPEC = """
@0101 normal R:wy | {estate}电梯坏了{dur}，物业不修还涨价
> 我住在{place}的{estate}{bldg}{floor}楼。{start}小区电梯就坏了，到现在{dur}还没修好，
> 我家老人腿脚不方便，上下楼只能靠人背。{wy}不但不修，今年还把物业费从每平方米{fee_old}元涨到
> {fee_new}元，既没开业主大会也没公示。我们去找物业，他们说要大家先把物业费交齐才修电梯。
> 希望有关部门督促物业尽快修好电梯，并核查涨价是否合规。
@0101 normal R:wy T:dev | {estate}车库积水泡车，物业和开发商互相推诿
> 我是{place}{estate}的业主，小区地下车库一下雨就积水，{recent}下大雨，我停在车库的车被泡到了座椅，
> 修车花了{small}元。问{wy}，物业说排水设计是{dev}的问题；找开发商，开发商又说车库早就交给物业管了
> 。两边踢皮球，问题一直没人解决。我要求物业先赔偿损失，并尽快把排水系统改好。
@0101 normal R:wy | 物业因欠费停水，家中老人小孩无水可用
> 我家住{place}{estate}{bldg}。因为对物业服务不满意，我家有{k}个月的物业费没交，{recent}{wy}的人直
> 接把我家的水闸关了，到今天已经{days}天没水用。家里有{age}岁的老人和上小学的孩子，每天只能到亲戚家
> 提水。物业费的事可以坐下来谈，但停水是不对的。请求马上恢复供水。
@0101 low R:wy | 小区停车位和广告收益从不公开
> 我是{place}{estate}的业主。小区里划了{n}个地面停车位，每月收{fee}元，电梯里也贴满了广告，
> 这些公共收益都由{wy}收着，几年来从没公布过账目。我们几个业主{start}写信要求公开，物业一直不答复。
> 希望街道和住建部门督促公开公共收益的收支情况。
@0102 normal R:dev | {estate}新房墙体开裂渗水，开发商敷衍维修
> 我{year_recent}年在{dev}开发的{place}{estate}买了一套{area}平方米的房子。{start}开始卫生间和客厅
> 墙面渗水，墙上的裂缝有{cm}厘米长。前后报修了{times}次，每次只是刷一层防水涂料，下雨照样漏，
> 木地板和衣柜都泡坏了，损失大约{small}元。房子还在保修期内，请求监督开发商彻底维修并赔偿损失。
@0102 normal R:p2 | 邻居挖地基建房，我家房屋开裂
> 我家在{place}{grp}，和{p2}家是隔壁。{start}他家拆了旧房挖地基建新房，挖得很深又没做支护，
> 我家{year}年建的两层砖房墙体裂了好几条缝，后墙明显往外歪。找他说，他说跟他没关系。现在一家人晚上
> 都不敢睡在屋里。请求村里和镇里派人来鉴定，让他先停工加固，再赔偿我家的损失。
@0102 normal R:build | 安置房外墙瓷砖脱落，险些砸伤小孩
> 我们是{loc}的拆迁安置户，{year_recent}年分到{estate}的安置房，住进去没几年，外墙瓷砖就成片往下掉
> ，{recent}一大块瓷砖掉下来，差点砸到楼下玩的小孩。我们这栋楼{n}户人家都很担心。请求住建部门检查这
> 批安置房的质量，责令施工单位{build}尽快维修。
@0103 low | {loc}{spot}一带路灯坏了{dur}无人修
> 我住在{place}，{spot}到{spot2}那段路上的路灯坏了{k}盏，已经黑了{dur}。晚上下班回来骑电动车看不清
> 路，{recent}我邻居{p2}在那里摔了一跤，膝盖缝了几针。反映过几次都没人来修，希望尽快安排人维修。
@0103 normal | 学校旁下水道井盖破损，污水漫上路面
> 我是{place}的{folk}。{school}旁边那条路上有个下水道井盖{recent}被大车压碎了，现在只用一块木板盖着
> ，学生天天从这里过，非常危险。这一段下水道也堵了{dur}，一下雨污水就漫到路面上，臭气熏天。
> 请市政部门尽快更换井盖、疏通管道。
@0103 normal R:water | {loc}经常停水、水压低
> 我们{place}{grp}一带{start}起自来水经常停，一停就是一两天，平时水压也很低，住高一点的基本接不到水
> 。{water}说是管网老化要改造，但到现在也没有动工。{weather}家里老人小孩用水很不方便，
> 希望给个明确的改造时间，停水前也提前通知。
@0104 normal R:hq E:demolish | 征地补偿标准偏低，与邻村差距大
> {start}{proj}项目征收我们{place}{grp}的土地，我家被征了{mu}亩水田和一栋{floors}层的砖混房。
> 给的补偿是水田每亩{per_mu}元，房子每平方米{per_m2}元，和隔壁村同一个项目差了一大截。我们去问，
> {hq}只说标准是上面定的，一直拿不出文件。希望公开补偿标准和测量结果，按政策足额补偿。
@0104 normal R:hq E:relocate | 房屋拆了{since_y}年，安置房未交付、过渡费停发
> 我家原来住在{place}，{year}年房子被拆了，当时签协议说两年内交安置房。现在已经过去{since_y}年，
> 安置房还没交付，每月{rent}元的过渡费也从{start}开始停发了。我们一家{hh}口人一直在外面租房子住。
> 请求尽快交房，补发过渡费。
@0104 normal R:hq E:demolish | 征拆测量漏算附属房，被要求限期签字
> 我是{place}{grp}的{folk}。{recent}征拆工作人员来丈量我家房子，偏屋和杂屋共{m2}平方米都没算进去，
> 说是违建，可那是{year}年就建好的，比这次规划早得多。他们还说月底前不签字就按评估价走程序。
> 我不是不支持{proj}建设，只希望实事求是重新测量，按实际面积补偿。
@0105 normal R:p2 | 顶楼住户私自加盖彩钢房
> 我住{place}{estate}{bldg}的顶层下面一层。楼上{p2}家{start}在楼顶私自加盖了一层彩钢房，
> 大约{m2}平方米，还堆了很多砖和水泥。现在我家天花板开始漏水，也担心楼板承重出问题。跟他说他不理，
> 物业也说管不了。请求城管部门依法拆除。
@0105 normal R:p2 E:threat | 村民沿村道建围墙，占路影响出行
> {place}{spot}的{p2}{start}开始沿着村道建围墙和杂屋，把原来{w}米宽的路占了一半，现在三轮车、
> 农用车都过不去，我们{grp}十几户人家出行受影响，救护车也开不进来。村里说管不了，请镇里来人依法处理
> 。
@0105 low R:shop | 商户铲绿化带搭铁皮棚，堵了消防通道
> 我是{place}{estate}的住户。小区门口的{shop}把绿化带铲了，搭了个铁皮棚当仓库，已经搭了{dur}，
> 消防通道被堵了一半。跟物业说过，物业说商户不归他们管。请相关部门查处，恢复绿化。
@0201 normal R:labor R:p2 E:wage | {proj_site}工地包工头拖欠工资
> 我和{n}个老乡{start}开始在{place}附近的{proj_site}工地做{trade}，包工头{p2}说好每天{daily}元，
> 做完一起结。现在活做完了，{labor}说工程款已经拨给{p2}，{p2}说公司没给他，两边推，我一个人就被欠了
> {wage}元，大家加起来有{total}元。{wage_need}希望劳动监察部门帮我们讨回工资。
@0201 normal R:factory T:p2 E:wage | {factory}拖欠工资{dur}
> 我是{place}的{folk}，在{factory}上班{yrs}年了。{start}开始厂里说效益不好，工资一直拖着不发，
> 到现在已经{dur}没发，欠我{wage}元。厂里还有{many}个工人情况跟我一样，老板{p2}电话也不接了。
> {wage_need}请求帮我们追回欠薪。
@0201 normal R:p2 | 饭店老板拖欠服务员工资
> 我{start}到{town}的{rest}做服务员，说好月工资{monthly}元，做了{k}个月，老板{p2}只给了一个月的钱，
> 剩下的{wage}元说等年底再结。我现在已经辞工回{loc}了，多次上门要钱都被推脱，还说我打碎了碗要扣钱。
> 请帮我把工资要回来。
@0201 normal R:p2 E:wage | 季节性零工工钱被拖欠
> {seasonal_job}，一共做了{days}天，每天{daily}元，说好做完就结账，结果到现在{wage}元工钱还拖着没给
> 。一起做工的还有{n}个人，多数是{loc}六七十岁的老人。老板{p2}每次都说等货款回来再说。
> 请帮我们把工钱要回来。
@0202 normal R:factory | 公司未足额缴纳社保
> 我在{factory}做了{yrs}年，入职时签了合同，说好给员工买社保。{recent}我去{county}社保局打印缴费记
> 录，才发现公司只给我交了{k}个月，其余时间都没交。找人事问，他们说是我自己同意不买的，
> 可我从来没签过这种东西。我家住{place}，请求责令公司按实际工作时间补缴社保。
@0202 normal | 母亲到龄未领到城乡居民养老金
> 我母亲今年{age}岁，是{place}人，{year}年起一直在村里交城乡居民养老保险，按说早就该领养老金了，
> 可到现在一直没到账。我们去{town}社保所问了{times}次，都说信息比对不上，让我们等。老人就指望这点钱
> ，请帮忙查一下到底卡在哪里。
@0202 low | 异地住院医保报销比例低
> 我是{place}的{folk}，我爱人{start}在外地打工时住院做手术，花了{mid}元。出院结算时才知道没有办理异
> 地就医备案，医保只报了一小部分。我们每年都按时交了城乡居民医保，想问一下现在补办备案还能不能按规
> 定报销，应该找哪个部门。
@0203 normal R:factory E:broke | 上班被机器压伤，厂里不肯申报工伤
> 我是{place}的{folk}，在{factory}上班。{start}在车间操作时右手被机器压伤，{finger}，
> 住院{days}天花了{mid}元。厂里垫了一部分医药费后就不管了，说我没按规定操作，不肯申报工伤，
> 也一直没给我买工伤保险。现在手干不了重活，一家人生活都成问题。请求帮我认定工伤并依法赔偿。
@0203 normal R:mine T:p2 E:broke G:f | 丈夫在矿井下受伤，矿方推卸责任
> 我丈夫{p2}在{mine}井下干活，{start}被井下掉落的石块砸伤了腰，到现在还躺在床上不能动。
> 矿上只给了{small}元就不管了，说他是包工头带来的人，不归矿上管。我们家在{place}，两个孩子还在读书
> ，请求查清用工关系，落实工伤待遇。
@0203 normal R:p2 R:build E:broke | 工地摔伤骨折，包工头和总包互相推
> 我{start}在{loc}附近的{proj_site}工地上帮{p2}的施工队砌墙，从{h}米高的脚手架上摔下来，左腿骨折，
> 前后花了{mid}元。{p2}说他只承包了一部分活，让我找总包{build}，{build}又说不认识我。
> 医生说至少要休息半年，请帮我主持公道。
@0301 low R:school | 学校收资料费校服费不开收据
> 我孩子在{school}读{grade}，{recent}学校让每个学生交{fee_s}元资料费和{fee_s2}元校服费，
> 没有开收据，也没说明用途。我们是{place}的{folk}，家里条件一般。听说上面有规定不能乱收费，
> 想问一下这样收是否合规，不合规的请退还。
@0301 normal R:school | 孩子入学被划到{k}公里外的学校
> 我们一家{year}年搬到{place}，买了房，户口也迁了过来。今年孩子上{grade_entry}，{school}说我们不在
> 划片范围内，要去{k}公里外的学校读，同一个小区的其他孩子却能进。标准不统一，孩子每天接送也很困难。
> 请求教育部门核实入学划片情况。
@0301 normal R:school | 学校食堂饭菜量少价高
> 我是{place}的家长，孩子在{school}寄宿。学校食堂{start}换了承包人以后，一份{price_meal}元的饭经常
> 只有一点青菜和几片肥肉，孩子回家总说吃不饱。家长们向学校提意见，学校说是合同定好的。
> 希望教育部门检查一下学校食堂的价格和质量。
@0302 normal R:school T:p2 | 孩子在校被同学欺负
> 我儿子在{school}读{grade}，{start}开始被班上几个同学欺负，要零花钱、推搡，{recent}还被打得脸上青
> 了一块。我找过班主任{p2}，说批评教育过了，可之后还是发生。孩子现在不敢去上学。我们家在{place}，
> 请求学校严肃处理，保障孩子安全。
@0302 normal | 校门口车多车快，缺少减速带斑马线
> {school}校门口就是{road}，放学时运矿渣的大货车和渣土车开得很快，没有减速带也没有斑马线，
> {recent}还有个学生差点被撞。我是{loc}的家长，每天接送都提心吊胆。请交警部门和学校在上下学时段安排
> 人员值守，增设减速带和斑马线。
@0302 normal R:school | 学校{facility}墙体开裂，护栏松动
> 我孩子在{place}的{school}读书。学校的{facility}墙体开裂，楼道护栏也松了，家长们已经反映了{dur}，
> 学校说要等上面拨钱才能修。孩子们每天在那里活动，出了事谁负责？请尽快排查整改。
@0303 low | {loc}篮球场年久失修
> 我们{place}{spot}的篮球场是{year}年建的，现在篮球架锈得快倒了，地面坑坑洼洼，晚上也没有灯。
> 村里的年轻人和孩子想打球都没地方去。希望能帮忙维修，或者帮我们申请新的体育器材。
@0303 normal | 健身器材损坏，老人锻炼摔伤
> 我是{place}{estate}的住户。小区里的健身器材坏了{k}件，{recent}一个老人在扭腰器上摔了一跤。
> 器材上写着是{year}年体育部门配建的，物业说不归他们管，找谁都推。请相关部门尽快来维修，
> 修不了就拆掉，免得再伤人。
@0303 low | 综合文化站常年锁门不开放
> 我是{place}的{folk}，{town}的综合文化站平时大门紧锁，里面的图书室和活动室基本不开放，我们想借书、
> 排练伴嫁歌和花鼓戏都进不去。听说文化站每年都有运行经费，希望能按规定时间开放。
@0401 normal R:shop | 新买{appliance}不到一个月就坏，商家拒绝退换
> 我是{place}的{folk}，{lately}在{town}的{shop}买了一台{appliance}，花了{price}元，用了不到{days}天
> 就坏了。去店里要求退换，店里说要寄回厂家检测，等了{dur2}也没有结果。我要求按三包规定退货或者换新
> 。
@0401 normal R:gym T:p2 | {gym}收了预付费后关门跑路
> 我{start}在{place}附近的{gym}办了一张{card}元的会员卡，才用了几次，{recent}店就突然关门了，
> 老板{p2}电话也打不通。跟我一样办了卡的有{many}人，有的老人一次充了上万元。希望市场监管部门帮忙追
> 回预付款。
@0401 normal R:deco | 装修公司拖延工期还要求加钱
> 我在{place}有一套房子，{start}跟{deco}签了装修合同，总价{mid}元，已经付了{pct}%。现在工期拖了{k}
> 个月，瓷砖铺得不平、墙面起皮，公司还要求追加{small}元才肯继续干。希望帮忙调解，让他们按合同完工或
> 者退还多收的钱。
@0402 normal R:agency | 旅行社“纯玩团”强制购物
> 我们一家{hh}口是{place}的，{lately}报了{agency}的{scenic}{tour_days}日游，每人{price_tour}元，
> 合同写明纯玩不进购物店，结果导游带我们进了三个购物点，不买东西就甩脸色，原定的景点还少去了一个。
> 要求旅行社按合同赔偿。
@0402 normal R:inn | 景区民宿与宣传不符，拒绝退款
> 我是{place}的{folk}，{recent}带家人去{scenic}玩，在景区附近的{inn}订了两晚房。网上的图片和实际差
> 太远，房间潮湿有霉味，晚上也没有热水。我要求退一晚的房费{room}元，老板不同意还骂人。
> 希望旅游和市场监管部门处理。
@0402 normal | {scenic}周边乱收停车费、拉客宰客
> 我们{place}几户人家{recent}自驾去{scenic}，景区门口的停车场收{fee_park}元一次，没有明码标价也不给
> 票。还有人拉客说走小路便宜，结果被带到一家私人农家乐吃饭，{k}个菜收了{bill}元。希望整治景区周边
> 乱收费和拉客宰客的现象。
@0403 normal R:shop2 | 买到问题{food}，全家吃后上吐下泻
> 我是{place}的{folk}，{recent}在{town}的{shop2}买了{food}，回家吃了以后全家{hh}个人上吐下泻，
> 去{hosp}看病花了{small}元。后来发现包装上的生产日期有涂改痕迹。要求商家赔偿，也请市场监管部门查处
> 。
@0403 normal R:p3 T:p2 | 农村办酒多人食物中毒
> {recent}我们{place}{grp}的{p2}家办喜酒，请了流动厨师{p3}的团队掌勺，吃完当晚有{many}个人拉肚子发
> 烧，有几个老人还住了院，我家也有两个人中招。希望卫生和市场监管部门查一查原因，也请规范农村办酒的
> 流动厨师。
@0403 normal | 无证小作坊卫生差，产品卖给学校周边
> 我们{place}{spot}有一家无证的小作坊，专门做{food2}，卫生条件很差，污水直接流进沟里，老鼠乱窜，
> 做好的东西卖给附近学校门口的小卖部。我担心孩子们吃出问题，请相关部门尽快查处。
@0501 normal R:smelter E:village | {smelter}夜间偷排废气废水
> 我们{place}附近的{smelter}{start}开始晚上偷偷排放废气，一股刺鼻的硫磺味，很多人喉咙痛、咳嗽。
> 厂里的废水流进{river}，下游田里的{crop}长得明显不如往年，有几户的秧苗都黄了。请求环保部门晚上来突
> 击检查，检测水和土壤，给我们一个说法。
@0501 normal R:p2 E:village | 养猪场粪水直排
> {place}{spot}的{p2}办了一个养猪场，存栏{pigs}头，猪粪水直接排到旁边的水塘和田里，离我们住的地方不
> 到{dist}米，{smell}。我们多次跟他说都没用，村里也调解过一次。请环保部门依法处理，让他建好污水处理
> 设施。
@0501 normal E:village | 私人作坊焚烧废料提炼金属
> 我们{place}{spot}有一家{recycle}，{start}开始从外地拉来废料焚烧提炼，烧的时候黑烟滚滚，
> 附近{hh}户人家不敢开窗，晒的衣服都是黑的，孩子经常咳嗽。我们担心重金属污染，请求查处，
> 并检测周边的土壤和井水。
@0502 normal R:ktv | 楼下{ktv}每晚唱到凌晨
> 我住在{place}{estate}，楼下新开的{ktv}每天晚上唱到凌晨两三点，低音炮震得窗户都响，已经持续{dur}了
> 。我家孩子{school_stage}，晚上根本睡不好。打过几次110，来了就小声一点，走了又照旧。请求依法查处。
@0502 normal R:build | 工地夜间施工噪音扰民
> 我家在{place}{spot}附近，{proj_site}工地{recent}开始连续晚上施工，打桩机、混凝土车一直弄到半夜，
> 也没看到夜间施工许可公告。附近住的大多是老人小孩，{weather2}请相关部门管一管，晚上十点后停止施工
> 。
@0502 low R:pf | 广场舞音响太大影响休息
> 我住{place}{estate}{floor}楼，正对着小区广场。每天晚上七点到十点都有人跳广场舞，音响开得很大，
> 家里老人心脏不好，晚上睡不安稳。跟领队{pf}商量过把音量调小，她不同意。希望社区出面协调一下时间
> 和音量。
@0503 normal | {loc}垃圾池{days}天无人清运
> 我们{place}{spot}的垃圾池已经{days}天没人来清运了，{smell}，苍蝇蚊子很多，还有野狗翻垃圾。
> 原来负责的保洁员{p2}听说工钱没发就不干了。请镇里尽快安排清运，把保洁的事落实好。
@0503 normal | 渣土车夜间偷倒建筑垃圾
> {recent}有几辆渣土车趁晚上把建筑垃圾倒在我们{place}{spot}的山脚下和稻田边，已经堆了好几十车，
> 把排水沟都堵了，我家{mu}亩田也被压了一角。请城管部门查一查是哪家工地倒的，责令清理并赔偿。
@0503 low | 垃圾中转站离住户太近
> 我住{place}{estate}{bldg}，楼下新设了一个垃圾中转站，离住户窗户不到{dist_s}米，每天清早压缩车作业
> 噪音大，{smell}。建议把中转站移到远离住宅的地方，或者加装除臭设施。
@0601 normal R:hosp E:broke | 父亲术后并发症，医院不肯复印病历
> 我父亲{age}岁，家住{place}，{start}在{hosp}做{surgery}手术，术后出现{complication}，
> 后来转到市里的医院又住了{days}天，前后花了{mid}元。我们认为医院有过错，医院说是正常并发症，
> 病历也不肯全部给我们复印。请求先封存病历，依法调解。
@0601 normal R:p2 | 村卫生室乱打吊针延误孩子病情
> 我{recent}带孩子去{loc}卫生室看发烧，医生{p2}连续给打了{k}天吊针，孩子越来越严重，后来到{hosp}检
> 查才知道是肺炎，耽误了治疗。我想知道村卫生室这样乱打吊针有没有人管，也要求退还费用。
@0601 normal R:hosp | 住院费用清单多收费
> 我母亲在{hosp}住院{days}天，我们是{place}的{folk}。出院清单上有很多项目根本没做过，比如{item}，
> 单这几项就多收了{small}元。去问医院，他们说是系统问题会处理，但一直没退。请求卫健部门核查。
@0602 normal | 废弃水塘蚊虫滋生，多人发烧
> 我们{place}{spot}有个废弃的水塘，里面全是死水和垃圾，蚊子特别多，{recent}{grp}已经有{k}个人发烧去
> 看病。希望卫生部门来消杀，村里也把水塘清理一下，免得传染病蔓延。
@0602 low | 卫生院疫苗缺货，孩子接种超期
> 我孩子{age_m}个月大，我们家在{place}，按时间应该打{vaccine}疫苗了，{town}卫生院说疫苗没货已经
> {dur2}了，让我们等通知。孩子再等就超时间了，请问什么时候有货，或者能不能去别的接种点打。
@0602 normal | 山泉自来水发黄有异味
> 我们{place}{grp}吃的是从山上引下来的自来水，{recent}开始水发黄、有异味，好多人喝了肚子不舒服。
> 上游{spot}那边在挖山修路，担心水源被污染。希望尽快检测水质，查明原因。
@0701 normal R:p2 E:broke | 被{vehicle}撞伤，肇事司机不管后续医疗费
> {start}我骑电动车在{road}正常行驶，被一辆车牌为{plate}的{vehicle}从后面撞倒，右腿骨折，
> 住院花了{mid}元。交警认定对方负全责，可司机{p2}只垫付了{small}元就不接电话了，保险公司说要等对方
> 来办理。我家在{place}，请求帮忙协调赔偿。
@0701 low R:p2 | 停放车辆被撞，对方不认账
> 我的{car}停在{place}{spot}，{recent}被{p2}开车倒车时撞坏了，修理厂报价{small}元。当时他承认是自己
> 撞的，说第二天来处理，之后就不认账了。旁边商店有监控，希望帮忙调取处理。
@0701 normal R:mine E:broke | 家人被运矿车撞成重伤，矿方不愿赔偿
> {start}我{rel}在{road}上被{mine}的运矿车撞了，人到现在还在重症监护室，已经花了{mid}元。
> 司机被交警扣了，但矿上说车是挂靠的，不愿意出钱。我们是{place}的{folk}，家里实在拿不出钱了，
> 请求尽快处理赔偿。
@0702 normal | {loc}到{town}的班车停运
> 我们{place}到{town}的班车{start}停运了，现在出门只能坐摩的，单程要{fare}元，村里老人看病、
> 孩子上学都很不方便。希望交通部门恢复班线，或者开通城乡公交。
@0702 normal | 通村水泥路被重车压坏
> {place}通往{town}的那条水泥路，因为{reason}，路面被压得坑坑洼洼，有的坑有{cm}厘米深，
> 下雨天全是泥水，{recent}还有摩托车在这里翻了。我们每天都要走这条路，希望尽快修补，并限制超重车辆
> 通行。
@0702 normal | 过河石板桥被冲垮，村民绕行{k}公里
> 我们{place}{spot}那座过河的石板桥{start}被大水冲垮了一半，现在{grp}的人下田、孩子上学都要绕{k}公
> 里的路，临时搭的木板很不安全。希望能尽快修复，或者建一座新桥。
@0801 high R:p2 G:f | 遭丈夫家暴，请求人身安全保护令
> 我和丈夫{p2}结婚{yrs}年，他{start}开始经常喝酒后打我，{recent}又把我打得住了院。我提出离婚，
> 他说离婚就要对我娘家人不客气。我现在带着孩子住在{place}娘家，请求帮我申请人身安全保护令，
> 也想咨询离婚的手续。
@0801 normal R:kin R:kin2 | 两个儿子互相推诿，不尽赡养义务
> 我今年{age}岁，住在{place}{grp}，老伴前几年走了。大儿子{kin}、小儿子{kin2}都在外面打工，
> 为了谁出赡养费吵了{dur}，现在谁都不管我。我身体不好，每月吃药就要{med}元，只能靠一点养老金过日子
> 。请村里和司法所帮我调解，让他们按月给赡养费。
@0801 normal R:pf G:m | 离婚后对方阻挠探视孩子
> 我和前妻{pf}{year}年在{county}法院协议离婚，孩子跟她生活，我每月给{small_m}元抚养费，一直按时给。
> 可她{start}开始就不让我见孩子，电话也拉黑了。我现在在{place}，希望有人出面调解，让我能正常探视孩
> 子。
@0802 normal R:p2 E:threat | 邻居排水倒灌我家厨房
> 我家和{p2}家是{place}{grp}的邻居。{start}他家把屋檐水和洗衣水都改到我家这边的排水沟排，
> 沟本来就小，一下大雨就倒灌进我家厨房。跟他说了好几次，他反而骂我多管闲事。请村调解委员会来现场看
> 一下，帮我们调解。
@0802 low R:p2 | 邻居种树遮挡采光，树枝砸坏屋瓦
> 我住在{place}，{p2}家在我家门前{dist_s}米的地方种了一排{tree2}，现在长得比房子还高，
> 挡住了我家采光，落叶堵住屋顶排水沟，{recent}刮大风一根树枝还砸坏了我家的瓦。请求调解，
> 让他修剪或者移栽。
@0802 normal R:p2 E:threat | 邻居家狗咬死我家鸡，拒不赔偿
> 我是{place}{grp}的{folk}，隔壁{p2}家养了{k}条狗，从来不拴，{recent}把我家{chickens}只鸡咬死了，
> 还追着我孙子跑。我跟他说赔{small_s}元，他不肯，说是鸡自己跑过去的。希望帮忙调解，也让他把狗拴好。
@0803 normal R:p2 | 同村人借款{since_y}年不还
> {year}年我借给同村的{p2}{mid}元，他说{business}要资金周转，写了借条，约定一年还清。
> 到现在已经过去{since_y}年，只还了{small}元，剩下的一直拖着，说没钱。可他家{recent}刚买了新车。
> 我是{place}的{folk}，请求帮我调解，或者告诉我该怎么起诉。
@0803 normal R:buyer | 收购商拖欠{produce}货款
> {start}我跟{buyer}签了收购合同，把家里{weight}斤{produce}卖给他们，约定一个月内付清{mid}元，
> 到现在只付了{pct}%，剩下的一拖再拖。我们{place}还有{n}户也是这样。请求帮我们追讨货款。
@0803 normal R:p2 | 租客欠租失联，房屋无法收回
> 我把{place}附近{estate}的一套房子租给{p2}，合同一年，每月租金{rent}元。他{start}起就没交过房租，
> 已经欠了{dur}，人也联系不上，屋里的东西没搬走。我想收回房子，又怕自己处理惹麻烦，请问应该怎么办。
@0804 normal R:p2 E:threat | 吃夜宵被人用酒瓶砸伤
> {recent}晚上我在{town}的{rest}吃夜宵，邻桌的{p2}喝了酒找茬，拿啤酒瓶砸了我的头，缝了{k}针。
> 派出所做了笔录，可到现在还没有处理结果。我是{place}的{folk}，请求依法处理，赔偿医药费{small}元。
@0804 normal | 村里接连发生入户盗窃
> {start}以来我们{place}{grp}接连有{k}户人家晚上被偷，我家丢了{item2}和{small}元现金。
> 村里的监控坏了很久，大家晚上都不敢睡沉。请派出所加强巡逻，把村里的监控修好。
@0804 normal | 网贷暴力催收骚扰亲友
> 我是{place}的{folk}，{start}在手机上借了{small}元网贷，逾期后对方天天打电话辱骂，还把我的照片P了
> 发给我的亲戚朋友，{recent}有人往我家门上泼了红油漆。本金我愿意还，但他们要的利息太高了。
> 请求公安部门处理。
@0805 normal R:p2 E:threat | 邻居放养的牛毁坏庄稼
> 我是{place}{grp}的{folk}，{p2}家的{k}头牛常年放养不看管，{recent}跑进我家{mu}亩{crop}地里，
> 吃掉一大片，踩坏的更多，估算损失{small}元。找他赔，他只肯给一两百块。请村里来估损调解。
@0805 normal R:p2 E:threat | 被邻居家狗咬伤，赔偿谈不拢
> {recent}我在{place}{spot}被{p2}家的狗咬伤小腿，打狂犬疫苗、处理伤口花了{small}元，还耽误了{k}天工
> 。他说狗平时不咬人，只愿意出一半。请帮忙调解。
@0805 normal R:quarry E:village | 采石场放炮震裂房屋
> {quarry}在我们{place}后山放炮采石，{start}开始每次放炮我家房子都跟着震，现在墙上裂了好几条缝，
> 屋顶的瓦也震落了。{grp}像这样的有{hh}户。请求有关部门鉴定损失，让采石场赔偿，并控制放炮的药量。
@0901 normal E:dibao | 低保被取消，请求重新核查
> 我今年{age}岁，住在{place}{grp}，老伴瘫痪在床，家里就靠低保过日子。{start}村里突然说我家不符合条
> 件，把低保取消了，说是查到我儿子名下有车。那是儿子{year}年买的二手面包车，早就报废了。
> 请求重新核查，恢复我家的低保。
@0901 normal T:p2 | 低保评定不公开，困难户评不上
> 我们{place}{grp}的{p2}家有两层新楼房，儿子在广东开厂，还在吃低保；而独居多病的{p3}老人却评不上。
> 村里评低保从来不公示。我反映这个情况不是针对谁，只希望民政部门来核查，把低保给真正困难的人。
@0901 normal | 遭灾后申请临时救助迟迟未批
> 我家{start}{disaster}，现在一家{hh}口挤在亲戚家里。听说可以申请临时救助，我们去{town}问了，
> 让准备材料，材料交上去{dur2}了还没有消息。我们是{place}的{folk}，希望能尽快审批。
@0902 normal R:home | 母亲在养老院长压疮，护理不到位
> 我母亲{age_old}岁，住在{home}，我们家就在{place}，每月交{fee_home}元。
> {recent}我去看她，发现她身上有好几处压疮，衣服也很久没换。护工说人手不够，一个人要照顾{n}个老人。
> 请求民政部门检查这家养老院的服务，整改到位。
@0902 low | 高龄津贴停发，老人行动不便无法认证
> 我父亲今年{age_old}岁，住在{place}，按规定有高龄津贴，可从{start}开始就没发了。去村里问，
> 说是系统要重新认证，要本人到{town}去。老人腿脚不便，请问能不能安排上门认证，把停发的补上。
@0902 low | 居家养老服务中心挂牌后一直锁门
> 我们{place}建的居家养老服务中心挂牌以后就一直锁着门，说好的老人午餐、理发、陪聊一项都没有。
> 这里像我这样的空巢老人有{many}个。希望能真正运营起来，不要只是挂个牌子。
@0903 normal R:funeral | 殡仪馆强制购买高价丧葬用品
> 我父亲{recent}去世，我们家在{place}，在{funeral}办的后事。殡仪馆的人说寿衣、骨灰盒必须在馆里买，
> 一套下来花了{mid_f}元，比外面贵好几倍。想问一下这种强制消费合不合规，多收的钱能不能退。
@0903 normal | 公益性公墓收费过高
> 我家老人{recent}过世，火化后想安葬在{place}的公益性公墓，村里说墓位紧张，要交{fee_grave}元才给安
> 排。公益性公墓不是应该免费或者低收费的吗？请求核实收费依据。
@0903 normal R:p2 E:threat | 邻居把坟修到我家承包的山上
> {p2}家{start}把老人的坟修在我家承包的{hill}上，离我家的{crop_hill}只有{dist_s}米，事先也没跟我们
> 商量。我是{place}的{folk}，要求他迁走，他们说坟动不得，两家闹得很僵。请村里出面调解。
@1001 normal R:p2 E:threat | 邻居建房多砌地基，占我家宅基地
> 我家和{p2}家的宅基地在{place}{grp}挨着。{start}他家拆旧建新，把地基往我家这边多砌了{w_s}米，
> 占了我家的地。我拿出{year}年的宅基地使用证，他不认，说以前老人口头划过。请求自然资源所来测量确界
> 。
@1001 normal | 申请宅基地建房，审批迟迟没结果
> 我家{hh}口人，现在住的是{year}年建的土坯房，已经评成了危房。{start}我向{loc}申请宅基地建新房，
> 材料交上去{dur}了，一直说在审批，别人家却很快就批了。请求说明审批进度，卡在哪个环节。
@1001 normal R:kin E:threat | 兄弟拆老屋独占宅基地
> 父母在{place}留下一块老宅基地，我和弟弟{kin}都有份。{recent}他趁我在外面打工，把老房子拆了，
> 准备一个人建新房。我要求按当初的分家协议来分，他不认。请求村里调解。
@1002 normal R:p2 E:threat | 自家林地树木被人盗伐
> 我家{year}年分到{place}{hill}的{mu}亩山林，有林权证，种的是{tree}。{recent}上山发现{p2}请人砍了我
> 家{n}棵树拉去卖了，说那块山是他家的。请求林业站来核实界址，追回损失。
@1002 normal | 集体山林被低价长期出租
> 我们{place}集体的{hill}在{year}年被以每亩每年{rent_mu}元的价格租给{forest_co}种{tree}，
> 租期{lease}年，没开村民大会，我们{grp}的人都不知情。请求核查这份合同是否合法，租金收益是否公开。
@1002 normal E:fight | 与邻村山界纠纷多年未解决
> 我们{place}{grp}和隔壁{village2}为{hill}的山界吵了{yrs}年。{recent}对方有人上山砍竹子，
> 两边差点打起来。希望镇里组织双方拿出老证据，重新确权划界，免得闹出大事。
@1003 normal R:coop T:p2 | 土地流转租金拖欠
> {year}年我家把{mu}亩水田流转给{coop}种{crop_flow}，合同约定每亩每年{rent_mu2}元，年底付清。
> 去年的租金到现在还欠着，老板{p2}说今年行情不好。我们{place}有{n}户都没拿到。请求帮忙追讨租金。
@1003 normal G:f | 外嫁进村多年未分到承包地
> 我{year}年嫁到{place}，户口也迁了过来，可一直没分到责任田。村里说二轮延包是按老人口分的，
> 现在村里有土地被征收分补偿款，我也没有份。请求依法保护我的土地承包权益。
@1003 normal R:p2 E:threat | 外出打工回来承包地被他人占种
> 我家在{place}{spot}有{mu}亩承包地，{start}我出去打工，回来发现被{p2}种上了{crop}，他说是村里让他
> 种的。我有土地承包经营权证，请求把地还给我，这段时间的租金也要算清。
@1004 normal R:agri | 买到劣质种子，出苗率不足一半
> 我{start}在{town}的{agri}买了{seed}种子，种了{mu}亩，结果出苗率不到一半，长出来的也不结实。
> 我们{place}同一批买的还有{n}户。估计损失{mid}元，要求店家赔偿，也请农业部门鉴定种子质量。
@1004 normal R:agri R:p2 | 按推荐使用除草剂导致作物绝收
> {recent}我按{agri}老板{p2}的推荐，买了除草剂打在{crop}田里，结果叶子全黄了，{mu}亩基本绝收。
> 他说是我兑水比例不对，可我就是按他说的兑的。我是{place}的{folk}，请农业部门来鉴定，落实赔偿。
@1004 normal R:hatch | 鸭苗带病大批死亡，孵化场不赔
> 我在{place}养临武鸭，{start}从{hatch}买了{ducks}只鸭苗，不到{days}天就死了一大半，兽医说是鸭苗本
> 身带病。孵化场说是我养得不好，不肯赔。请帮忙鉴定和协调。
@1005 normal R:p2 E:threat E:fight | 上游截水灌鱼塘，下游稻田缺水
> 我们{place}{grp}的水渠被上游{p2}家堵住，水全引到他家鱼塘里去了，我们下游{mu}亩{crop_water}田都缺
> 水。{irrig_need}跟他说了几次他都不理，请村里和水管站来协调放水。
@1005 normal | 灌溉渠垮塌渗漏，水到不了田
> 我们{place}{spot}的灌溉渠是{year}年修的，现在好几段垮塌了，渗漏很厉害，水到不了{grp}的田里。
> 我们反映了{dur}，都说没钱修。{irrig_need}希望列入水利维修计划。
@1005 normal R:p2 E:threat | 山塘承包人养鱼不让放水灌溉
> 我们{place}{spot}的山塘承包给了{p2}养鱼，他为了养鱼不让放水灌溉，说承包合同里没写。
> 可这口山塘原来就是修来灌溉的。{irrig_need}请求村里和水利部门协调。
@1101 normal E:fight | 两个村民小组争一块集体土地
> 我们{place}{grp}和{grp2}之间有一块{mu}亩的{landtype}，{start}{grp2}把它租给别人建厂房，
> 租金全归他们组。可这块地在{year}年的分田册上登记的是我们组的。请求依法确权。
@1101 normal T:p2 | 不动产证面积四至登记错误
> 我家在{place}，办不动产登记时，证上的面积比实际少了{m2}平方米，四至也写错了，把我家屋后的菜地划给
> 了邻居{p2}。去不动产登记中心问了{times}次，让我们自己找村里开证明，村里又推。请求更正登记。
@1101 normal R:farm | 国有林场与村里争荒山
> 我们{place}和{farm}为{spot}那片{mu_big}亩的荒山争了好多年，{recent}林场派人来拉围栏，
> 说是国有土地。我们祖祖辈辈在那里种油茶，请求政府拿出依据，依法确权。
@1102 normal E:village | 有人夜间非法采矿洗矿
> 我们{place}{hill}最近有人晚上偷偷开采{ore}，用挖机挖、用药水洗，废渣和洗矿水直接流进{river}，
> 下游的稻田都发黄了。我们怀疑他们没有采矿证，请求自然资源和环保部门联合查处。
@1102 normal R:mine E:village | 采矿导致地面塌陷、水井干涸
> {mine}在我们{place}下面采矿多年，{start}开始{grp}地面出现塌陷，我家水井干了，田里也漏水，
> 房子开裂。矿上给了{small}元补偿就不管了。请求评估塌陷范围，对受影响的住户安置搬迁。
@1102 normal E:village | 河道非法采砂冲毁农田
> {river}流经我们{place}的那一段，有人开着采砂船日夜采砂，河岸被挖垮了好几处，我家靠河的{mu}亩田被
> 冲掉了一角。请求水利部门查处非法采砂，修复河堤。
@1201 normal | 多年前反映的问题仍未解决
> 我是{place}的{folk}，{year}年就反映过{old_issue}，当时{town}答复说会处理，可到现在已经{since_y}年
> 了还是老样子。我前后跑了{times}次，每次都说在研究。希望这次能给个书面答复和明确的办理期限。
@1201 normal | 对信访答复不满意，请求复查
> 我{start}通过网上反映了{old_issue}，{recent}收到的答复写着“已调解完毕”，但根本没有人来找过我，
> 也没组织过调解。我是{place}的{folk}，请上级部门核实这个答复是否属实，重新办理。
@1201 low | 申请公开村级项目资金使用情况
> 我想了解{place}{proj_info}的资金使用情况，村里一直不公开。{start}我写了书面申请交到{town}，
> {dur2}了还没有回音。请求依法公开。
@1299 low | 补办身份证来回跑多趟未办成
> 我的身份证{start}丢了，去{town}派出所补办，我户籍就在{place}，来回跑了{times}趟都没办好，
> 每次都说缺一样材料。希望一次性告知需要哪些材料，少让老百姓跑冤枉路。
@1299 low | 流浪狗成群追咬路人
> 我们{place}{spot}一带最近流浪狗越来越多，有{k}条经常成群结队，{recent}还追咬骑电动车的人，
> 孩子上学都要大人送。希望有关部门处理一下。
@1299 low | {loc}手机信号差
> 我们{place}{grp}手机信号一直很差，在家里打电话要跑到屋外的坡上，孩子上网课经常断线。
> {start}就向运营商反映过，说会建基站，到现在没动静。希望帮忙协调。
"""

# Escalating sentences for the early-warning demo, as (risk, text). Templates opt in to
# groups with ``E:<group>``. Group action over wages and talk of self-harm are "critical";
# other threats and group protests are "high".
_ESCALATIONS: dict[str, list[tuple[str, str]]] = {
    "wage": [
        ("critical", "再不给钱，我们{n}个工友就一起去{gov}门口讨说法。"),
        ("critical", "工友们已经商量好了，这个星期再拿不到钱，就一起去堵工地大门、上{gov}。"),
    ],
    "demolish": [("high", "谁要是敢来强拆，我就守在屋里跟他们拼了。")],
    "relocate": [("high", "我们几十户拆迁户已经商量好了，再不解决就一起去{gov}讨说法。")],
    "broke": [("critical", "家里的钱全花光了，一家人实在活不下去了。")],
    "dibao": [("critical", "低保一停，我们老两口实在活不下去了。")],
    "threat": [("high", "他要是再这样，我真不知道自己会做出什么事来。")],
    "village": [("high", "附近几个村的人都说，再没人管就一起去{gov}门口讨个说法。")],
    "fight": [("high", "再不处理，两边迟早要打起来，到时候怕是要出人命。")],
}
_GENERIC_ESCALATIONS = [
    ("high", "如果再拖着不处理，我就只能去市里、去省里上访了。"),
    ("high", "再这样下去迟早要出大事，到时候谁来负责？"),
    ("high", "我已经跑了无数趟了，再没人管，我就天天去{gov}门口坐着。"),
]
_DESPAIR = [
    ("critical", "我实在活不下去了，再没人管，我也不知道自己还能撑多久。"),
    ("critical", "逼得我没办法了，真想一瓶农药喝下去一了百了。"),
]
# Categories where despair is a plausible escalation (serious loss of livelihood).
_DESPAIR_CATEGORIES = frozenset(_w("0104 0201 0202 0203 0601 0701 0801 0803 0901 1001 1003 1102"))
_ESCALATION_RATE = {"0201": 0.12, "0104": 0.08}
_DEFAULT_ESCALATION_RATE = 0.03
_RISK_RANK = {"low": 0, "normal": 1, "high": 2, "critical": 3}

_OPENERS = ["", "", "", "", "您好，", "领导好，", "你好，"]
_CLOSERS = ["", "", "", "谢谢！", "麻烦尽快处理，谢谢。", "盼复。", "希望早日给个答复。"]
_ROLES = {"R": "respondent", "T": "third_party"}
_PERSON_SLOTS = frozenset({"p2", "p3", "pf", "kin", "kin2"})


@dataclass(frozen=True)
class _Template:
    risk: str
    title: str
    body: str
    parties: tuple[tuple[str, str], ...]  # (role, slot)
    escalations: tuple[tuple[str, str], ...]
    gender: str | None  # the applicant's, when the text implies it (G:f / G:m)


def _parse(spec: str) -> dict[str, list[_Template]]:
    out: dict[str, list[_Template]] = {}
    head: tuple[str, str, str, list[str]] | None = None
    body: list[str] = []

    def flush() -> None:
        if head is not None:
            code, risk, title, refs = head
            gender = next((r[2:] for r in refs if r[0] == "G"), None)
            parties = tuple((_ROLES[r[0]], r[2:]) for r in refs if r[0] in _ROLES)
            escalations = tuple(e for r in refs if r[0] == "E" for e in _ESCALATIONS[r[2:]])
            tpl = _Template(risk, title, "".join(body), parties, escalations, gender)
            out.setdefault(code, []).append(tpl)

    for raw in spec.splitlines():
        line = raw.strip()
        if line.startswith("@"):
            flush()
            meta, title = line[1:].split("|", 1)
            code, risk, *refs = meta.split()
            head, body = (code, risk, title.strip(), refs), []
        elif line.startswith(">"):
            body.append(line[1:].strip())
    flush()
    return out


_TEMPLATES = _parse(_SPEC)

SUPPORTED_CATEGORIES: frozenset[str] = frozenset(_TEMPLATES)


# --------------------------------------------------------------------------- generator


def _trim(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind("。", 0, limit)
    return text[: cut + 1] if cut > 0 else text[:limit]


def make_text(
    rng: random.Random, *, category_code: str, place: str, when: datetime.date
) -> DemoText:
    """Generate one invented grievance of the given second-level category.

    ``place`` (e.g. "北湖区华塘镇吴山村") is woven into the text; ``when`` is the
    submission date, used for relative times ("上个月", "今年3月") and seasonal touches.
    """
    templates = _TEMPLATES.get(category_code)
    if templates is None:
        raise ValueError(f"unsupported category code: {category_code!r}")
    tpl = rng.choice(templates)
    c = _Ctx(rng, place, when)
    c.gender = tpl.gender
    c["me"]  # the applicant's name is drawn first so other people get different names
    body = c.fill(tpl.body)

    risk = tpl.risk
    extra = ""
    rate = _ESCALATION_RATE.get(category_code, _DEFAULT_ESCALATION_RATE)
    if risk != "low" and rng.random() < rate:
        if tpl.escalations and rng.random() < 0.6:
            pool = list(tpl.escalations)
        else:
            despair = _DESPAIR if category_code in _DESPAIR_CATEGORIES else []
            pool = _GENERIC_ESCALATIONS + despair
        level, line = rng.choice(pool)
        risk = max(risk, level, key=_RISK_RANK.__getitem__)
        extra = c.fill(line)
    description = rng.choice(_OPENERS) + body + extra
    closer = rng.choice(_CLOSERS)
    if len(description) + len(closer) <= 600:
        description += closer
    description = _trim(description, 600)

    parties = [DemoParty("applicant", c["me"], random_mobile(rng) if rng.random() < 0.9 else None)]
    for role, slot in tpl.parties:
        p_phone = 0.4 if slot in _PERSON_SLOTS else 0.1
        phone = random_mobile(rng) if rng.random() < p_phone else None
        parties.append(DemoParty(role, c[slot], phone))
    return DemoText(_trim(c.fill(tpl.title), 40), description, parties, risk)
