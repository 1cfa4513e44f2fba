"""The principle catalogue: the shipped file is sound and true to its sources; bad catalogues name their lines."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from workshop.inputs.catalogue import (
    default_catalogue,
    load_catalogue,
    parse_catalogue,
    shipped_path,
)
from workshop.cli import cli
from workshop.model import ADDRESSED_TO
from workshop.inputs.problems import InputError

REPO = Path(__file__).resolve().parents[1]
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"the source texts are not here ({SEEDS})")


def normalise(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def cat():
    return default_catalogue()


def test_shipped_catalogue_loads(cat):
    # Roughly 45-70 recommendations in the texts; splitting two-party items into one item per party
    # (and covering every recommendation) takes the catalogue a little past that.
    assert 45 <= len(cat.principles) <= 90
    ids = [p.id for p in cat.principles]
    assert len(ids) == len(set(ids))
    assert len(cat.theme_ids) == len(set(cat.theme_ids))
    assert {p.theme for p in cat.principles} == set(cat.theme_ids)  # every theme used, none undeclared
    assert all(p.addressed_to in ADDRESSED_TO for p in cat.principles)
    assert all(p.statement and p.sources for p in cat.principles)
    assert all(t.title and t.description for t in cat.themes)


def test_principles_are_listed_theme_by_theme(cat):
    order = [cat.theme_ids.index(p.theme) for p in cat.principles]
    assert order == sorted(order)


@needs_seeds
def test_every_quote_is_in_its_source_text(cat):
    texts = {p.name: normalise(p.read_text(encoding="utf-8")) for p in SEEDS.glob("*.txt")}
    missing = [(p.id, s.text, s.quote) for p in cat.all_principles for s in p.sources
               if normalise(s.quote) not in texts.get(s.text, "")]
    assert missing == []


@needs_seeds
def test_declared_texts_are_the_seed_texts_with_their_readme_titles(cat):
    # The seeds' README has a table: | 000_....txt | "Title" | what it offers |
    table = re.findall(r'^\| (\S+\.txt) \| "([^"]+)" \|', (SEEDS / "README.md").read_text(encoding="utf-8"), re.M)
    assert len(table) == 5
    assert [(t.file, t.title) for t in cat.texts] == table
    titles = dict(table)
    assert all(s.title == titles[s.text] for p in cat.principles for s in p.sources)


@needs_seeds
def test_each_text_is_the_source_of_at_least_four_principles(cat):
    texts = sorted(p.name for p in SEEDS.glob("*.txt"))
    assert len(texts) == 5
    used = Counter(text for p in cat.principles for text in {s.text for s in p.sources})
    assert set(used) <= set(texts)
    assert {t: used[t] for t in texts if used[t] < 4} == {}


# --- the catalogue as a survey instrument ---------------------------------------------------

VOWELS = re.compile(r"[aeiouy]+")


def syllables(word: str) -> int:
    """A syllable count good enough for reading ease: vowel groups, less a silent final e."""
    w = re.sub(r"[^a-z]", "", word.lower())
    if not w:
        return 0
    if w.isupper() or (word.isupper() and len(word) > 1):  # VCS, CVS: read letter by letter
        return len(w)
    n = len(VOWELS.findall(w))
    if w.endswith("e") and not w.endswith(("le", "ee", "ye")) and n > 1:
        n -= 1
    if w.endswith(("ed",)) and not w.endswith(("ted", "ded")) and n > 1:
        n -= 1
    return max(n, 1)


def reading_ease(text: str) -> float:
    """Flesch reading ease: 206.835 - 1.015 (words per sentence) - 84.6 (syllables per word)."""
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'’-]*", text)]
    sentences = max(1, len(re.findall(r"[.!?](?:\s|$)", text)))
    parts = [part for w in words for part in w.split("-") if part]
    syl = sum(syllables(part) for part in parts)
    return 206.835 - 1.015 * len(words) / sentences - 84.6 * syl / len(words)


def test_reading_ease_function_on_known_sentences():
    assert syllables("council") == 2 and syllables("voluntary") == 4 and syllables("VCS") == 3
    assert reading_ease("The cat sat on the mat.") > 100
    assert reading_ease("Organisational infrastructure necessitates comprehensive rationalisation.") < 0


def test_no_statement_is_over_25_words(cat):
    assert [(p.id, len(p.statement.split())) for p in cat.principles if len(p.statement.split()) > 25] == []


def test_statements_are_plain_english(cat):
    scores = {p.id: reading_ease(p.statement) for p in cat.principles}
    assert {pid: round(s) for pid, s in scores.items() if s < 30} == {}
    assert sum(s > 50 for s in scores.values()) >= 0.7 * len(scores)


# The rule for negation: a statement is rated from "Not at all true" to "Completely true", so a
# negated statement turns the low end into a double negative. The main clause is what the scale
# answers; we check the whole statement, which is stricter and needs no parser: none of " not ",
# "n't", " never ", " no " (nor "cannot") anywhere in it. Quotes may hold negation; statements do not.
NEGATION = re.compile(r"\b(not|never|no|cannot)\b|n[’']t\b", re.I)


def test_no_statement_is_negated(cat):
    assert [(p.id, p.statement) for p in cat.principles if NEGATION.search(p.statement)] == []


def test_one_name_for_the_sector(cat):
    other = re.compile(r"voluntary and community (sector|organisations)|voluntary sector|third sector", re.I)
    assert [p.id for p in cat.principles if other.search(p.statement)] == []


def test_retired_ids_resolve_to_their_replacements(cat):
    assert cat.retired, "the catalogue keeps the principles it split"
    live = {p.id for p in cat.principles}
    split = [p for p in cat.retired if p.replaced_by]
    into_facts = [p for p in cat.retired if p.became_fact]
    assert len(split) == 7 and len(into_facts) == 2
    assert set(split) | set(into_facts) == set(cat.retired)
    for old in split:
        assert old.retired and len(old.replaced_by) >= 2, old.id
        assert set(old.replaced_by) <= live, old.id
        assert cat.get(old.id) is None and cat.get_retired(old.id) == old
        assert {cat.get(n).addressed_to for n in old.replaced_by} == {"council", "vcs"}, old.id
    for old in into_facts:
        assert cat.fact(old.became_fact) is not None, old.id
        assert cat.get(old.id) is None and cat.get_retired(old.id) == old
    assert not live & {p.id for p in cat.retired}
    ids = [p.id for p in cat.all_principles]
    assert len(ids) == len(set(ids))


def test_principles_command_hides_retired_ones(cat):
    result = CliRunner().invoke(cli, ["principles", "--json"])
    listed = {p["id"] for p in json.loads(result.stdout)["principles"]}
    assert listed == {p.id for p in cat.principles}
    assert not listed & {p.id for p in cat.retired}


def test_a_plan_naming_a_split_principle_is_pointed_to_its_replacements(cat):
    from workshop.inputs.plan import parse_plan
    old = cat.retired[0]
    text = f"title: T\ndate: 2026-12-03\nprinciples:\n  ids:\n    - council-sustains-grant-programmes\n    - {old.id}\n"
    with pytest.raises(InputError) as info:
        parse_plan(text, "plan.yaml")
    a, b = old.replaced_by
    assert [(p.line, p.message) for p in info.value.problems] == [
        (6, f"principle '{old.id}' was split into '{a}', '{b}'; use those")]


def test_replaced_by_must_name_principles_in_use():
    text = GOOD.replace("    sources:\n      - {text: a.txt, quote: \"keeps grants\"}\n",
                        "    retired: true\n    replaced_by: [nowhere]\n    sources:\n      - {text: a.txt, quote: \"keeps grants\"}\n")
    with pytest.raises(InputError) as info:
        parse_catalogue(text + SECOND, "cat.yaml")
    assert [(p.line, p.message) for p in info.value.problems] == [
        (9, "principle 'council-funds-grants' is replaced by 'nowhere', which is not a principle in use")]


def test_repo_root_catalogue_is_the_packaged_one():
    root, packaged = REPO / "principles.yaml", REPO / "src" / "workshop" / "principles.yaml"
    assert root.resolve() == packaged.resolve() or root.read_bytes() == packaged.read_bytes()
    assert shipped_path().read_bytes() == packaged.read_bytes()


def test_load_catalogue_missing_file(tmp_path):
    with pytest.raises(InputError) as info:
        load_catalogue(tmp_path / "nope.yaml")
    assert str(info.value) == f"{tmp_path / 'nope.yaml'}: cannot read the catalogue: No such file or directory"


def test_load_catalogue_over_one_megabyte(tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_text("themes: []\n# " + "x" * 1_000_000 + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_catalogue(path)
    assert str(info.value) == (f"{path}: this file is larger than 1 MB; a plan or catalogue is a few pages of text: "
                               "check that this is the right file")


# --- catalogues with problems ------------------------------------------------------------

GOOD = """\
themes:
  - id: funding
    title: Funding
  - id: voice
    title: Voice
texts:
  - {file: a.txt, title: A text}
principles:
  - id: council-funds-grants
    statement: The council keeps a grants programme.
    theme: funding
    addressed_to: council
    sources:
      - {text: a.txt, quote: "keeps grants"}
"""

SECOND = """\
  - id: vcs-speaks-up
    statement: The VCS speaks up for its communities.
    theme: voice
    addressed_to: vcs
    sources:
      - {text: a.txt, quote: "speaks up"}
"""


def test_small_catalogue_parses():
    cat = parse_catalogue(GOOD + SECOND)
    assert cat.theme_ids == ("funding", "voice")
    assert [p.id for p in cat.principles] == ["council-funds-grants", "vcs-speaks-up"]
    assert cat.get("vcs-speaks-up").sources[0].quote == "speaks up"
    assert cat.get("vcs-speaks-up").sources[0].title == "A text"
    assert [(t.file, t.title) for t in cat.texts] == [("a.txt", "A text")]
    assert cat.in_theme("voice") == (cat.principles[1],)
    assert cat.get("nope") is None


def test_a_catalogue_file_is_read_whole(tmp_path):
    """Every field a facilitator sees comes from the file: theme titles and descriptions, the texts'
    titles beside each quote, the facts' questions and sources, the principles in file order."""
    path = tmp_path / "cat.yaml"
    path.write_text(GOOD.replace("    title: Funding\n", "    title: Funding\n    description: Money for the sector\n")
                    .replace("principles:\n", "facts:\n  - {id: compact, question: Is there a compact?, "
                             "sources: [{text: a.txt, quote: a compact}]}\nprinciples:\n")
                    + SECOND, encoding="utf-8")
    cat = load_catalogue(path)
    assert [(t.id, t.title, t.description) for t in cat.themes] == [("funding", "Funding", "Money for the sector"),
                                                                     ("voice", "Voice", "")]
    assert [(f.id, f.question, f.answer, [(s.text, s.quote, s.title) for s in f.sources]) for f in cat.facts] == [
        ("compact", "Is there a compact?", None, [("a.txt", "a compact", "A text")])]
    first = cat.get("council-funds-grants")
    assert (first.statement, first.theme, first.addressed_to) == ("The council keeps a grants programme.", "funding",
                                                                  "council")
    assert [(s.text, s.quote, s.title) for s in first.sources] == [("a.txt", "keeps grants", "A text")]
    assert [p.id for p in cat.principles] == ["council-funds-grants", "vcs-speaks-up"]


def test_a_catalogue_that_is_not_utf8_says_how_to_save_it(tmp_path):
    path = tmp_path / "cat.yaml"
    path.write_bytes(GOOD.replace("Funding", "Financement \xe9").encode("latin-1"))
    with pytest.raises(InputError) as info:
        load_catalogue(path)
    assert [(p.path, p.line, p.message) for p in info.value.problems] == [
        (str(path), None, "cannot read the catalogue: it is not UTF-8 text; save it as UTF-8")]


BAD_CATALOGUES = [
    pytest.param(GOOD + SECOND.replace("theme: voice", "theme: voices"),
                 [(17, "unknown theme 'voices' (did you mean 'voice'?)")], id="unknown-theme"),
    pytest.param(GOOD + SECOND.replace("vcs-speaks-up", "council-funds-grants"),
                 [(15, "principle id 'council-funds-grants' is used twice (first on line 9)")], id="duplicate-id"),
    pytest.param(GOOD.replace("addressed_to: council", "addressed_to: councils") + SECOND,
                 [(12, "addressed_to must be one of council, vcs, both, not 'councils'")], id="bad-addressed-to"),
    pytest.param(GOOD + SECOND.replace("    statement: The VCS speaks up for its communities.\n", ""),
                 [(15, "a principle is missing 'statement'")], id="missing-statement"),
    pytest.param(GOOD.replace("    sources:\n      - {text: a.txt, quote: \"keeps grants\"}\n", "") + SECOND,
                 [(9, "a principle is missing 'sources'")], id="missing-sources"),
    pytest.param(GOOD.replace('{text: a.txt, quote: "keeps grants"}', "{text: a.txt}"),
                 [(14, "a source needs a 'text' and a 'quote'")], id="source-without-quote"),
    pytest.param(GOOD.replace("  - id: voice\n    title: Voice\n", "  - id: funding\n    title: Money\n"),
                 [(4, "theme 'funding' is declared twice")], id="theme-twice"),
    pytest.param(GOOD.replace("council-funds-grants", "Council Funds Grants"),
                 [(9, "principle id 'Council Funds Grants' must be lowercase letters, digits and hyphens "
                      "(like 'grant-funding')")], id="id-not-a-slug"),
    pytest.param("themes:\n  - {id: funding, title: Funding}\n",
                 [(1, "the catalogue is missing 'texts' and 'principles'; it needs 'themes', 'texts' and 'principles'")], id="no-principles"),
    pytest.param("", [(None, "the catalogue is empty")], id="empty"),
    # The source texts: each declared once with a title; every source names a declared one.
    pytest.param(GOOD + SECOND.replace("a.txt", "other.txt"),
                 [(20, "source text 'other.txt' is not declared under 'texts'; expected one of: a.txt")],
                 id="undeclared-text"),
    pytest.param(GOOD + SECOND.replace("a.txt", "b.txt"),
                 [(20, "source text 'b.txt' is not declared under 'texts' (did you mean 'a.txt'?)")],
                 id="undeclared-text-close"),
    pytest.param(GOOD.replace("  - {file: a.txt, title: A text}\n",
                              "  - {file: a.txt, title: A text}\n  - {file: a.txt, title: Again}\n"),
                 [(8, "text 'a.txt' is declared twice (first on line 7)")], id="text-twice"),
    pytest.param(GOOD.replace("{file: a.txt, title: A text}", "{file: a.txt}"),
                 [(7, "a text needs a 'file' and a 'title'")], id="text-without-title"),
    pytest.param(GOOD.replace("{file: a.txt, title: A text}", "{file: a.txt, title: A text, author: Jo}"),
                 [(7, "unknown key 'author' in a text; expected one of: file, title")], id="text-unknown-key"),
    pytest.param(GOOD.replace("texts:\n  - {file: a.txt, title: A text}\n", "texts: a.txt\n"),
                 [(6, "texts must be a list, like [{file: 000_a.txt, title: Common cause}], not 'a.txt'")],
                 id="texts-not-a-list"),
    pytest.param(GOOD.replace("texts:\n  - {file: a.txt, title: A text}\n", ""),
                 [(1, "the catalogue is missing 'texts'; it needs 'themes', 'texts' and 'principles'")],
                 id="no-texts"),
    pytest.param("themes: [funding,\nprinciples: []\n",
                 [(1, "YAML syntax error: the list opened with '[' on this line is not closed; add the missing ']'")],
                 id="syntax"),
    # Yes/no facts: declared once with a question; principles name only declared ones.
    pytest.param(GOOD.replace("principles:\n", "facts:\n  - {id: compact}\nprinciples:\n"),
                 [(9, "a fact needs an 'id' and a 'question'")], id="fact-without-question"),
    pytest.param(GOOD.replace("principles:\n", "facts:\n  - {id: compact, question: Is there one?}\n"
                              "  - {id: compact, question: Again?}\nprinciples:\n"),
                 [(10, "fact 'compact' is declared twice")], id="fact-twice"),
    pytest.param(GOOD.replace("    addressed_to: council\n", "    addressed_to: council\n    needs_fact: compact\n"),
                 [(9, "principle 'council-funds-grants' has needs_fact 'compact', which is not declared under 'facts'")],
                 id="needs-undeclared-fact"),
    pytest.param(GOOD.replace("principles:\n", "facts:\n  - {id: compact, question: Is there one?}\nprinciples:\n")
                 .replace("    addressed_to: council\n", "    addressed_to: council\n    became_fact: compact\n"),
                 [(15, "became_fact belongs to a retired principle; add 'retired: true'")], id="became-fact-not-retired"),
    pytest.param(GOOD.replace("    addressed_to: council\n", "    addressed_to: council\n    retired: true\n") + SECOND,
                 [(9, "retired principle 'council-funds-grants' needs 'replaced_by: [new ids]' or "
                      "'became_fact: a-fact-id'")], id="retired-without-successor"),
    # Every bad theme is reported, each on its line, not only the first.
    pytest.param(GOOD.replace("  - id: funding\n    title: Funding\n", "  - {id: funding}\n  - {title: Money}\n"
                              "  - {id: funding, title: [a]}\n  - {id: funding, title: Funding, colour: red}\n"),
                 [(2, "a theme needs an 'id' and a 'title'"), (3, "a theme needs an 'id' and a 'title'"),
                  (4, "theme title must be text, not a list"),
                  (5, "unknown key 'colour' in a theme; expected one of: id, title, description")], id="bad-themes"),
    pytest.param(GOOD.replace("    title: Funding\n", "    title: Funding\n    description: [a]\n"),
                 [(4, "theme description must be text, not a list")], id="theme-description-not-text"),
    pytest.param(GOOD + "colours: [red]\n",
                 [(15, "unknown key 'colours' in the catalogue; expected one of: themes, texts, principles, facts")],
                 id="unknown-top-key"),
    pytest.param(GOOD.replace("principles:\n", "facts:\n  - {id: compact, question: Is there one?, sources: [{text: b.txt, quote: one}]}\nprinciples:\n"),
                 [(9, "source text 'b.txt' is not declared under 'texts' (did you mean 'a.txt'?)")],
                 id="fact-source-undeclared"),
    pytest.param(GOOD.replace("principles:\n", "facts:\n  - {id: compact, question: Is there one?, sources: a.txt}\nprinciples:\n"),
                 [(9, "sources must be a list, not 'a.txt'")], id="fact-sources-not-a-list"),
    pytest.param(GOOD.replace("principles:\n", "facts:\n  - {id: compact, question: Is there one?, answer: yes}\nprinciples:\n"),
                 [(9, "unknown key 'answer' in a fact; expected one of: id, question, sources")], id="fact-with-answer"),
    pytest.param(GOOD.replace("principles:\n", "facts: compact\nprinciples:\n"),
                 [(8, "facts must be a list, like [{id: local-compact, question: Is there a local compact?}], "
                      "not 'compact'")], id="facts-not-a-list"),
    pytest.param(GOOD.replace("principles:\n", "facts:\n  - {id: compact, question: Is there one?}\nprinciples:\n").replace("    addressed_to: council\n", "    addressed_to: council\n    needs_fact: compakt\n"),
                 [(11, "principle 'council-funds-grants' has needs_fact 'compakt', which is not declared under 'facts' "
                       "(did you mean 'compact'?)")], id="needs-misspelt-fact"),
    # A problem with the second principle points at the second principle.
    pytest.param(GOOD + SECOND.replace("    addressed_to: vcs\n", "    addressed_to: vcs\n    retired: true\n"),
                 [(15, "retired principle 'vcs-speaks-up' needs 'replaced_by: [new ids]' or 'became_fact: a-fact-id'")],
                 id="second-retired-without-successor"),
    pytest.param(GOOD + SECOND.replace("    addressed_to: vcs\n",
                                       "    addressed_to: vcs\n    retired: true\n    replaced_by: [vcs-speaks-out]\n"),
                 [(15, "principle 'vcs-speaks-up' is replaced by 'vcs-speaks-out', which is not a principle in use")],
                 id="replaced-by-unknown"),
    pytest.param(GOOD.replace("texts:\n  - {file: a.txt, title: A text}\n", "texts: []\n"),
                 [(13, "source text 'a.txt' is not declared under 'texts'; no text is declared")], id="no-text-declared"),
    pytest.param(GOOD.replace('{text: a.txt, quote: "keeps grants"}', '{text: a.txt, quote: "keeps grants", page: 4}'),
                 [(14, "unknown key 'page' in a source; expected one of: text, quote")], id="source-unknown-key"),
    pytest.param(GOOD.replace('{text: a.txt, quote: "keeps grants"}', "{text: a.txt, quote: [keeps]}"),
                 [(14, "source quote must be text, not a list")], id="quote-not-text"),
    pytest.param(GOOD.replace('    sources:\n      - {text: a.txt, quote: "keeps grants"}\n', "    sources: a.txt\n"),
                 [(13, "sources must be a list, not 'a.txt'")], id="sources-not-a-list"),
    # A principle that is not a mapping is reported, never a crash.
    pytest.param(GOOD + "  - just text\n", [(15, "a principle must be a mapping of keys to values, not 'just text'")],
                 id="principle-as-text"),
    pytest.param(GOOD + "  - [a, b]\n", [(15, "a principle must be a mapping of keys to values, not a list")],
                 id="principle-as-a-list"),
    pytest.param(GOOD + SECOND.replace("    statement: The VCS speaks up for its communities.\n", "")
                 .replace("    theme: voice\n", ""),
                 [(15, "a principle is missing 'statement', 'theme'")], id="missing-two-keys"),
    pytest.param(GOOD + SECOND.replace("    theme: voice\n", "    theme: voice\n    colour: red\n"),
                 [(18, "unknown key 'colour' in a principle; expected one of: id, statement, theme, addressed_to, "
                       "who_can_answer, needs_fact, sources, retired, replaced_by, became_fact")],
                 id="principle-unknown-key"),
    pytest.param(GOOD + SECOND.replace("theme: voice", "theme: Our Voice"),
                 [(17, "theme 'Our Voice' must be lowercase letters, digits and hyphens (like 'grant-funding')")],
                 id="theme-not-a-slug"),
    # Several problems: all of them, in line order.
    pytest.param(GOOD.replace("addressed_to: council", "addressed_to: everyone")
                 + SECOND.replace("theme: voice", "theme: noise").replace("vcs-speaks-up", "council-funds-grants"),
                 [(12, "addressed_to must be one of council, vcs, both, not 'everyone'"),
                  (17, "unknown theme 'noise' (did you mean 'voice'?)")], id="several"),
    # Hostile input is refused as a plan's is, never a crash.
    pytest.param(GOOD.replace("The council keeps a grants programme.", '"The council keeps \\ud800"'),
                 [(10, "this text holds '\\ud800', half of a pair of characters that cannot stand alone; "
                       "write the character itself, or remove that escape")], id="lone-surrogate"),
    pytest.param("themes: " + "[" * 1000 + "]" * 1000 + "\n",
                 [(1, "lists and mappings are nested more than 20 deep here; plans and catalogues need only a "
                      "few levels: check the brackets")], id="nested-brackets"),
    pytest.param(GOOD + SECOND.replace("statement: The VCS speaks up for its communities.", "statement: " + "x" * 1001),
                 [(16, "statement is 1,001 characters long; keep it to 1,000 at most")], id="statement-too-long"),
]


@pytest.mark.parametrize(("text", "problems"), BAD_CATALOGUES)
def test_bad_catalogue(text, problems):
    with pytest.raises(InputError) as info:
        parse_catalogue(text, "cat.yaml")
    assert [(p.line, p.message) for p in info.value.problems] == problems
    assert all(p.path == "cat.yaml" for p in info.value.problems)


# --- workshop principles ---------------------------------------------------------------------


# A wide terminal, so that no id is wrapped in the table.
WIDE = {"COLUMNS": "250"}


def test_principles_command_lists_the_catalogue(cat):
    result = CliRunner().invoke(cli, ["principles"], env=WIDE)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == f"{len(cat.principles)} principles in {len(cat.themes)} themes"
    assert all(p.id in result.stdout for p in cat.principles)


def cell_lines(out: str) -> list[str]:
    """The text of the table's first column, one entry per screen line."""
    return [line.split("│")[1].strip() for line in out.splitlines() if line.startswith("│")]


def test_principles_command_at_80_columns_shows_every_id_whole_on_its_own_line(cat):
    result = CliRunner().invoke(cli, ["principles"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    lines = cell_lines(result.stdout)
    assert all(p.id in lines for p in cat.principles)  # an id is a whole line, ready to copy
    first = lines.index(cat.principles[0].id)
    assert " ".join(lines[first + 1:first + 5]).startswith(cat.principles[0].statement[:60])
    assert f"theme: {cat.principles[0].theme}" in lines
    assert "…" not in result.stdout


def test_principles_command_quotes_shows_each_source_title_and_quote(cat):
    result = CliRunner().invoke(cli, ["principles", "--theme", "independence-and-voice", "--quotes"], env=WIDE)
    assert result.exit_code == 0, result.output
    lines = cell_lines(result.stdout)
    for p in cat.in_theme("independence-and-voice"):
        for s in p.sources:
            assert f"“{s.quote}” — {s.title}" in lines
    assert ".txt" not in result.stdout
    # At 80 columns the quotes wrap, indented under the principle, but every word is there.
    narrow = CliRunner().invoke(cli, ["principles", "--quotes"], env={"COLUMNS": "80"}).stdout
    text = " ".join(" ".join(cell_lines(narrow)).split())
    assert all(f"“{' '.join(s.quote.split())}” — {s.title}" in text for p in cat.principles for s in p.sources)
    without = CliRunner().invoke(cli, ["principles"], env=WIDE).stdout
    assert "“" not in without and "They must find common cause" not in without


def test_principles_command_one_theme(cat):
    result = CliRunner().invoke(cli, ["principles", "--theme", "funding-and-grants"], env=WIDE)
    assert result.exit_code == 0, result.output
    chosen = cat.in_theme("funding-and-grants")
    assert result.stdout.splitlines()[-1] == f"{len(chosen)} principles"
    assert all(p.id in result.stdout for p in chosen)
    others = [p.id for p in cat.principles if p.theme != "funding-and-grants"]
    assert not any(pid in result.stdout for pid in others)


def test_principles_command_json(cat):
    result = CliRunner().invoke(cli, ["principles", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [t["id"] for t in data["themes"]] == list(cat.theme_ids)
    assert [p["id"] for p in data["principles"]] == [p.id for p in cat.principles]
    first = data["principles"][0]
    assert set(first) == {"id", "statement", "theme", "addressed_to", "sources"}
    assert first["sources"][0] == {"text": "000_ae2313d723949e10.txt", "title": "They must find common cause and not fall out",
                                   "quote": cat.principles[0].sources[0].quote}
    assert data["texts"][0] == {"file": "000_ae2313d723949e10.txt",
                                "title": "They must find common cause and not fall out"}


def test_principles_command_json_one_theme(cat):
    result = CliRunner().invoke(cli, ["principles", "--theme", "independence-and-voice", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [t["id"] for t in data["themes"]] == ["independence-and-voice"]
    assert [p["id"] for p in data["principles"]] == [p.id for p in cat.in_theme("independence-and-voice")]


@pytest.mark.parametrize(("theme", "message"), [
    ("fundng-and-grants", "error: unknown theme 'fundng-and-grants' (did you mean 'funding-and-grants'?)"),
    ("housing", "error: unknown theme 'housing'; expected one of: independence-and-voice, involvement-in-decisions, "
                "funding-and-grants, commissioning-and-procurement, capacity-and-infrastructure, "
                "communities-and-co-production, collaboration-and-culture, accountability-and-delivery"),
])
def test_principles_command_unknown_theme(theme, message):
    result = CliRunner().invoke(cli, ["principles", "--theme", theme])
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr == message + "\n"
    assert result.stdout == ""


def test_a_retired_principle_keeps_its_wording_and_replacements_when_stored(cat):
    # Sessions freeze each principle as a dict; a retired one reads back whole, wording and all.
    from workshop.model import Principle
    old = cat.retired[0]
    assert Principle.from_dict(json.loads(json.dumps(old.to_dict()))) == old
    assert Principle.from_dict(cat.principles[0].to_dict()) == cat.principles[0]


def test_a_plan_naming_a_principle_replaced_by_one_other_is_pointed_to_it():
    from workshop.inputs.plan import parse_plan
    cat = parse_catalogue(GOOD.replace("    sources:\n", "    retired: true\n    replaced_by: [vcs-speaks-up]\n"
                                       "    sources:\n", 1) + SECOND, "cat.yaml")
    text = "title: T\ndate: 2026-12-03\nprinciples:\n  ids: [council-funds-grants]\n"
    with pytest.raises(InputError) as info:
        parse_plan(text, "plan.yaml", catalogue=cat)
    assert [(p.line, p.message) for p in info.value.problems] == [
        (4, "principle 'council-funds-grants' was replaced by 'vcs-speaks-up'; use that")]
