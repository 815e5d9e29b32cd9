"""Turn a parsed query (`index.query_language`) into the Tantivy query that finds and ranks records.

Scoring (what `build_query` ranks by)
-------------------------------------
The score of a record is Tantivy's BM25, summed over these clauses, then
multiplied by the holdings factor:

1. Each word, in each field it may match, with weight
   `FIELD_WEIGHTS[field]` (title 4, authors 2.5, subjects 1.5, publisher 1)
   times `EXACT_BOOST` (3) when it matches the exact field (marks as typed), or
   times 1 when it matches only the folded twin (marks dropped, đ→d).  So
   `Lịch sử` ranks records spelled "Lịch sử" above "Lich su", while `lich su`
   scores both alike on the folded fields and lets the rest decide: a word
   typed without marks, in a query not `written_with_marks`, has its exact
   weight on the folded field (and so have the exact phrase bonuses below), or
   "Khoi chieu", catalogued without marks, outranked "Khói chiều".
   Every other text (notes, series, place, edition) is searched folded in
   `all_folded` with weight `ALL_FOLDED_WEIGHT` (0.5): it finds, it barely
   ranks.  Class numbers and call numbers are whole tokens ("807.12",
   `CLASS_NUMBER_FIELD`), searched with the same weight by a query word that
   holds a digit: the "12" of "DDC 807.12" is no grade 12 ("Hóa học 12").
2. Title bonuses for the words of the query's positive AND chain (bare words
   and phrases, not fielded, not inside OR/NOT): the words as an adjacent
   phrase in the title: `TITLE_PHRASE_BOOST` (folded) plus the same again when
   the marks match; the words at the very start of the title:
   `TITLE_START_BOOST` (when the query has marks, only where the title has
   them too: "Vi mô" starts no title for `vĩ mô`, while `lich sử viet nam`
   starts "Lịch sử Việt Nam"); every word somewhere in
   the title, in any order: `TITLE_ALL_BOOST`; each two neighbouring words of
   a longer query side by side in the title ("tiếng việt" of `tieng viet 1`):
   `TITLE_PAIR_BOOST`; the words as an adjacent phrase in the authors (one
   author's name, "Nguyễn Du"): `AUTHOR_PHRASE_BOOST`, again doubled when the
   marks match.  So "Truyện Kiều" outranks "The tale of Kieu … Truyện Kiều",
   which outranks a book with the words scattered over title, authors and
   subjects, and `Nguyễn Du` finds his books before a title that merely holds
   "Du" and "Nguyễn".  The marks compared are those of the same words, whatever
   else the query holds (`-sách` does not switch the exact bonus off).
   A query written with marks (on half its words or more, `written_with_marks`)
   is precise throughout: its words without marks are meant so, and every
   bonus and tier is counted on the words as typed ("vi" of `kinh tế vi mô`
   is not "vĩ": the folded phrase put macro economics above micro).
   These bonuses grow with BM25, so they shrink with the length of the field:
   "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh" earned less
   for holding `Hồ Chí Minh` than "Nhật ký trong tù" for its author, and "Du
   lịch Nguyễn Bỉnh Khiêm" more for `Nguyễn Du` than "Truyện Kiều".  So a query
   of two words or more also adds constant tiers, whatever the lengths:
   `TITLE_START_TIER` (the title starts with the words), `TITLE_PHRASE_TIER`
   (the words as a phrase anywhere in the title), `AUTHOR_PHRASE_TIER` (the
   words as one author's name), `SUBJECT_PHRASE_TIER` (the words side by
   side in a subject heading) and `TITLE_AUTHOR_TIER` (a title's first words
   and then its author's name of two words or more, or the name first:
   `truyện kiều nguyễn du`), each counting only where the marks typed
   match.  A bare name is read as a title first: the title that is the name or
   starts with it, then a title holding it, then the person's works, then the
   subjects that name it, then the words anywhere.  `văn học` lists books about
   literature before "Dược lý học" of Đào Văn Phan ("Văn", the commonest middle
   name, in the authors and "học" in the title) (tests/test_search_review.py, tests/test_search_relevance.py).
   The tiers are sized on BM25 sums of a few hundred (the fixtures' and a
   province's catalogue): a catalogue whose scores run far higher would need
   them raised with it.
3. An ISBN match weighs `ISBN_BOOST` (20): it is an identifier, it wins.
4. Holdings: Tantivy multiplies the score by log2(2 + rank_weight); the
   stored weight makes that factor 8 × (1 + log2(1 + libraries)/8), i.e.
   ×1.125 for one library, ×1.5 for fifteen (see `index.schema.rank_weight`):
   a gentle tie-breaker, never stronger than an exact spelling.

Filters (facets) are constant-score and do not change the ranking.  With no
hit at all, `SearchIndex.search` first reads the unknown words as Telex or VNI typed
with the keyboard off ("vieetj", "vie65t" are "việt", index/keyboard.py) where the
catalogue holds the syllable so spelt, and searches that; failing that, it looks for typos: a positive word of three
letters or more, letters only, that no record holds in its fields
(`typo_candidates`) may then match with one typo (two from eight letters) in
the folded fields, and the answer says `fuzzy: true` with that word spelled as
the hits spell it.  Words the index holds are never typos: no hit because of a
filter, a `-word` or a field is the answer, not a misspelling, and numbers
(years, call numbers) are never read as other numbers.  Only when the required
words alone (no filter, year or `-word`) find nothing may one bare word the
index holds be the typo ("vit" of `lich su vit nam`).
tests/test_search_relevance.py pins this ranking with real queries on the fixtures.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet

import tantivy

from index.query_language import DEFAULT_FIELDS, And, Clause, Node, Not, Or, leaves
from index.query_words import typo_distance
from index.schema import (CLASS_NUMBER_FIELD, MATCH_FIELD, TITLE_START_FIELD, TITLE_START_TOKEN, YEAR_FIELD,
                          exact_words, folded_text, folded_words)

EXACT_BOOST = 3.0
# One weight for each of DEFAULT_FIELDS (index.query_language).
FIELD_WEIGHTS: dict[str, float] = {"title": 4.0, "authors": 2.5, "subjects": 1.5, "publisher": 1.0}
ALL_FOLDED_WEIGHT = 0.5
ISBN_BOOST = 20.0
TITLE_PHRASE_BOOST = 6.0
TITLE_START_BOOST = 6.0
TITLE_ALL_BOOST = 4.0
TITLE_PAIR_BOOST = 3.0
AUTHOR_PHRASE_BOOST = 6.0
# Constant scores added, not BM25 multiplied (see "Scoring" 2): large enough that the holdings factor
# (at most x1.33 between one library and fifteen) never reorders them, small enough that it still
# orders the records within one tier.
TITLE_START_TIER = 150.0
TITLE_PHRASE_TIER = 300.0
AUTHOR_PHRASE_TIER = 60.0
SUBJECT_PHRASE_TIER = 60.0
# A title followed (or preceded) by its author's name: `truyện kiều nguyễn du` is "Truyện Kiều" by Nguyễn Du.
TITLE_AUTHOR_TIER = 150.0
# An author's name in `TITLE_AUTHOR_TIER` has two words at least (a one-word "author" is any word of a name).
_NAME_WORDS_MIN = 2


def _bonus_clauses(node: Node) -> list[Clause]:
    """The top-level AND chain of bare words and phrases (see "Scoring" above)."""
    chain = node.children if isinstance(node, And) else [node]
    clauses: list[Clause] = []
    for child in chain:
        if isinstance(child, And):
            clauses += _bonus_clauses(child)
        elif isinstance(child, Clause) and child.kind == "text" and child.fields == DEFAULT_FIELDS:
            clauses.append(child)
    return clauses


def match_query(schema: tantivy.Schema, node: Node) -> tantivy.Query:
    """The records `build_query` finds, found the cheap way: for counting facets, which ignore scores.

    A plain word is one posting list of MATCH_FIELD (every word its fields hold, folded)
    instead of the union of its nine scoring fields, most of a search's cost.
    """
    return _node_query(schema, node, frozenset(), scoring=False)


def build_query(schema: tantivy.Schema, node: Node, fuzzy: AbstractSet[str] = frozenset()) -> tantivy.Query:
    """The Tantivy query of a parsed tree with the title bonuses; `fuzzy`: folded words that may match with a typo."""
    main = _node_query(schema, node, fuzzy, precise=_written_with_marks(node))
    clauses = _bonus_clauses(node)
    words = [w for c in clauses for w in folded_words(c.text)]
    if not words or fuzzy:
        return main
    bonus: list[tuple[tantivy.Occur, tantivy.Query]] = [(tantivy.Occur.Must, main)]
    # The same words with their marks: a `-word`, a fielded term or an OR elsewhere in the
    # query must not switch off the bonus for spelling these right.
    exact = [w for c in clauses for w in exact_words(c.text)]
    start = tantivy.Query.phrase_query(schema, TITLE_START_FIELD, [TITLE_START_TOKEN, *words])
    if len(exact) == len(words) and exact != words:
        # Typed with marks, the start counts only where the title has them: "Vi mô" (micro)
        # must not start a title for `vĩ mô` (macro), or enough holdings lift it above the real one.
        start = tantivy.Query.boolean_query([(tantivy.Occur.Must, start),
                                             (tantivy.Occur.Must, _marks_in_title(schema, exact, words))])
    bonus.append((tantivy.Occur.Should, tantivy.Query.boost_query(start, TITLE_START_BOOST)))
    if len(words) > 1:
        bonus += _tiers(schema, start, exact, words)
        # Written with marks, the words count as typed, in the exact fields: folded, "kinh tế vĩ mô"
        # held `kinh tế vi mô` as a phrase and outranked "kinh tế học vi mô" (`written_with_marks`).
        as_written = written_with_marks(exact, words)
        title, authors, typed = ("title", "authors", exact) if as_written else ("title_folded", "authors_folded", words)
        every = tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, tantivy.Query.term_query(schema, title, w)) for w in typed])
        bonus.append((tantivy.Occur.Should, tantivy.Query.boost_query(every, TITLE_ALL_BOOST)))
        # The phrases as typed (below) count once more; without marks, or written with them, they are these
        # phrases: one scorer each, its boost twice (BM25 is linear in the boost).
        same = len(exact) == len(words) and (exact == words or as_written)
        twice = 2.0 if same else 1.0
        phrase = tantivy.Query.phrase_query(schema, title, typed)
        bonus.append((tantivy.Occur.Should, tantivy.Query.boost_query(phrase, twice * TITLE_PHRASE_BOOST)))
        for pair in zip(typed, typed[1:]) if len(typed) > 2 else ():
            # Two words of a longer query side by side in the title ("tiếng việt" of `tieng viet 1`).
            phrase = tantivy.Query.phrase_query(schema, title, list(pair))
            bonus.append((tantivy.Occur.Should, tantivy.Query.boost_query(phrase, TITLE_PAIR_BOOST)))
        # The words as one author's name ("Nguyễn Du"): his books above titles that merely
        # hold both words somewhere.
        phrase = tantivy.Query.phrase_query(schema, authors, typed)
        bonus.append((tantivy.Occur.Should, tantivy.Query.boost_query(phrase, twice * AUTHOR_PHRASE_BOOST)))
        if len(exact) == len(words) and not same:
            # Without marks these are the folded phrases above: "Khoi chieu", catalogued so, is no better
            # a match for `khoi chieu` than "Khói chiều" (review).
            phrase = tantivy.Query.phrase_query(schema, "title", exact)
            bonus.append((tantivy.Occur.Should, tantivy.Query.boost_query(phrase, TITLE_PHRASE_BOOST)))
            phrase = tantivy.Query.phrase_query(schema, "authors", exact)
            bonus.append((tantivy.Occur.Should, tantivy.Query.boost_query(phrase, AUTHOR_PHRASE_BOOST)))
    return tantivy.Query.boolean_query(bonus)


def _tiers(schema: tantivy.Schema, start: tantivy.Query, exact: list[str],
           words: list[str]) -> list[tuple[tantivy.Occur, tantivy.Query]]:
    """The constant tiers of a query of several words: title start, title phrase, author's name
    ("Scoring" 2); typed with marks, the phrase and the name count only where they have them."""
    title = tantivy.Query.phrase_query(schema, "title_folded", words)
    author = tantivy.Query.phrase_query(schema, "authors_folded", words)
    subject = tantivy.Query.phrase_query(schema, "subjects_folded", words)
    if len(exact) == len(words) and exact != words:
        title = tantivy.Query.boolean_query([(tantivy.Occur.Must, title),
                                             (tantivy.Occur.Must, _marks_in_title(schema, exact, words))])
        author = tantivy.Query.phrase_query(schema, "authors", exact)
        subject = tantivy.Query.phrase_query(schema, "subjects", exact)
    return [(tantivy.Occur.Should, tantivy.Query.const_score_query(query, tier))
            for query, tier in ((start, TITLE_START_TIER), (title, TITLE_PHRASE_TIER), (author, AUTHOR_PHRASE_TIER),
                                (subject, SUBJECT_PHRASE_TIER), *((query, TITLE_AUTHOR_TIER) for query in
                                                                  _title_and_author(schema, exact, words)))]


def _title_and_author(schema: tantivy.Schema, exact: list[str], words: list[str]) -> list[tantivy.Query]:
    """The query as a title's first words and then an author's name, or the name and then the title, at
    each place the words can be cut so.  `truyện kiều nguyễn du` held every word in the title of "The
    tale of Kieu: … Nguyễn Du's Truyện Kiều", which outranked "Truyện Kiều" by Nguyễn Du (review)."""
    marked = len(exact) == len(words) and exact != words
    found = []
    for cut in range(1, len(words)):
        for title_words, name_words, title_exact, name_exact in (
                (words[:cut], words[cut:], exact[:cut], exact[cut:]),
                (words[-cut:], words[:-cut], exact[-cut:], exact[:-cut])):
            if len(name_words) < _NAME_WORDS_MIN:
                continue
            start = tantivy.Query.phrase_query(schema, TITLE_START_FIELD, [TITLE_START_TOKEN, *title_words])
            # Typed with marks, each part counts only where it has them, as the other tiers do.
            if marked and title_exact != title_words:
                start = tantivy.Query.boolean_query([(tantivy.Occur.Must, start),
                                                     (tantivy.Occur.Must, _marks_in_title(schema, title_exact,
                                                                                          title_words))])
            name = (tantivy.Query.phrase_query(schema, "authors", name_exact) if marked and name_exact != name_words
                    else tantivy.Query.phrase_query(schema, "authors_folded", name_words))
            found.append(tantivy.Query.boolean_query([(tantivy.Occur.Must, start), (tantivy.Occur.Must, name)]))
    return found


def _marks_in_title(schema: tantivy.Schema, exact: list[str], words: list[str]) -> tantivy.Query:
    """The words typed with marks, spelled so in the title at their places in the query; every word
    as typed when the query is `written_with_marks` ("vi" of `kinh tế vi mô` is not "vĩ").

    Else only those: a word typed without marks says nothing, so `lich sử viet nam` (marks on
    "sử" alone) still starts "Lịch sử Việt Nam…"; all of them were once required as typed,
    and no title starts with "lich".
    """
    marked = [(n, word) for n, (word, folded) in enumerate(zip(exact, words))
              if word != folded or written_with_marks(exact, words)]
    if len(marked) == 1:
        return tantivy.Query.term_query(schema, "title", marked[0][1])
    return tantivy.Query.phrase_query(schema, "title", marked)


# A Vietnamese syllable ending so always carries a tone mark (sắc or nặng).
_MARKED_ENDINGS = ("p", "t", "c", "ch")


def written_with_marks(exact: list[str], folded: list[str]) -> bool:
    """Whether words typed with marks on half of them or more are written with marks throughout, so a
    word without marks is meant so: "vi" of `kinh tế vi mô` (micro) is not "vĩ" (macro), whose title
    held the query as a folded phrase and outranked the micro title (review).  Fewer marks are a
    hint, not a spelling: `lich sử viet nam` still finds "Lịch sử Việt Nam" first.  So is a word that
    cannot be Vietnamese without a mark, one ending in p, t, c or ch (only the rising and the heavy
    tone end so): "lich" of `lich sử` is "lịch" with its marks left off."""
    marked = sum(word != plain for word, plain in zip(exact, folded))
    marks_left_off = any(word == plain and plain.endswith(_MARKED_ENDINGS) for word, plain in zip(exact, folded))
    return len(exact) == len(folded) and marked > 0 and 2 * marked >= len(exact) and not marks_left_off


def _written_with_marks(node: Node) -> bool:
    """`written_with_marks` of the query's positive words, all leaves together."""
    texts = [c.text for c in leaves(node) if c.kind == "text" and not c.negate]
    return written_with_marks([w for t in texts for w in exact_words(t)], [w for t in texts for w in folded_words(t)])


def _node_query(schema: tantivy.Schema, node: Node, fuzzy: AbstractSet[str], scoring: bool = True,
                excluded: bool = False, precise: bool = False) -> tantivy.Query:
    """`node`'s query; `excluded`: under a NOT, where what is written with marks is matched as typed;
    `precise`: the query is `written_with_marks`, so its words without marks are meant so."""
    if isinstance(node, Clause):
        return _clause_query(schema, node, fuzzy, scoring, excluded, precise)
    if isinstance(node, Not):
        child = _node_query(schema, node.child, frozenset(), scoring, not excluded, precise)
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, tantivy.Query.all_query()),
                                            (tantivy.Occur.MustNot, child)])
    if isinstance(node, Or):
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, _node_query(schema, child, fuzzy, scoring, excluded,
                                                                               precise)) for child in node.children])
    parts: list[tuple[tantivy.Occur, tantivy.Query]] = []
    for child in node.children:
        if isinstance(child, Not):
            parts.append((tantivy.Occur.MustNot, _node_query(schema, child.child, frozenset(), scoring, not excluded,
                                                             precise)))
        else:
            parts.append((tantivy.Occur.Must, _node_query(schema, child, fuzzy, scoring, excluded, precise)))
    if all(occur == tantivy.Occur.MustNot for occur, _ in parts):
        parts.append((tantivy.Occur.Must, tantivy.Query.all_query()))
    return tantivy.Query.boolean_query(parts)


def _clause_query(schema: tantivy.Schema, clause: Clause, fuzzy: AbstractSet[str], scoring: bool,
                  excluded: bool, precise: bool) -> tantivy.Query:
    if clause.kind == "year":
        low, high = clause.years
        return year_query(schema, low, high)
    if clause.kind == "prefix":
        return _prefix_query(schema, clause, scoring)
    if clause.kind == "isbn":
        isbn = tantivy.Query.boost_query(tantivy.Query.term_set_query(schema, "isbn", clause.isbns), ISBN_BOOST)
        # An ISBN with a wrong check digit is no ISBN (the isbn field holds valid ones, so it finds no other
        # book) but text, held as its digits (`invalid_isbn`): found so however it is typed, `isbn:` too (review).
        digits = tantivy.Query.term_set_query(schema, "all_folded", [form.lower() for form in clause.isbns])
        should = [(tantivy.Occur.Should, isbn),
                  (tantivy.Occur.Should, tantivy.Query.boost_query(digits, ALL_FOLDED_WEIGHT))]
        if clause.text:
            words = Clause("text", DEFAULT_FIELDS, clause.text, phrase=True)
            should.append((tantivy.Occur.Should, _text_query(schema, words, frozenset(), scoring)))
        return tantivy.Query.boolean_query(should)
    return _text_query(schema, clause, fuzzy, scoring, excluded, precise)


def _text_query(schema: tantivy.Schema, clause: Clause, fuzzy: AbstractSet[str],
                scoring: bool = True, excluded: bool = False, precise: bool = False) -> tantivy.Query:
    """A text clause scored in its fields, or (not `scoring`) one plain word found in MATCH_FIELD."""
    if not scoring and not fuzzy and clause.fields == DEFAULT_FIELDS and not excluded and not clause.phrase:
        folded = folded_words(clause.text)
        if len(folded) == 1 and len(exact_words(clause.text)) == 1:
            word = tantivy.Query.term_query(schema, MATCH_FIELD, folded[0])
            number = _class_number_query(schema, clause.text)
            return word if number is None else tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, word), (tantivy.Occur.Should, number)])
    return field_scores(schema, clause, fuzzy, excluded, precise)


def _prefix_query(schema: tantivy.Schema, clause: Clause, scoring: bool) -> tantivy.Query:
    """A truncated word (`truy*`) in the folded fields, each match scored as its field's weight, a title that
    starts with it once more; and, with a digit (`895.92*`), the class and call numbers that start so.

    A lone prefix is Tantivy's range of terms, one bitset whatever the number of words it spans; after
    other words (`o'br*`) a phrase prefix, which Tantivy expands to 50 words at most."""
    words = folded_words(clause.text)
    fields = ([MATCH_FIELD] if not scoring and clause.fields == DEFAULT_FIELDS and len(words) == 1
              else [f"{name}_folded" for name in clause.fields])
    should = [(tantivy.Occur.Should, tantivy.Query.const_score_query(
        tantivy.Query.phrase_prefix_query(schema, field, words), FIELD_WEIGHTS.get(field[:-len("_folded")], 1.0)))
        for field in fields]
    if clause.fields == DEFAULT_FIELDS and scoring:
        should.append((tantivy.Occur.Should, tantivy.Query.const_score_query(
            tantivy.Query.phrase_prefix_query(schema, "all_folded", words), ALL_FOLDED_WEIGHT)))
    if "title" in clause.fields and scoring:
        start = tantivy.Query.phrase_prefix_query(schema, TITLE_START_FIELD, [TITLE_START_TOKEN, *words])
        should.append((tantivy.Occur.Should, tantivy.Query.const_score_query(start, FIELD_WEIGHTS["title"])))
    if clause.fields == DEFAULT_FIELDS and (number := _class_number_query(schema, clause.text, True)) is not None:
        should.append((tantivy.Occur.Should, tantivy.Query.const_score_query(number, ALL_FOLDED_WEIGHT)))
    return tantivy.Query.boolean_query(should)


def _class_number_query(schema: tantivy.Schema, text: str, prefix: bool = False) -> tantivy.Query | None:
    """`text` as class or call numbers ("807.12", "807.12 NG230"), each a whole token, the last a prefix
    if `prefix` ("895.92*"); None when it holds no digit (a word is no class number, and the scheme's
    words are not searched)."""
    numbers = folded_text(text).split()
    if not any(char.isdigit() for char in "".join(numbers)):
        return None
    terms = [tantivy.Query.term_query(schema, CLASS_NUMBER_FIELD, number) for number in numbers]
    if prefix:
        terms[-1] = tantivy.Query.phrase_prefix_query(schema, CLASS_NUMBER_FIELD, numbers[-1:])
    return terms[0] if len(terms) == 1 else tantivy.Query.boolean_query([(tantivy.Occur.Must, t) for t in terms])


def field_scores(schema: tantivy.Schema, clause: Clause, fuzzy: AbstractSet[str],
                 excluded: bool = False, precise: bool = False) -> tantivy.Query:
    """Should over exact and folded fields, boosted by field weight and exactness; `excluded`: under a NOT;
    `precise`: the query is written with marks (`_node_query`)."""
    exact, folded = exact_words(clause.text), folded_words(clause.text)
    # A quoted phrase or an excluded word written with marks is matched as typed: `"kinh tế vi mô"` is
    # not "kinh tế vĩ mô", and `-đảng` kept "Đặng" and "Đằng" out ("Lịch sử Việt Nam bằng tranh", review).
    as_typed = (clause.phrase or excluded) and written_with_marks(exact, folded)
    # Words without marks in a query without marks say nothing of marks: their exact boost goes to the folded
    # field, so "Khoi chieu" (catalogued without marks) no longer outranks "Khói chiều" for `khoi chieu` (review).
    # The exact field still finds, unscored: a lone mark splits a word there that folding joins ("x\u0301y").
    unmarked = exact == folded and not precise
    targets: list[tuple[str, list[str], float]] = []
    for name in clause.fields:
        weight = FIELD_WEIGHTS[name]
        if unmarked:  # the exact weight and the folded one on the one folded posting list (BM25 is linear in it)
            targets += [(name, exact, 0.0), (f"{name}_folded", folded, weight * (EXACT_BOOST + 1))]
            continue
        targets.append((name, exact, weight * EXACT_BOOST))
        if not as_typed:
            targets.append((f"{name}_folded", folded, weight))
    # The text with no exact twin, which cannot tell "Nguyễn Dữ" from "Nguyễn Du": not for what is matched as typed.
    if clause.fields == DEFAULT_FIELDS and not as_typed:
        targets.append(("all_folded", folded, ALL_FOLDED_WEIGHT))
    should: list[tuple[tantivy.Occur, tantivy.Query]] = []
    for name, words, boost in targets:
        if not words:
            continue
        if len(words) > 1:
            query = tantivy.Query.phrase_query(schema, name, words)
        elif name.endswith("_folded") and words[0] in fuzzy:
            distance = typo_distance(words[0])
            query = tantivy.Query.fuzzy_term_query(schema, name, words[0], distance=distance)
        else:
            query = tantivy.Query.term_query(schema, name, words[0])
        should.append((tantivy.Occur.Should, tantivy.Query.boost_query(query, boost)))
    if clause.fields == DEFAULT_FIELDS and (number := _class_number_query(schema, clause.text)) is not None:
        should.append((tantivy.Occur.Should, tantivy.Query.boost_query(number, ALL_FOLDED_WEIGHT)))
    return tantivy.Query.boolean_query(should)


def year_query(schema: tantivy.Schema, low: int | None, high: int | None) -> tantivy.Query:
    """Records published in [low, high]; an open end is unbounded."""
    return tantivy.Query.range_query(schema, YEAR_FIELD, tantivy.FieldType.Integer, low, high)
