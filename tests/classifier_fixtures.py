"""Small labelled corpora made in the test, in every layout the corpus loader reads."""

from __future__ import annotations

import csv
import random
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pytest

# Per label: subjects, body sentences and the sender's domain (a routing signal).
TOPICS: dict[str, tuple[list[str], list[str], str]] = {
    "invoice": (
        ["Factuur {n}", "Invoice {n} for services", "Betalingsherinnering factuur {n}"],
        ["Hierbij ontvangt u de factuur voor de geleverde diensten.",
         "Please find attached our invoice, payable within 30 days.",
         "Het bedrag van EUR {n} graag overmaken naar ons rekeningnummer.",
         "The total amount due is EUR {n}, reference {n}."],
        "drukkerij-vandam.nl",
    ),
    "claim": (
        ["Schademelding polis {n}", "Claim for water damage {n}", "Aanrijding schadeformulier"],
        ["Ik wil schade melden aan mijn auto na een aanrijding.",
         "Our kitchen was flooded and we would like to file a claim.",
         "Het schadeformulier en de foto's van de schade zijn bijgevoegd.",
         "Please let me know how the damage will be assessed by the expert."],
        "gmail.com",
    ),
    "job_application": (
        ["Sollicitatie medewerker klantenservice", "Application for the vacancy {n}",
         "Open sollicitatie"],
        ["Met veel interesse las ik uw vacature en ik solliciteer graag.",
         "I am applying for the position; my CV and motivation letter are attached.",
         "Mijn werkervaring sluit goed aan bij het functieprofiel.",
         "I look forward to an interview to discuss my experience."],
        "outlook.com",
    ),
    "general_question": (
        ["Vraag over openingstijden", "Question about my account", "Informatie gevraagd"],
        ["Kunt u mij vertellen wanneer uw kantoor open is?",
         "How can I change the e-mail address on my account?",
         "Ik heb een vraag over de voorwaarden op uw website.",
         "Could you tell me where I can find the brochure?"],
        "hotmail.com",
    ),
}
LABELS = tuple(TOPICS)
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def labelled_mail(label: str, i: int, rng: random.Random) -> tuple[bytes, datetime]:
    """One message of ``label``: two or three topic sentences, a little noise, a date."""
    subjects, sentences, domain = TOPICS[label]
    n = rng.randint(1000, 9999)
    msg = EmailMessage()
    msg["From"] = f"Afzender {i} <person{i}@{domain}>"
    msg["To"] = "post@example-verzekeringen.nl"
    msg["Subject"] = rng.choice(subjects).format(n=n)
    date = START + timedelta(hours=7 * i + rng.randint(0, 5))
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = f"<{label}-{i}-{n}@test.example>"
    body = " ".join(s.format(n=n) for s in rng.sample(sentences, rng.randint(2, 3)))
    # shared filler so the task is not trivially separable
    body += "\n\n" + rng.choice(["Alvast bedankt.", "Thanks in advance.", "Groet, " + str(n)])
    msg.set_content(body)
    return msg.as_bytes(), date


def write_corpus(root: Path, layout: str = "folders", per_label: int = 12,
                 seed: int = 0) -> Path:
    """Write a corpus: ``folders`` (<label>/*.eml), ``maildir`` (Maildir++) or ``csv``."""
    rng = random.Random(seed)
    rows = []
    i = 0
    for _ in range(per_label):
        for label in LABELS:  # labels interleaved in time, as in a real mailbox
            data, date = labelled_mail(label, i, rng)
            if layout == "folders":
                path = root / label / f"{i:04d}.eml"
            elif layout == "maildir":
                path = root / f".{label.title()}" / "cur" / f"{i:04d}.host:2,S"
                for sub in ("new", "tmp"):
                    (root / f".{label.title()}" / sub).mkdir(parents=True, exist_ok=True)
            else:
                path = root / "messages" / f"{i:04d}.eml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            rows.append({"path": str(path.relative_to(root)), "category": label,
                         "label": "ignored", "sent": date.isoformat().replace("+00:00", "Z")})
            i += 1
    if layout == "maildir":
        for sub in ("cur", "new", "tmp"):
            (root / sub).mkdir(parents=True, exist_ok=True)
    if layout == "csv":
        with (root / "labels.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=["path", "category", "label", "sent"])
            writer.writeheader()
            writer.writerows(rows)
    return root


@pytest.fixture
def small_corpus(tmp_path: Path) -> Path:
    """A folder-per-label corpus of 4 labels x 12 messages."""
    return write_corpus(tmp_path / "corpus", "folders")


@pytest.fixture(scope="module")
def small_training():
    """(messages, labels) of a 4 x 15 corpus, parsed once per module."""
    from mailroute.core.message import RawMail
    from mailroute.core.parse import parse

    rng = random.Random(1)
    messages, labels = [], []
    for label in LABELS:
        for i in range(15):
            data, _ = labelled_mail(label, len(labels), rng)
            messages.append(parse(RawMail("t", label, f"{label}-{i}", data)))
            labels.append(label)
    return messages, labels


SKEWED_SIZES = {"invoice": 40, "claim": 12, "job_application": 5}


def skewed_training() -> tuple[list, list[str]]:
    """(messages, labels) with one frequent and two rare labels (``SKEWED_SIZES``): where the
    prior weight and per-label offsets matter."""
    from mailroute.core.message import RawMail
    from mailroute.core.parse import parse

    rng = random.Random(7)
    messages, labels = [], []
    for label, n in SKEWED_SIZES.items():
        for i in range(n):
            raw = labelled_mail(label, i, rng)[0]
            messages.append(parse(RawMail("t", label, f"{label}{i}", raw)))
            labels.append(label)
    return messages, labels
