"""Deterministic synthetic corpus of markdown paper lists, in all five seed families.

    python bench/corpus.py OUT_DIR --entries 100000 [--seed 5] [--dup-rate 0.05]
    python bench/corpus.py OUT_DIR --entries 2000 --check   # parse it back and compare

Writes ``OUT_DIR/<family>/<family>_NNN.md`` (at most ``--per-file`` entries per file) and
``OUT_DIR/truth.tsv``: one line per generated entry ``file, line, work, kind, title``, where
``work`` identifies the paper the entry is about and ``kind`` says how its title was
written:

* ``orig``   the first mention of the work;
* ``same``   another list naming the same work with the same title (exact duplicate);
* ``case``, ``punct``, ``colon``: near-duplicates an exact title key already links;
* ``glued``  (nickname glued to the title) and ``typo`` (one-letter typo): near-duplicates
  only a fuzzy matcher (``paperdb dedupe``) can find.

``--dup-rate`` is the share of entries that are planted near-duplicates (the five kinds in
equal parts); ``--repeat-rate`` the share of exact re-mentions in another list. Near-
duplicates never carry the work's arXiv link, so only the title can tie them together.
The same arguments always give byte-identical files.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

FAMILIES = ("numbered", "table", "blog", "dated", "nickname")
SHARE = {"numbered": 0.25, "table": 0.20, "blog": 0.15, "dated": 0.25, "nickname": 0.15}
FUZZY_KINDS = ("glued", "typo")
NEAR_KINDS = ("case", "punct", "colon", "glued", "typo")

ADJ = (
    "Efficient Accurate Robust Scalable Adaptive Dynamic Differentiable Data-Free Zero-Shot "
    "Post-Training Mixed-Precision Low-Bit Binary Ternary Structured Unstructured Sparse "
    "Lightweight Hardware-Aware Learnable Progressive Hierarchical Channel-wise Layer-wise "
    "Federated Self-Supervised Semi-Supervised Contrastive Bayesian Probabilistic Quantized "
    "Compact Fast Provable Universal Generalizable Automatic Joint Unified Stochastic Global "
    "Local Frequency-Aware Outlier-Aware Curriculum Iterative One-Shot Gradual Elastic"
).split()
METHOD = (
    "Quantization|Pruning|Knowledge Distillation|Neural Architecture Search|Low-Rank "
    "Decomposition|Weight Sharing|Channel Pruning|Filter Pruning|Token Pruning|Distillation|"
    "Binarization|Tensor Decomposition|Hashing|Early Exiting|Sparse Training|Lottery Tickets|"
    "Model Compression|Network Slimming|Attention Transfer|Mixture of Experts|Weight Clustering|"
    "Activation Quantization|Feature Distillation|Architecture Search|Rank Selection"
).split("|")
OBJ = (
    "Deep Neural Networks|Convolutional Neural Networks|Vision Transformers|Large Language "
    "Models|Object Detectors|Graph Neural Networks|Recurrent Networks|BERT|Diffusion Models|"
    "Speech Recognition|Semantic Segmentation|Image Classification|Point Cloud Networks|"
    "Recommendation Models|Edge Devices|Mobile Networks|Generative Adversarial Networks|"
    "Spiking Neural Networks|Super-Resolution Networks|Video Recognition|Machine Translation|"
    "Face Recognition|Pose Estimation|Language Model Pre-training|Federated Learning"
).split("|")
VERB = (
    "Learning Training Rethinking Revisiting Understanding Accelerating Compressing Scaling "
    "Searching Optimizing Improving Exploring Boosting Regularizing Calibrating"
).split()
EXTRA = (
    "with Limited Data|via Gradient Matching|on the Edge|without Fine-Tuning|at Initialization|"
    "in One Shot|under Distribution Shift|with Second-Order Information|via Reinforcement "
    "Learning|for Inference Acceleration|from Scratch|with Theoretical Guarantees|beyond "
    "Accuracy|in the Wild|at Scale|on Microcontrollers|for Real-Time Inference"
).split("|")
ASPECT = (
    "Robustness Generalization Transferability Effectiveness Limits Role Convergence "
    "Stability Expressivity Sensitivity"
).split()
FIRST = (
    "Wei Yang Jian Xin Li Ming Hao Yu Anna Maria John David Sarah Michael Laura Peter "
    "Kai Lei Tao Ying Ravi Priya Ahmed Elena Lukas Sofia Tim Emma Jonas Chen"
).split()
LAST = (
    "Zhang Wang Li Liu Chen Yang Huang Zhao Wu Zhou Smith Johnson Brown Garcia Miller Davis "
    "Martin Kumar Singh Tanaka Suzuki Kim Park Nguyen Müller Schmidt Rossi Dubois Silva"
).split()
VENUES = (
    ("CVPR", 14),
    ("ICCV", 5),
    ("ECCV", 5),
    ("NeurIPS", 12),
    ("ICLR", 12),
    ("ICML", 9),
    ("AAAI", 6),
    ("IJCAI", 4),
    ("ACM MM", 2),
    ("MLSys", 2),
    ("EMNLP", 3),
    ("ACL", 3),
    ("INTERSPEECH", 1),
    ("BMVC", 2),
    ("WACV", 1),
    ("TPAMI", 2),
    ("arXiv", 17),
)
# What lists write for a venue (the importer maps these back).
VENUE_SPELLING = {"NeurIPS": ("NeurIPS", "NIPS"), "MLSys": ("MLSys", "SysML")}
TOPICS = (
    # slug, English heading, Chinese heading (table family)
    ("quantization", "Quantization", "量化"),
    ("pruning", "Pruning", "剪枝"),
    ("distillation", "Knowledge Distillation", "蒸馏"),
    ("nas", "NAS", "网络结构搜索"),
    ("low-rank", "Low-rank Decomposition", "低秩分解"),
    ("efficient-architecture", "Efficient Model", "轻量化"),
)
# A few lists title papers in Chinese (about 1% of works here).
CN_OBJ = (
    "边缘设备",
    "视觉Transformer",
    "大语言模型",
    "目标检测",
    "语义分割",
    "推荐系统",
    "语音识别",
    "移动端网络",
    "图神经网络",
    "扩散模型",
)
CN_ADJ = (
    "高效",
    "无数据",
    "混合精度",
    "低比特",
    "结构化",
    "自适应",
    "可微分",
    "渐进式",
    "硬件感知",
)
CN_METHOD = ("量化", "剪枝", "知识蒸馏", "网络结构搜索", "低秩分解", "稀疏训练", "二值化")
PRESENTATION = (("", 80), ("oral", 8), ("spotlight", 6), ("workshop", 4), ("best", 2))
FRAMEWORKS = ("PyTorch", "TensorFlow", "Caffe", "MXNet", "JAX", "Paddle")
CN_NOTES = ("超低bit", "代码开源", "无代码", "孙剑", "必读", "工业界常用")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept", "Oct", "Nov", "Dec")


@dataclass(slots=True)
class Work:
    id: int
    title: str
    year: int
    venue: str
    presentation: str
    topic: int  # index into TOPICS
    month: int
    arxiv: str | None
    nickname: str | None
    authors: tuple[str, ...]
    code: str | None
    framework: str


@dataclass(slots=True)
class Mention:
    work: Work
    title: str
    kind: str
    arxiv: bool  # may this mention link the work's arXiv page


@dataclass(slots=True)
class Out:
    """One file being written: its lines and the truth rows of its entries."""

    name: str
    lines: list[str] = field(default_factory=list)
    truth: list[tuple[str, int, int, str, str]] = field(default_factory=list)

    def add(self, line: str = "") -> None:
        self.lines.append(line)

    def entry(self, line: str, m: Mention) -> None:
        self.lines.append(line)
        self.truth.append((self.name, len(self.lines), m.work.id, m.kind, m.title))


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.keys: set[str] = set()
        self.works: list[Work] = []
        self.nicks: set[str] = set()
        self.arxiv_ids: set[str] = set()
        self.venue_names = [v for v, _ in VENUES]
        self.venue_weights = [w for _, w in VENUES]

    # -- works ---------------------------------------------------------------------

    def _nickname(self) -> str:
        rng = self.rng
        for _ in range(100):
            letters = "".join(
                rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(rng.randint(2, 5))
            )
            nick = letters + rng.choice(("", "", "", "Net", "Q", "-v2", "Former", "KD"))
            if nick not in self.nicks:
                self.nicks.add(nick)
                return nick
        return f"{letters}{len(self.nicks)}"

    def _title(self) -> str:
        rng = self.rng
        c = rng.choice
        template = rng.randrange(6)
        if template == 0:
            title = f"{c(ADJ)} {c(METHOD)} for {c(OBJ)}"
        elif template == 1:
            title = f"{c(VERB)} {c(ADJ)} {c(METHOD)} of {c(OBJ)}"
        elif template == 2:
            title = f"{c(VERB)} {c(OBJ)} with {c(ADJ)} {c(METHOD)}"
        elif template == 3:
            title = f"On the {c(ASPECT)} of {c(ADJ)} {c(METHOD)} in {c(OBJ)}"
        elif template == 4:
            title = f"{c(ADJ)} and {c(ADJ)} {c(METHOD)} for {c(OBJ)}"
        else:
            title = f"Towards {c(ADJ)} {c(OBJ)} via {c(METHOD)}"
        if rng.random() < 0.45:
            title += " " + c(EXTRA)
        return title

    def _cn_title(self) -> str:
        c = self.rng.choice
        return f"面向{c(CN_OBJ)}的{c(CN_ADJ)}{c(CN_METHOD)}方法" + c(("", "研究", "与实践", "综述"))

    def new_work(self) -> Work:
        rng = self.rng
        nickname = self._nickname() if rng.random() < 0.5 else None
        chinese = rng.random() < 0.01
        for attempt in range(50):
            title = self._cn_title() if chinese else self._title()
            if nickname and rng.random() < 0.5:
                title = f"{nickname}: {title}"
            if attempt > 20:  # the vocabulary is running out at this size: widen it
                title = f"{title} {rng.choice(('II', 'III', 'Revisited', 'Again', 'Reloaded'))} {attempt}"
            key = title_key(title)
            if key not in self.keys:
                self.keys.add(key)
                break
        venue = rng.choices(self.venue_names, self.venue_weights)[0]
        presentation = (
            ""
            if venue == "arXiv"
            else rng.choices([p for p, _ in PRESENTATION], [w for _, w in PRESENTATION])[0]
        )
        year = rng.randint(2015, 2024)
        arxiv = None
        month = rng.randint(1, 12)
        if venue == "arXiv" or rng.random() < 0.5:
            # An arXiv id names one work: drawn again until unused (at 1M works random
            # ids collided thousands of times, and the import rightly links entries by id).
            arxiv = f"{year % 100:02d}{month:02d}.{rng.randint(1, 29999):05d}"
            while arxiv in self.arxiv_ids:
                arxiv = f"{year % 100:02d}{month:02d}.{rng.randint(1, 99999):05d}"
            self.arxiv_ids.add(arxiv)
        authors = tuple(f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(rng.randint(1, 5)))
        code = None
        if rng.random() < 0.4:
            code = f"https://github.com/{rng.choice(LAST).lower()}{rng.randint(1, 999)}/{re.sub(r'[^a-z0-9]+', '-', title.lower())[:40].strip('-')}"
        work = Work(
            len(self.works),
            title,
            year,
            venue,
            presentation,
            rng.randrange(len(TOPICS)),
            month,
            arxiv,
            nickname,
            authors,
            code,
            rng.choice(FRAMEWORKS),
        )
        self.works.append(work)
        return work

    # -- near-duplicate titles -------------------------------------------------------

    def variant(self, work: Work, kind: str) -> str | None:
        """The work's title written as a near-duplicate of this kind; None: not applicable."""
        rng = self.rng
        title = work.title
        if kind == "colon":
            return title.replace(": ", " ", 1) if ": " in title else None
        if kind == "glued":
            if work.nickname and not title.startswith(work.nickname):
                return f"{work.nickname}{rng.choice(('-', ' '))}{title}"
            return None
        if kind == "typo":
            words = title.split(" ")
            spots = [i for i, w in enumerate(words) if i > 0 and len(w) >= 6 and w.isalpha()]
            if spots:
                i = rng.choice(spots)
                w = words[i]
                j = rng.randrange(1, len(w) - 1)
                op = rng.randrange(3)
                if op == 0:
                    w = w[:j] + w[j + 1 :]  # deletion
                elif op == 1:
                    w = w[:j] + w[j + 1] + w[j] + w[j + 2 :]  # transposition
                else:
                    w = w[:j] + rng.choice("aeiourstn") + w[j + 1 :]  # substitution
                if w != words[i]:
                    words[i] = w
                    return " ".join(words)
            return None
        if kind == "case":
            return title.lower() if rng.random() < 0.5 else title.upper()
        if "-" in title and rng.random() < 0.6:
            return title.replace("-", " ")
        if ": " in title and rng.random() < 0.5:
            return title.replace(": ", " - ", 1)
        return f"“{title}”"

    # -- the mention stream ------------------------------------------------------------

    def mentions(self, n: int, dup_rate: float, repeat_rate: float) -> list[Mention]:
        rng = self.rng
        out: list[Mention] = []
        for _ in range(n):
            r = rng.random()
            if self.works and r < dup_rate:
                kind = rng.choice(NEAR_KINDS)
                for _ in range(50):  # a work this kind applies to (colon: has a colon, ...)
                    work = rng.choice(self.works)
                    title = self.variant(work, kind)
                    if title is not None:
                        out.append(Mention(work, title, kind, arxiv=False))
                        break
                else:
                    work = self.new_work()
                    out.append(Mention(work, work.title, "orig", arxiv=True))
            elif self.works and r < dup_rate + repeat_rate:
                work = rng.choice(self.works)
                out.append(Mention(work, work.title, "same", arxiv=True))
            else:
                work = self.new_work()
                out.append(Mention(work, work.title, "orig", arxiv=True))
        return out


def title_key(title: str) -> str:
    import unicodedata

    return "".join(ch for ch in unicodedata.normalize("NFKC", title).casefold() if ch.isalnum())


# --------------------------------------------------------------------------- families


def _spell(rng: random.Random, venue: str) -> str:
    return rng.choice(VENUE_SPELLING.get(venue, (venue,)))


def _url(rng: random.Random, m: Mention, style: str) -> str:
    w = m.work
    if m.arxiv and w.arxiv:
        return f"https://arxiv.org/{'pdf' if style == 'pdf' else 'abs'}/{w.arxiv}{'.pdf' if style == 'pdf' else ''}"
    if w.venue == "ICLR":
        return f"https://openreview.net/forum?id={rng.randrange(16**9):09x}"
    if w.venue in ("CVPR", "ICCV"):
        return f"https://openaccess.thecvf.com/content/{w.venue}{w.year}/html/paper_{rng.randrange(10**6)}.html"
    return f"https://papers.example.org/{w.year}/{rng.randrange(16**8):08x}"


def write_numbered(rng: random.Random, out: Out, items: list[Mention]) -> None:
    """``# 2021年压缩相关论文整理`` / ``## CVPR`` / ``### Pruning`` / ``1. Title``."""
    items = sorted(items, key=lambda m: (m.work.year, m.work.venue, m.work.topic))
    out.add("# 模型压缩论文整理 (synthetic)")
    out.add("")
    out.add("目录：")
    out.add("- [CVPR](#CVPR)")
    out.add("- [ICLR](#ICLR)")
    year = venue = topic = None
    n = 0
    for m in items:
        w = m.work
        if w.year != year:
            year, venue, topic = w.year, None, None
            out.add("")
            out.add(f"# {year}年压缩相关论文整理")
        if w.venue != venue:
            venue, topic = w.venue, None
            out.add("")
            out.add(f"## {_spell(rng, venue)}")
        if w.topic != topic:
            topic, n = w.topic, 0
            out.add(f"### {TOPICS[topic][1]}")
        n += 1
        text = m.title
        if venue == "ICLR" and rng.random() < 0.4:
            day = rng.randint(1, 28)
            decision = (
                w.presentation.capitalize() if w.presentation in ("oral", "spotlight") else "Poster"
            )
            text = (
                f"{text} {', '.join(w.authors)}{day} {rng.choice(MONTHS)} {year - 1}"
                f" (modified: {day} Mar {year}) ICLR {year} {decision} Readers:  EveryoneShow details"
            )
        elif venue in ("ACL", "EMNLP") and rng.random() < 0.6:
            start = rng.randint(1, 9000)
            text = f"{text}. {start}-{start + rng.randint(8, 14)}"
        out.entry(f"{n}. {text}", m)


def write_table(rng: random.Random, out: Out, items: list[Mention]) -> None:
    """``### 量化 2018`` tables ``| Title | Venue | Type | Code |`` plus dated bullets."""
    items = sorted(items, key=lambda m: (m.work.topic, m.work.year))
    out.add("# Model_Compression_Paper (synthetic)")
    out.add("")
    out.add("| Type | `F` | `W` |")
    out.add("| :--- | :-: | :-: |")
    out.add("| Explanation | Filter pruning | Weight pruning |")
    section = None
    for m in items:
        w = m.work
        if (w.topic, w.year) != section:
            section = (w.topic, w.year)
            _slug, english, chinese = TOPICS[w.topic]
            out.add("")
            if rng.random() < 0.15:  # some sections are bullets, not tables
                out.add(f"### Papers-{english} {w.year}")
                out.add("")
                in_table = False
            else:
                out.add(f"### {chinese if rng.random() < 0.7 else english} {w.year}")
                out.add("")
                out.add("| Title | Venue | Type | Notion/Code |")
                out.add("| :---- | :---: | :--: | :---------: |")
                in_table = True
        title = m.title.replace("|", "/")
        if not in_table:
            out.entry(f"- {w.year}-{_spell(rng, w.venue)}-[{title}]({_url(rng, m, 'abs')})", m)
            continue
        if rng.random() < 0.5:
            title = f"[{title}]({_url(rng, m, 'abs')})"
        venue = "arXiv" if w.venue == "arXiv" else f"`{_spell(rng, w.venue)}`"
        if w.presentation in ("oral", "spotlight"):
            venue += f"**({w.presentation})**"
        kind = rng.choice(("`F`", "`W`", "", ""))
        if w.code:
            code = f"[{w.framework}(Author)]({w.code})"
        else:
            code = rng.choice(("", "", rng.choice(CN_NOTES)))
        out.entry(f"| {title} | {venue} | {kind} | {code} |", m)


def write_blog(rng: random.Random, out: Out, items: list[Mention]) -> None:
    """Front matter, ``# quantization`` / ``## arxiv2001`` / ``* 【CVPR2020】[Title](url)``."""
    items = sorted(items, key=lambda m: (m.work.topic, m.work.year, m.work.month))
    out.add("---")
    out.add("layout:     post")
    out.add("title:      模型压缩与加速论文列表")
    out.add("date:       2020-03-25")
    out.add("tags:")
    out.add("    - paper.list")
    out.add("---")
    out.add("")
    out.add("> 模型压缩与加速论文列表")
    section = None
    month = None
    for m in items:
        w = m.work
        if w.topic != section:
            section, month = w.topic, None
            out.add("")
            out.add(f"# {TOPICS[w.topic][0]}")
        if (w.year, w.month) != month:
            month = (w.year, w.month)
            out.add("")
            out.add(f"## arxiv{w.year % 100:02d}{w.month:02d}")
            out.add("")
        tags = ""
        if w.venue != "arXiv":
            mark = "-oral" if w.presentation == "oral" and rng.random() < 0.5 else ""
            tags = f"【{_spell(rng, w.venue)}{w.year}{mark}】"
        if rng.random() < 0.1:
            tags += f"【{rng.choice(('Google', 'Apple', 'Alibaba', 'Huawei', 'Meta'))}】"
        # 5% broken links: the title where the URL should be
        target = m.title if rng.random() < 0.05 else _url(rng, m, "pdf")
        out.entry(f"* {tags}[{m.title}]({target})", m)


def write_dated(rng: random.Random, out: Out, items: list[Mention]) -> None:
    """``- 2019-ICLRo-[Title](url) [[code](url)]``, ``2018.05-[Title](url)``, People/News."""
    items = sorted(items, key=lambda m: (m.work.topic != 0, m.work.year, m.work.venue))
    out.add("# EfficientDNNs (synthetic)")
    out.add("A collection of methods on DNN compression and acceleration.")
    out.add("")
    out.add(
        "> About abbreviation: `o` for oral, `w` for workshop, `s` for spotlight, `b` for best paper."
    )
    out.add("")
    out.add("## Papers")
    in_topic = False
    for m in items:
        w = m.work
        if w.topic != 0 and not in_topic:
            in_topic = True
            out.add("")
            out.add("### Papers-Knowledge Distillation and others")
        if w.venue == "arXiv":
            prefix = f"{w.year}.{w.month:02d}"
        else:
            suffix = {"oral": "o", "workshop": "w", "spotlight": "s", "best": "b"}.get(
                w.presentation, ""
            )
            prefix = f"{w.year}-{_spell(rng, w.venue)}{suffix}"
        line = f"- {prefix}-[{m.title}]({_url(rng, m, 'abs')})"
        if w.code and rng.random() < 0.8:
            line += f" [[code]({w.code})]"
        if rng.random() < 0.05:
            line += f" ({rng.choice(LAST)} et al.)"
        out.entry(line, m)
    out.add("")
    out.add("## People (in alphabeta order)")
    for last in LAST[:5]:
        out.add(
            f"- {rng.choice(FIRST)} {last} @ University [[Google Scholar](https://scholar.example.org/{last})]"
        )
    out.add("")
    out.add("## News")
    out.add("- 2020/02/25: Added more papers.")


def write_nickname(rng: random.Random, out: Out, items: list[Mention]) -> None:
    """``- **[Nick]** Title, Venue Year, [[paper]](url), [[code(FW)]](url)``."""
    items = sorted(items, key=lambda m: m.work.topic)
    out.add("# A Paper List for Neural-Network-Compression (synthetic)")
    out.add("format: (**[Nickname]**) Paper title, published @, paper link, (official code)")
    section = None
    for m in items:
        w = m.work
        if w.topic != section:
            section = w.topic
            out.add("")
            out.add(f"## {TOPICS[w.topic][1]}")
        title = m.title.replace(",", "")
        venue = _spell(rng, w.venue)
        if w.presentation == "workshop":
            venue += " workshop"
        nick = f"**[{w.nickname}]** " if w.nickname and m.kind != "glued" else ""
        line = f"- {nick}{title}, {venue} {w.year}, [[paper]]({_url(rng, m, 'abs')})"
        if w.code:
            line += f", [[code({w.framework})]]({w.code})"
        out.entry(line, m)
    out.add("")
    out.add("# Copyright")
    out.add("- This list is for benchmarks only.")


WRITERS = {
    "numbered": write_numbered,
    "table": write_table,
    "blog": write_blog,
    "dated": write_dated,
    "nickname": write_nickname,
}


# --------------------------------------------------------------------------- driver


def generate(
    out_dir: Path,
    entries: int,
    seed: int = 5,
    dup_rate: float = 0.05,
    repeat_rate: float = 0.10,
    per_file: int = 10_000,
) -> dict[str, object]:
    """Write the corpus and its truth; return a summary."""
    gen = Generator(seed)
    stream = gen.mentions(entries, dup_rate, repeat_rate)
    rng = random.Random(seed + 1)
    by_family: dict[str, list[Mention]] = defaultdict(list)
    families = list(FAMILIES)
    weights = [SHARE[f] for f in families]
    last_family: dict[int, str] = {}
    for m in stream:
        family = rng.choices(families, weights)[0]
        # A second mention of a work comes from another list, as it does in real life.
        if last_family.get(m.work.id) == family:
            family = families[(families.index(family) + 1) % len(families)]
        last_family[m.work.id] = family
        by_family[family].append(m)
    out_dir.mkdir(parents=True, exist_ok=True)
    truth_rows: list[tuple[str, int, int, str, str]] = []
    files = 0
    for family in FAMILIES:
        items = by_family[family]
        (out_dir / family).mkdir(exist_ok=True)
        for old in (out_dir / family).glob("*.md"):
            old.unlink()
        for part, start in enumerate(range(0, len(items), per_file)):
            name = f"{family}_{part:03d}.md"
            out = Out(name)
            WRITERS[family](random.Random(f"{seed}-{name}"), out, items[start : start + per_file])
            (out_dir / family / name).write_text("\n".join(out.lines) + "\n", encoding="utf-8")
            truth_rows.extend(out.truth)
            files += 1
    with (out_dir / "truth.tsv").open("w", encoding="utf-8") as fh:
        fh.write("file\tline\twork\tkind\ttitle\n")
        for row in truth_rows:
            fh.write("\t".join(str(x) for x in row) + "\n")
    kinds: dict[str, int] = defaultdict(int)
    for row in truth_rows:
        kinds[row[3]] += 1
    summary = {
        "entries": len(truth_rows),
        "works": len(gen.works),
        "files": files,
        "generator": generator_version(),
        "seed": seed,
        "dup_rate": dup_rate,
        "repeat_rate": repeat_rate,
        "kinds": dict(sorted(kinds.items())),
    }
    (out_dir / "corpus.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary


def generator_version() -> str:
    """A hash of this file: a cached corpus made by another version is made again."""
    import hashlib

    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]


def read_truth(out_dir: Path) -> list[tuple[str, int, int, str, str]]:
    rows = []
    with (out_dir / "truth.tsv").open(encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            file, lineno, work, kind, title = line.rstrip("\n").split("\t")
            rows.append((file, int(lineno), int(work), kind, title))
    return rows


def check(out_dir: Path) -> int:
    """Parse every file with paperdb's importers; compare lines and titles with the truth."""
    from paperdb.importers import parse_text
    from paperdb.normalize import normalize_title

    truth = {(f, line): (kind, title) for f, line, _, kind, title in read_truth(out_dir)}
    seen: set[tuple[str, int]] = set()
    problems = 0
    warnings = 0
    for path in sorted(out_dir.glob("*/*.md")):
        parsed = parse_text(path.read_text(encoding="utf-8"), file=path.name)
        warnings += len(parsed.warnings)
        for w in parsed.warnings[:3]:
            print(f"warning {w.file}:{w.line}: {w.reason}: {w.raw[:100]}")
        for r in parsed.records:
            key = (path.name, r.line)
            seen.add(key)
            if key not in truth:
                problems += 1
                print(f"extra {key}: {r.raw[:100]}")
                continue
            kind, title = truth[key]
            want = title_key(normalize_title(title.replace(",", "").replace("|", "/")))
            got = title_key(
                (
                    r.nickname + " "
                    if kind == "glued" and r.nickname and not r.title.startswith(r.nickname)
                    else ""
                )
                + r.title
            )
            if got != want and title_key(r.title) != want:
                problems += 1
                if problems < 20:
                    print(f"title {key}: want {title!r} got {r.title!r} (nick {r.nickname!r})")
    missing = set(truth) - seen
    for key in sorted(missing)[:10]:
        print(f"missing {key}")
    print(
        f"{len(truth)} entries, {len(seen)} parsed, {len(missing)} missing,"
        f" {problems} problems, {warnings} warnings"
    )
    return 1 if missing or problems or warnings else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--entries", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--dup-rate", type=float, default=0.05)
    ap.add_argument("--repeat-rate", type=float, default=0.10)
    ap.add_argument("--per-file", type=int, default=10_000)
    ap.add_argument("--check", action="store_true", help="parse the corpus back and compare")
    args = ap.parse_args(argv)
    summary = generate(
        args.out, args.entries, args.seed, args.dup_rate, args.repeat_rate, args.per_file
    )
    print(json.dumps(summary))
    return check(args.out) if args.check else 0


if __name__ == "__main__":
    sys.exit(main())
