"""URLs and code frameworks as lists write them: is a target a URL, its arXiv id, its host,
the framework a code label names.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

_URL_RE = re.compile(r"^(?:https?|ftp)://[^\s<>\"]+$|^www\.[^\s<>\"]+\.[a-z]{2,}\S*$", re.I)
_ARXIV_RE = re.compile(
    r"arxiv\.org/(?:abs|pdf|html)/(?P<id>[0-9]{4}\.[0-9]{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/[0-9]{7})",
    re.I,
)


def is_url(target: str) -> bool:
    """Whether a link target is a URL (lists sometimes put the title there).

    >>> is_url("https://arxiv.org/abs/1803.03635"), is_url("ZeroQ: A Novel Framework")
    (True, False)
    """
    return bool(_URL_RE.match(target.strip()))


def arxiv_id(url: str | None) -> str | None:
    """The arXiv identifier of an arxiv.org abs/pdf URL, without version.

    >>> arxiv_id("https://arxiv.org/pdf/2001.02786v2.pdf"), arxiv_id("http://arxiv.org/abs/1911.08020")
    ('2001.02786', '1911.08020')
    >>> arxiv_id("https://openreview.net/forum?id=x") is None
    True
    """
    if not url:
        return None
    match = _ARXIV_RE.search(url)
    return match.group("id") if match else None


def url_host(url: str) -> str | None:
    """Host name of a URL without ``www.``.

    >>> url_host("https://www.github.com/a/b")
    'github.com'
    """
    host = urlsplit(url).hostname
    return host.removeprefix("www.") if host else None


_FRAMEWORKS = {
    "pytorch": "PyTorch",
    "pt": "PyTorch",
    "torch": "PyTorch",
    "tensorflow": "TensorFlow",
    "tf": "TensorFlow",
    "keras": "Keras",
    "caffe": "Caffe",
    "caffe2": "Caffe2",
    "torch7": "Torch-7",
    "torch-7": "Torch-7",
    "lua": "Torch-7",
    "luatorch": "Torch-7",
    "mxnet": "MXNet",
    "gluon": "MXNet",
    "theano": "Theano",
    "lasagne": "Theano",
    "jax": "JAX",
    "flax": "JAX",
    "paddle": "PaddlePaddle",
    "paddlepaddle": "PaddlePaddle",
    "chainer": "Chainer",
    "mindspore": "MindSpore",
    "matlab": "MATLAB",
    "darknet": "Darknet",
    "tvm": "TVM",
}


@lru_cache(maxsize=1024)
def canonical_framework(label: str | None) -> str | None:
    """Normalized framework name(s); several joined with ``+``; unknown kept as written.

    >>> canonical_framework("Pytorch"), canonical_framework("TF+PT"), canonical_framework("caffe")
    ('PyTorch', 'TensorFlow+PyTorch', 'Caffe')
    >>> canonical_framework("Torch-7"), canonical_framework("") is None
    ('Torch-7', True)
    """
    if not label or not label.strip():
        return None
    names = []
    for part in re.split(r"\s*[+/&,]\s*", label.strip()):
        if not part:
            continue
        key = part.casefold().replace(" ", "")
        name = _FRAMEWORKS.get(key) or _FRAMEWORKS.get(key.replace("-", "")) or part
        if name not in names:
            names.append(name)
    return "+".join(names) or None
