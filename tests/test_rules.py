"""The rule language: validation errors name file, rule and key; decisions are table-tested."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailroute.adapters.rule_files import RuleBook, load_rules
from mailroute.cli import main
from mailroute.core.classify import Classification
from mailroute.core.decide import Policy, decide
from mailroute.core.message import RawMail
from mailroute.core.parse import parse
from mailroute.core.rules import compile_rules
from mailroute.errors import RuleError

from .conftest import REPO, make_mail

DEFAULT = '[[rule]]\nname = "default"\ndefault = true\nactions = [{ exceptions = "no rule" }]\n'


def compile_text(text: str, with_default: bool = True):
    tables = [("rules/10-test.toml", tomllib.loads(text))]
    if with_default:
        tables.append(("rules/99-default.toml", tomllib.loads(DEFAULT)))
    return compile_rules(tables, templates=lambda name: name == "ack")


def problems(text: str, with_default: bool = True) -> list[str]:
    with pytest.raises(RuleError) as info:
        compile_text(text, with_default)
    return info.value.problems


def test_shipped_rules_are_valid():
    rules = load_rules(REPO / "rules")
    assert rules[-1].default
    assert {r.name for r in rules} >= {"invoice", "claim", "default"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[[rule]]\nname="a"\nwhen={ categroy="x" }\nactions=[{ tag="t" }]',
         "rules/10-test.toml: rule 'a': when.categroy: unknown key"),
        ('[[rule]]\nname="a"\nwhen={ subject="(unclosed" }\nactions=[{ tag="t" }]',
         "rules/10-test.toml: rule 'a': when.subject: invalid regular expression"),
        ('[[rule]]\nname="a"\nwhen={ min_confidence=2 }\nactions=[{ tag="t" }]',
         "rule 'a': when.min_confidence: Input should be less than or equal to 1"),
        ('[[rule]]\nname="a"\nactions=[{ teleport="x" }]',
         "rule 'a': actions[1]: an action needs exactly one of move, copy, tag"),
        ('[[rule]]\nname="a"\nactions=[{ forward="not-an-address" }]',
         "rule 'a': actions[1]: forward needs one or more e-mail addresses"),
        ('[[rule]]\nname="a"\nactions=[{ forward="x@y.nl", mode="fax" }]',
         "forward.mode must be 'attachment' or 'inline'"),
        ('[[rule]]\nname="a"\nactions=[{ move="../etc" }]',
         "move folder '../etc' must be a relative folder name"),
        ('[[rule]]\nname="a"\nactions=[{ reply="missing" }]',
         "rule 'a': actions[1]: reply template 'missing' not found"),
        ('[[rule]]\nname="a"\nactions=[{ move="A" }, { move="B" }]',
         "rule 'a': actions: at most one move or exceptions per rule"),
        ('[[rule]]\nname="a"\nactions=[]',
         "rule 'a': actions: a rule needs actions (or only a context)"),
        ('[[rule]]\nwhen={ category="x" }\nactions=[{ tag="t" }]',
         "rule #1: name: required key is missing"),
        ('[[rule]]\nname="a"\nactions=[{ tag="t" }]\n[[rule]]\nname="a"\nactions=[{ tag="u" }]',
         "rule 'a': name: already used in rules/10-test.toml"),
        ('[rules]\nx=1', "rules/10-test.toml: rules: unknown top-level key"),
    ],
)
def test_rule_errors_name_file_rule_and_key(text: str, expected: str):
    found = problems(text)
    assert any(expected in p for p in found), found


def test_default_rule_is_mandatory_single_and_last():
    assert "no default rule" in problems('[[rule]]\nname="a"\nactions=[{ tag="t" }]', False)[0]
    two = problems(DEFAULT.replace('"default"', '"d2"'))
    assert any("more than one default rule" in p for p in two)
    with pytest.raises(RuleError, match="must be the last rule"):
        compile_rules([("rules/00.toml", tomllib.loads(DEFAULT)),
                       ("rules/10.toml", tomllib.loads('[[rule]]\nname="a"\nactions=[{tag="t"}]'))])


def test_all_problems_are_reported_at_once():
    text = ('[[rule]]\nname="a"\nwhen={ bogus=1 }\nactions=[{ tag="t" }]\n'
            '[[rule]]\nname="b"\nactions=[{ nope=1 }]')
    found = problems(text)
    assert len(found) == 2


# ---- decisions, table-style -----------------------------------------------------------------

RULES = """
[[rule]]
name = "vip"
when = { from = "*@bigclient.nl" }
actions = [{ tag = "vip" }]
continue = true

[[rule]]
name = "large-pdf-invoice"
actions = [{ tag = "invoice" }, { move = "Finance/Review" }]
[rule.when]
category = "invoice"
has_attachment = true
attachment_type = "pdf"
min_confidence = 0.9

[[rule]]
name = "invoice"
when = { category = "invoice" }
actions = [{ move = "Finance/Invoices" }]

[[rule]]
name = "urgent-complaint"
actions = [{ forward = ["teamlead@example.nl"], mode = "inline" }, { move = "Complaints/Urgent" }]
[rule.when]
category = ["complaint"]
any = [{ subject = "spoed|urgent" }, { headers = { Importance = "high" } }]

[[rule]]
name = "bank-notices"
when = { from = "bank.nl", not = { subject = "factuur" } }
actions = [{ move = "Bank" }]

[[rule]]
name = "hr-nl"
when = { category = "job_application", language = "nl", mailbox = "hr-*" }
actions = [{ reply = "ack" }, { move = "HR" }]
"""


def msg(**kw):
    attachments = kw.pop("attachments", [])
    mailbox = kw.pop("mailbox", "shared")
    data = make_mail(attachments=attachments, **kw)
    return parse(RawMail(mailbox, "INBOX", "1", data))


def cls(label: str, confidence: float, tier: str = "classifier") -> Classification:
    return Classification(label, confidence, (), "v1", tier)


PDF = [("f.pdf", "application/pdf", b"%PDF")]
POLICY = Policy(threshold=0.6, label_thresholds={"complaint": 0.8})

CASES = [
    # (id, message kwargs, classification, rule, outcome, actions, tier)
    ("invoice routed", {}, cls("invoice", 0.85), "invoice", "routed",
     ["move Finance/Invoices"], "classifier"),
    ("pdf invoice high confidence", {"attachments": PDF}, cls("invoice", 0.95),
     "large-pdf-invoice", "routed", ["tag invoice", "move Finance/Review"], "classifier"),
    ("pdf invoice lower confidence falls through", {"attachments": PDF}, cls("invoice", 0.8),
     "invoice", "routed", ["move Finance/Invoices"], "classifier"),
    ("below threshold goes to exceptions", {}, cls("invoice", 0.55), "", "exception",
     ["exceptions"], "rule"),
    ("label threshold applies", {"subject": "spoed: klacht"}, cls("complaint", 0.75), "",
     "exception", ["exceptions"], "rule"),
    ("urgent complaint by subject", {"subject": "SPOED klacht"}, cls("complaint", 0.9),
     "urgent-complaint", "routed", ["forward(inline) to teamlead@example.nl",
                                    "move Complaints/Urgent"], "classifier"),
    ("urgent complaint by header", {"subject": "klacht", "headers": {"Importance": "High"}},
     cls("complaint", 0.9), "urgent-complaint", "routed",
     ["forward(inline) to teamlead@example.nl", "move Complaints/Urgent"], "classifier"),
    ("non-urgent complaint hits default", {"subject": "klacht"}, cls("complaint", 0.9),
     "default", "exception", ["exceptions"], "classifier"),
    ("vip continues and is combined", {"sender": "x@bigclient.nl"}, cls("invoice", 0.9),
     "invoice", "routed", ["tag vip", "move Finance/Invoices"], "classifier"),
    ("rule without category routes an unsure message", {"sender": "noreply@bank.nl",
     "subject": "Afschrift"}, cls("general_question", 0.3), "bank-notices", "routed",
     ["move Bank"], "rule"),
    ("not-condition blocks", {"sender": "noreply@bank.nl", "subject": "Factuur"},
     cls("general_question", 0.3), "", "exception", ["exceptions"], "rule"),
    ("no classification", {}, None, "", "exception", ["exceptions"], "rule"),
    ("llm tier is recorded", {}, cls("invoice", 0.9, "llm"), "invoice", "routed",
     ["move Finance/Invoices"], "llm"),
    ("mailbox and language", {"mailbox": "hr-main", "subject": "Sollicitatie",
     "body": "Hierbij mijn sollicitatie voor de functie, graag een gesprek."},
     cls("job_application", 0.9), "hr-nl", "routed", ["reply ack", "move HR"], "classifier"),
    ("mailbox glob mismatch", {"mailbox": "finance", "subject": "Sollicitatie",
     "body": "Hierbij mijn sollicitatie voor de functie, graag een gesprek."},
     cls("job_application", 0.9), "default", "exception", ["exceptions"], "classifier"),
]


@pytest.mark.parametrize(("case", "kw", "classification", "rule", "outcome", "actions", "tier"),
                         CASES, ids=[c[0] for c in CASES])
def test_decide(case, kw, classification, rule, outcome, actions, tier):
    rules = compile_text(RULES)
    decision = decide(msg(**kw), classification, rules, POLICY)
    assert decision.rule == rule
    assert decision.outcome == outcome
    assert [a.describe() if a.kind != "exceptions" else "exceptions"
            for a in decision.actions] == actions
    assert decision.tier == tier
    assert decision.reason


def test_exception_reasons_are_coded():
    rules = compile_text(RULES)
    low = decide(msg(), cls("invoice", 0.2), rules, POLICY)
    assert low.code == "low_confidence" and "invoice 0.20 < 0.60" in low.reason
    none = decide(msg(), None, rules, POLICY, classify_error="no model loaded")
    assert none.code == "not_classified" and "no model loaded" in none.reason
    junk = decide(parse(RawMail("m", "INBOX", "1", b"")), None, rules, POLICY)
    assert junk.code == "unparseable"


def test_trace_explains_each_rule():
    rules = compile_text(RULES)
    decision = decide(msg(subject="klacht"), cls("complaint", 0.9), rules, POLICY)
    traces = {t.rule: t for t in decision.trace}
    assert not traces["invoice"].matched
    assert "category is complaint, not invoice" in traces["invoice"].checks[0].detail
    assert traces["default"].matched


def test_rulebook_refuses_invalid_edit_and_keeps_old_rules(tmp_path: Path):
    rules_dir = tmp_path / "rules"
    rules_dir.mkdir()
    (rules_dir / "10-a.toml").write_text('[[rule]]\nname="a"\nactions=[{ tag="t" }]\n')
    (rules_dir / "99-default.toml").write_text(DEFAULT)
    book = RuleBook(rules_dir)
    assert [r.name for r in book.current()] == ["a", "default"]
    (rules_dir / "10-a.toml").write_text('[[rule]]\nname="a"\nwhen={ nope=1 }\nactions=[]\n')
    assert book.maybe_reload(force=True) is False
    assert "when.nope: unknown key" in book.last_error
    assert [r.name for r in book.current()] == ["a", "default"]
    (rules_dir / "10-a.toml").write_text('[[rule]]\nname="b"\nactions=[{ tag="t" }]\n')
    assert book.maybe_reload() is True
    assert [r.name for r in book.current()] == ["b", "default"]


def test_rules_check_cli(tmp_path: Path):
    rules_dir = tmp_path / "rules"
    rules_dir.mkdir()
    (rules_dir / "10-bad.toml").write_text('[[rule]]\nname="x"\nwhen={ categroy="a" }\n'
                                           'actions=[{ move="A" }]\n')
    (rules_dir / "99-default.toml").write_text(DEFAULT)
    runner = CliRunner()
    bad = runner.invoke(main, ["-c", str(REPO / "config.toml"), "rules", "check",
                               "--dir", str(rules_dir)])
    assert bad.exit_code == 1
    assert "10-bad.toml: rule 'x': when.categroy: unknown key" in bad.output
    good = runner.invoke(main, ["-c", str(REPO / "config.toml"), "rules", "check"])
    assert good.exit_code == 0 and "are valid" in good.output


def test_every_example_in_the_rules_guide_compiles():
    import re

    guide = (REPO / "rules" / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", guide, re.S)
    assert len(blocks) >= 5
    for block in blocks:
        compile_rules(
            [("rules/README.md", tomllib.loads(block)),
             ("rules/99-default.toml", tomllib.loads(DEFAULT))],
            templates=lambda name: True,
        )
