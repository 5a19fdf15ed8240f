"""Formula parsing: Wilkinson terms, panel operators, IV brackets."""

import pytest

from regiometrics.errors import SpecError
from regiometrics.spec import parse_formula


def test_interactions_expand_and_keep_formula_names():
    f = parse_formula("ER ~ DT*INF + L.DT + MEDICAL")
    assert f.dependent.text == "ER"
    assert f.term_names == ["DT", "INF", "DT:INF", "L.DT", "MEDICAL"]
    assert f.intercept


def test_operators_parse_to_shift_and_difference():
    f = parse_formula("D.y ~ L2.x + F.z + LD.w")
    assert (f.dependent.lag, f.dependent.diff) == (0, 1)
    lag2, lead, lagdiff = (t.variables[0] for t in f.terms)
    assert (lag2.name, lag2.lag) == ("x", 2)
    assert lead.lag == -1
    assert (lagdiff.lag, lagdiff.diff, lagdiff.text) == (1, 1, "LD.w")


def test_iv_bracket():
    f = parse_formula("ER ~ MEDICAL + [DT ~ IVNQ + L.ports]")
    assert f.term_names == ["MEDICAL"]
    assert [t.name for t in f.endogenous] == ["DT"]
    assert [t.name for t in f.instruments] == ["IVNQ", "L.ports"]
    assert f.columns() == ["ER", "MEDICAL", "DT", "IVNQ", "ports"]


def test_no_intercept():
    assert not parse_formula("y ~ x + 0").intercept
    assert not parse_formula("y ~ x - 1").intercept


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("y x", "needs 'dependent ~ regressors'"),
        ("y ~ ", "no regressors"),
        ("y ~ a + + b", "empty term"),
        ("y ~ logit(x)", "unknown function 'logit'"),
        ("y ~ x^2", "for a power write I\\(x\\^2\\)"),
        ("y ~ a - b", "'-' is only allowed as '-1'"),
        ("y ~ a + [b ~ c", "one bracket"),
        # the mistakes of users coming from fixest / R / Stata
        ("y ~ x**2 + z", "cannot read 'x\\*\\*2'; for a power write I\\(x\\*\\*2\\)"),
        ("y ~ log(x) ** 2", "for a power write I\\(log\\(x\\)\\*\\*2\\)"),
        ("y ~ x | id + year", "'\\|' in 'y ~ x \\| id \\+ year': fixed effects are not part of "
                              "the formula here; write the part after '\\|' as effects"),
        ("y ~ a + [b ~ ]", "no instrument in \\[b ~ \\]"),
        ("y ~ a + [ ~ c]", "no endogenous regressor in \\[ ~ c\\]"),
        ("y ~ [a ~ c] + [b ~ d]", "one bracket '\\[endogenous ~ instruments\\]' \\(all "
                                  "endogenous regressors and all instruments in one"),
        ("y ~ C(r, Sum)", "cannot read the coding in 'C\\(r, Sum\\)'; factors use treatment"),
        ("y ~ L(0/2).x", "Stata's operator range 'L\\(0/2\\).x' is not read; write each term: "
                         "x \\+ L.x \\+ L2.x"),
    ],
)
def test_bad_formulas_say_what_is_wrong(text, match):
    with pytest.raises(SpecError, match=match):
        parse_formula(text, where="spec.yaml: models.m1.formula")


def test_backtick_quoted_names_may_hold_formula_characters():
    f = parse_formula("`y (log)` ~ `a+b` + L.`gdp growth` + `x*z`:`c-d` + `e~f` + 0")
    assert f.dependent.name == "y (log)"
    assert f.term_names == ["a+b", "L.gdp growth", "x*z:c-d", "e~f"]
    assert f.columns() == ["y (log)", "a+b", "gdp growth", "x*z", "c-d", "e~f"]
    assert not f.intercept


def test_unicode_identifiers_need_no_quotes():
    f = parse_formula("Bevölkerung ~ 人均GDP + D.Ähnlichkeit")
    assert f.term_names == ["人均GDP", "D.Ähnlichkeit"]


def test_variable_source_parses_back_to_the_same_variable():
    from regiometrics.spec.formula import parse_variable, quote_name

    assert quote_name("lpcap") == "lpcap" and quote_name("gdp growth") == "`gdp growth`"
    for text in ("L2.`gdp growth`", "FD.x", "`2010`", "Bevölkerung", "LD.`a:b`"):
        var = parse_variable(text)
        assert parse_variable(var.source) == var


def test_term_limit_counts_the_expansion_before_building_it():
    from regiometrics.spec.formula import MAX_TERMS

    seven = "*".join(f"x{i}" for i in range(7))
    assert len(parse_formula(f"y ~ {seven}").terms) == 2 ** 7 - 1 <= MAX_TERMS
    eight = "*".join(f"x{i}" for i in range(8))
    with pytest.raises(SpecError, match=r"expands to 255 terms \(2\^8 - 1\); at most 200"):
        parse_formula(f"y ~ {eight}")
    with pytest.raises(SpecError, match=r"expands to more than 200 terms \(the limit\)"):
        parse_formula(f"y ~ {seven} + " + "*".join(f"z{i}" for i in range(7)))


@pytest.mark.parametrize("text", ["C(r, Treatment('B'))", "C(r, Treatment(reference='B'))",
                                  "C(r, contr.treatment(base='B'))", "C(r, base='B')",
                                  "ib(B).r"])
def test_formulaic_and_stata_spellings_of_a_base_level_agree(text):
    assert parse_formula(f"y ~ {text}").term_names == ["C(r,base=B)"]


def test_a_level_may_be_named_like_a_coding():
    assert parse_formula("y ~ C(r, base=Summer)").term_names == ["C(r,base=Summer)"]


def test_a_backtick_name_may_hold_a_bar():
    assert parse_formula("y ~ `a|b` + x").term_names == ["a|b", "x"]


def test_stata_lowercase_operators_are_the_uppercase_ones():
    f = parse_formula("y ~ l.x + l2.x + ld.x + f.log(x) + L.x")
    assert f.term_names == ["L.x", "L2.x", "LD.x", "F.log(x)"]
