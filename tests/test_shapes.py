"""Hard lines of each shape real lists use (copied from public lists), read field by field.

tests/fixtures/shapes/ holds them under the headings they had; each expectation is what a
careful reader copies from the line. The whole real lists are scored in test_wild.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from paperdb.importers import parse_text
from paperdb.models import PaperRecord

SHAPES = Path(__file__).parent / "fixtures" / "shapes"

ARXIV_SURVEY = "https://arxiv.org/pdf/1901.03407.pdf"
# (file, line, field -> value); a title given as "..." ends with that text.
EXPECTED: list[tuple[str, int, dict[str, Any]]] = [
    # structure: a Contents list above the sections, a venue-year heading, plain and
    # wrapped bullets, a hard-wrapped link, a bold-numbered block with labelled lines,
    # <details> wrappers, an HTML table, a Tools section
    (
        "structure",
        11,
        {
            "venue": "DAC",
            "year": 2016,
            "paper_url": None,
            "authors": None,
            "title": "DeepBurning: Automatic Generation of FPGA-based Learning "
            "Accelerators for the Neural Network Family",
        },
    ),
    (
        "structure",
        13,
        {"venue": "DAC", "title": "...Based “Spin-Memristor” for Image Processing Applications"},
    ),
    ("structure", 14, {"title": "...through Adaptive Data-level Parallelization"}),
    (
        "structure",
        19,
        {
            "venue": "CGO",
            "year": 2022,
            "topic": "quantization",
            "title": "SRTuner: Effective Compiler Optimization Customization by "
            "Exposing Synergistic Relations",
            "authors": (
                "Sunghyun Park",
                "Salar Latifi",
                "Yongjun Park",
                "Armand Behroozi",
                "Byungsoo Jeon",
                "Scott Mahlke",
            ),
        },
    ),
    (
        "structure",
        22,
        {
            "venue": "NeurIPS",
            "year": 2022,
            "title": "Outlier Suppression: Pushing the Limit of Low-bit "
            "Transformer Language Models",
            "paper_url": "https://arxiv.org/abs/2209.13325",
            "code": ["https://github.com/wimh966/outlier_suppression"],
            "authors": ("Xiuying Wei", "Yunchen Zhang", "Xiangguo Zhang"),
        },
    ),
    (
        "structure",
        28,
        {"venue": "ASPLOS", "year": 2026, "code": ["https://github.com/flashserve/PAT"]},
    ),
    (
        "structure",
        32,
        {
            "title": "Learning to Attack",
            "venue": "EMNLP",
            "year": 2021,
            "paper_url": "https://aclanthology.org/2021.emnlp-main.1",
            "code": ["https://github.com/a/attack"],
        },
    ),
    # tables: column roles in other orders, <br> cells with badges, nickname + (@Org),
    # a Links column, a Name | Paper table, two entries side by side
    (
        "tables",
        5,
        {
            "venue": "ICLR",
            "presentation": "spotlight",
            "year": 2020,
            "code": ["https://github.com/namhoonlee/spp-public"],
        },
    ),
    (
        "tables",
        11,
        {
            "title": "OmniVideo-100K: A Dataset for Audio-Visual Reasoning",
            "venue": "arXiv",
            "year": 2026,
            "code": ["https://github.com/MiG-NJU/OmniVideo-100K"],
        },
    ),
    (
        "tables",
        17,
        {
            "title": "DeepSeek-V3 Technical Report",
            "nickname": "DeepSeek-V3",
            "year": 2024,
            "venue": None,
            "code": ["https://github.com/deepseek-ai/DeepSeek-V3"],
        },
    ),
    (
        "tables",
        23,
        {
            "title": "Knowledge Graph Completion Models are Few-shot Learners",
            "venue": "arXiv",
            "paper_url": "https://arxiv.org/abs/2305.09858v1",
        },
    ),
    # inline text of an entry
    (
        "inline",
        3,
        {
            "venue": "ICML",
            "title": "SmoothQuant: Accurate and Efficient "
            "Post-Training Quantization for Large Language Models",
            "code": ["https://github.com/mit-han-lab/smoothquant"],
        },
    ),
    (
        "inline",
        4,
        {
            "year": 2015,
            "authors": ("Geoffrey Hinton", "Oriol Vinyals", "Jeff Dean"),
            "title": "Distilling the Knowledge in a Neural Network",
        },
    ),
    (
        "inline",
        5,
        {
            "title": "Deep Residual Learning for Image Recognition",
            "venue": "CVPR",
            "year": 2016,
            "authors": ("He, Kaiming",),
        },
    ),
    (
        "inline",
        6,
        {"venue": "ACL-IJCNLP", "year": 2021, "authors": ("Jieyu Lin", "Jiajie Zou", "Nai Ding")},
    ),
    (
        "inline",
        7,
        {
            "title": "Deep Learning for Anomaly Detection: A Survey",
            "venue": "arXiv",
            "year": 2019,
            "paper_url": ARXIV_SURVEY,
        },
    ),
    (
        "inline",
        8,
        {
            "venue": "TPAMI",
            "year": 2021,
            "paper_url": "https://ieeexplore.ieee.org/abstract/document/9349197",
        },
    ),
    (
        "inline",
        9,
        {
            "title": "Quantizing deep convolutional networks for efficient inference",
            "venue": "ICCV",
            "year": 2023,
        },
    ),
    (
        "inline",
        10,
        {"code": ["https://github.com/facebookresearch/fairseq/tree/main/examples/quant_noise"]},
    ),
    (
        "inline",
        11,
        {"title": "Pruning Filters for Efficient ConvNets", "year": 2017, "venue": None},
    ),
    ("inline", 12, {"venue": "CVPR", "year": 2017, "nickname": "NISP"}),
    ("inline", 13, {"venue": None, "year": 2016, "nickname": "GAP"}),
    (
        "inline",
        14,
        {
            "title": "Drive&Segment: Unsupervised Semantic Segmentation",
            "code": ["https://github.com/someone/drive-segment"],
        },
    ),
    (
        "inline",
        15,
        {
            "venue": "ICML",
            "year": 2023,
            "presentation": "oral",
            "authors": ("Yaniv Leviathan", "Matan Kalman", "Yossi Matias"),
        },
    ),
    (
        "inline",
        18,
        {
            "title": "Imagenet classification with deep convolutional neural networks",
            "venue": "NeurIPS",
            "year": 2012,
            "authors": ("Krizhevsky, Alex", "Ilya Sutskever", "Geoffrey E. Hinton"),
        },
    ),
]


def _records(name: str) -> dict[int, list[PaperRecord]]:
    parsed = parse_text((SHAPES / f"{name}.md").read_text(encoding="utf-8"), file=f"{name}.md")
    assert not parsed.warnings, parsed.warnings
    by_line: dict[int, list[PaperRecord]] = {}
    for record in parsed.records:
        by_line.setdefault(record.line, []).append(record)
    return by_line


def _value(record: PaperRecord, field: str) -> Any:
    return [c.url for c in record.code] if field == "code" else getattr(record, field)


@pytest.mark.parametrize(("name", "line", "want"), EXPECTED, ids=lambda v: str(v)[:20])
def test_shape(name: str, line: int, want: dict[str, Any]) -> None:
    (record,) = _records(name)[line]
    for field, value in want.items():
        got = _value(record, field)
        if isinstance(value, str) and value.startswith("..."):
            assert isinstance(got, str) and got.endswith(value[3:]), (field, got)
        else:
            assert got == value, (field, got)


def test_every_entry_and_nothing_else() -> None:
    """Contents, tools and notes are not papers; two entries side by side are two."""
    assert sorted(_records("structure")) == [11, 13, 14, 19, 22, 28, 32]
    side = _records("tables")[29]
    assert [r.title for r in side] == ["Deep Compression", "Learning both Weights and Connections"]
    assert [r.venue for r in side] == ["ICLR", "NeurIPS"]
    assert sorted(_records("inline")) == [*range(3, 16), 18]


def test_year_from_the_file_name() -> None:
    text = "## NeurIPS\n\n### Pruning\n\n- Movement Pruning: Adaptive Sparsity by Fine-Tuning\n"
    (record,) = parse_text(text, file="lists/2020.md").records
    assert (record.venue, record.year, record.topic) == ("NeurIPS", 2020, "pruning")
