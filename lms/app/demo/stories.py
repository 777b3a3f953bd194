"""The demo learners' stories and the Chinese texts of their assignments and the mentors' feedback."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Story:
    """A learner who has not graduated: lessons studied during the cohort, then caught up lately, and the next one.

    ``open_work`` is what became of the next lesson when it is an assignment: handed in and waiting for the
    mentor ("submitted"), or sent back ("revision"). The comeback runs from ``back_days_ago`` to
    ``last_days_ago`` before today.
    """

    studied: int
    caught_up: int = 0
    open_work: str | None = None
    back_days_ago: int = 0
    last_days_ago: int = 0


# (cohort index, learner index) → story; learners not listed and not graduated study a few lessons.
# Both cohorts have ended: those who did not graduate either gave up or came back lately to finish.
STORIES = {
    # Came back to finish: the price list waits in the first mentor's queue.
    (0, 8): Story(studied=7, caught_up=7, open_work="submitted", back_days_ago=20, last_days_ago=2),
    # Gave up after the first assignment was sent back, over a year ago.
    (0, 9): Story(studied=6, open_work="revision"),
    # Two in the second mentor's queue, one of them waiting long enough to be marked overdue.
    (1, 6): Story(studied=10, caught_up=4, open_work="submitted", back_days_ago=24, last_days_ago=1),
    (1, 9): Story(studied=7, caught_up=3, open_work="submitted", back_days_ago=16, last_days_ago=5),
    # A revision requested a few days ago, not read yet.
    (1, 7): Story(studied=4, caught_up=2, open_work="revision", back_days_ago=12, last_days_ago=4),
    # Tried again six weeks ago, then went quiet: at risk.
    (1, 8): Story(studied=4, caught_up=1, back_days_ago=41, last_days_ago=40),
    # The cohort under way, a month in: most are mid-course, one waits for her first assignment's review.
    (2, 0): Story(studied=5),
    (2, 1): Story(studied=6, open_work="submitted"),
    (2, 2): Story(studied=3),
    (2, 3): Story(studied=4),
}

# Per assignment of the course, in order: (first draft, final version, link or "", revision feedback, feedback).
WORK_TEXTS = [
    (
        "拍了一条{product}的视频，先介绍了我们{village}，后面拍了{product}。",
        "视频已经发在我的快手号上（搜“{village}{product}”）。开头 3 秒直接拍{product}的特写，"
        "再说产地、做法和一句实话，最后说怎么下单。一共 38 秒，竖屏，加了字幕。",
        "",
        "前 3 秒还在介绍村子，买家早就划走了。先拍{product}最好看的样子，再讲产地。光线也偏暗，白天靠窗重拍一条。",
        [
            "开头直接拍{product}，一下就抓住人了。字幕清楚，时长合适。",
            "画面稳、光线亮，产地和做法都说清楚了，很真实。结尾可以再说一句怎么下单。",
            "这条拍得好！开头有亮点，声音清楚，记得每周坚持发。",
        ],
    ),
    (
        "店铺申请已经提交了，还在审核，先交链接。",
        "店铺开在拼多多，叫“{village}{product}小铺”，已经上架{product}两个规格，每个商品 6 张主图，"
        "标题写了产地、规格和特点，详情页写了净重、保存方法和发货时间。",
        "https://shop.example.com/{slug}",
        "链接现在还打不开。等审核通过、上架了商品再交，标题里记得写上产地和规格。",
        [
            "店铺开好了，主图清楚，标题有产地和规格，没有违规词。",
            "详情页写得很实在，净重和发货时间都有。可以再加一张上秤的照片。",
            "链接能打开，商品也上架了，不错！下一步把视频挂上商品链接。",
        ],
    ),
    (
        "{product}小份卖 {small} 元，大份卖 {large} 元。",
        "{product}价目表\n"
        "小份：货 {goods} 元＋包装 3 元＋快递 {post} 元＋平台佣金约 {fee} 元，售价 {small} 元，每单赚 {profit} 元。\n"
        "大份：售价 {large} 元，包装和快递只多 4 元，利润更高，主推大份。\n"
        "江西、浙江、上海等地包邮；新疆、西藏等偏远地区加 10 元。下单后 48 小时内发货。\n"
        "比较了 3 家同类店铺，他们卖 {low} 到 {high} 元，我的是自家{product}，价格定在中间。",
        "",
        "只写了售价，成本没有列出来。把货、包装、快递和佣金都算进去，看看每单到底赚多少，再交一次。",
        [
            "成本列得很细，利润算对了，包邮范围也清楚。",
            "价格有依据，和同类比较过，很好。偏远地区的运费也想到了。",
            "算得很认真。大促前记得再算一遍佣金。",
        ],
    ),
]
GENERIC_TEXTS = (
    "第一稿：{product}的作业，先交给老师看看。",
    "{product}的作业做好了，按课上的要求一条一条检查过。",
    "",
    "还差一点：对照课上的要求再看一遍，把缺的部分补上再交。",
    ["做得认真，要求都做到了。", "不错，继续保持！"],
)
