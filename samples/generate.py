#!/usr/bin/env python3
"""Deterministic generator for the mailroute sample e-mail corpus.

Usage:  python samples/generate.py

Clears and rewrites samples/corpus/ (six category folders with NNN.eml files),
samples/odd/ (deliberately broken messages plus README.md) and
samples/manifest.csv.  Standard library only; every random choice comes from
random.Random instances seeded from SEED, so two runs on the same Python
version produce byte-identical files.

All people, companies, addresses, policy numbers, IBANs and phone numbers are
invented.  Mail domains are either invented company names, example domains,
or big public mail providers (gmail.com, outlook.com, ...) with invented
local parts.

Layout of this file:
  1. constants and data tables (names, places, companies, vacancies, ...)
  2. small value helpers (IBAN, plates, postcodes, amounts, dates)
  3. binary attachment builders (PDF, PNG, JPEG, DOCX)
  4. per-message context + signatures/greetings
  5. text templates per category and language
  6. per-category generator functions
  7. MIME assembly
  8. odd/broken messages
  9. main()
"""

import base64
import csv
import datetime as dt
import html
import io
import random
import re
import shutil
import struct
import sys
import textwrap
import unicodedata
import zipfile
import zlib
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

# ---------------------------------------------------------------------------
# 1. constants and data tables
# ---------------------------------------------------------------------------

SEED = 20260105
ROOT = Path(__file__).resolve().parent
CORPUS = ROOT / "corpus"
ODD = ROOT / "odd"
MANIFEST = ROOT / "manifest.csv"

# Messages per category; about 55% of each is Dutch.
COUNTS = {
    "invoice": 60,
    "claim": 58,
    "policy_change": 55,
    "job_application": 54,
    "complaint": 56,
    "general_question": 57,
}
DUTCH_SHARE = 0.55

FIRST_DATE = dt.date(2026, 1, 5)
LAST_DATE = dt.date(2026, 11, 27)
# EU summer time 2026: 29 March 01:00 UTC .. 25 October 01:00 UTC
DST_START = dt.date(2026, 3, 29)
DST_END = dt.date(2026, 10, 25)

OUR = {
    "name": "Example Verzekeringen B.V.",
    "short": "Example Verzekeringen",
    "domain": "example-verzekeringen.nl",
    "street": "Voorbeeldlaan 10",
    "postcode": "3511 AB",
    "city": "Utrecht",
    "pobox": "Postbus 1234, 3500 AB Utrecht",
    "phone": "030 - 123 45 67",
    "portal": "Mijn Example",
    "portal_url": "https://mijn.example-verzekeringen.nl",
    "web": "www.example-verzekeringen.nl",
}

# shared mailboxes: local part -> (Dutch display name, English display name)
MAILBOXES = {
    "facturen": ("Facturen Example Verzekeringen", "Accounts Payable"),
    "crediteuren": ("Crediteurenadministratie", "Accounts Payable"),
    "schade": ("Schadeafdeling", "Claims department"),
    "polisservice": ("Polisservice", "Policy service"),
    "hr": ("HR Example Verzekeringen", "HR"),
    "werkenbij": ("Werken bij Example", "Careers"),
    "klachten": ("Klachtenafdeling", "Complaints"),
    "klantenservice": ("Klantenservice", "Customer service"),
    "info": ("Example Verzekeringen", "Example Verzekeringen"),
}
# category -> (preferred mailboxes, weight of preferred)
MAILBOX_PREF = {
    "invoice": (["facturen", "facturen", "crediteuren"], 0.72),
    "claim": (["schade"], 0.66),
    "policy_change": (["polisservice"], 0.6),
    "job_application": (["hr", "werkenbij"], 0.7),
    "complaint": (["klachten"], 0.45),
    "general_question": (["info", "klantenservice"], 0.8),
}
DEPT = {  # category -> (Dutch department name, English department name)
    "invoice": ("Crediteurenadministratie", "Accounts Payable"),
    "claim": ("Schade", "Claims"),
    "policy_change": ("Polisservice", "Policy Service"),
    "job_application": ("HR / Recruitment", "HR / Recruitment"),
    "complaint": ("Klantenservice", "Customer Service"),
    "general_question": ("Klantenservice", "Customer Service"),
}

NL_FIRST = [
    "Jan", "Pieter", "Sanne", "Lotte", "Daan", "Emma", "Bram", "Fleur", "Ruud",
    "Ingrid", "Marloes", "Kees", "Anouk", "Thijs", "Mohamed", "Fatima", "Yusuf",
    "Ayşe", "Zoë", "Noël", "Renée", "Chloë", "Sem", "Julia", "Lars", "Femke",
    "Wouter", "Hanneke", "Gert-Jan", "Joost", "Mila", "Tim", "Roos", "Esther",
    "Bas", "Niels", "Sophie", "Iris", "Koen", "Maaike", "Hüseyin", "Priya",
    "Dewi", "Stijn", "Geert", "Annemiek", "Marieke", "Dirk", "Ilse", "Rik",
    "Saskia", "Jeroen", "Nadia", "Ömer", "Linda", "Frank", "Eline", "Sven",
]
NL_LAST = [
    "de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "Meijer",
    "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks",
    "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits",
    "de Graaf", "van der Meer", "van der Linden", "Kok", "Jacobs", "de Haan",
    "Vermeulen", "van den Heuvel", "van der Veen", "Schouten", "Willems",
    "Hoekstra", "Koster", "Prins", "Huisman", "Yılmaz", "El Amrani", "Kaya",
    "Ramdin", "Nguyen", "Çelik", "Hofstede", "Verbeek", "Timmermans",
    "Kuipers", "van Dijk", "Postma", "Wijnands", "Boerma", "Oosterhuis",
]
EN_FIRST = [
    "Ann", "James", "Oliver", "Charlotte", "Emily", "Thomas", "Sarah", "David",
    "Rachel", "Michael", "Hannah", "Priya", "Lucas", "Sofia", "Mateo", "Ingrid",
    "Tom", "Kate", "Ben", "Laura", "Marco", "Aisha", "Chen", "Olga", "Pedro",
    "Niamh", "Siobhan", "Raj", "Grace", "Daniel", "Anna", "Jakub", "Elena",
    "Lena", "Mark", "Fiona", "Amir", "Claire", "Stefan", "Joanna",
]
EN_LAST = [
    "Smith", "Taylor", "Brown", "Wilson", "Evans", "Thompson", "Walker",
    "Roberts", "Clarke", "Hughes", "O'Brien", "Murphy", "Patel", "Kowalski",
    "Rossi", "García", "Müller", "Novak", "Lindqvist", "Fernandes", "Chen",
    "Ahmed", "Johansson", "Byrne", "Fitzgerald", "Schneider", "Dubois",
    "Hansen", "Costa", "Mitchell", "Reilly", "Sharma", "Kaminski", "Moreau",
]

# Staff of the (fictional) insurer, used for replies and internal forwards.
STAFF = [
    ("Marieke", "Hofstra"), ("Tom", "Verhoeven"), ("Samira", "Bouali"),
    ("Jeroen", "Kamphuis"), ("Linda", "van Rijn"), ("Erik", "Zwart"),
    ("Nicole", "Brinkman"), ("Paul", "de Jong"), ("Anja", "Vonk"),
    ("Hamza", "Özdemir"), ("Karin", "Leenders"), ("Bart", "Hulshof"),
]

PRIVATE_DOMAINS_NL = [
    "gmail.com", "gmail.com", "gmail.com", "outlook.com", "outlook.com",
    "hotmail.com", "live.nl", "ziggo.nl", "ziggo.nl", "kpnmail.nl",
    "kpnmail.nl", "planet.nl", "home.nl", "xs4all.nl", "icloud.com",
    "hetnet.nl", "casema.nl", "upcmail.nl", "yahoo.com", "proton.me",
]
PRIVATE_DOMAINS_EN = [
    "gmail.com", "gmail.com", "gmail.com", "outlook.com", "outlook.com",
    "icloud.com", "yahoo.co.uk", "hotmail.co.uk", "btinternet.com",
    "proton.me", "live.com", "ziggo.nl", "kpnmail.nl",
]

# (Dutch city, postcode range low, high)
CITIES = [
    ("Amsterdam", 1011, 1109), ("Utrecht", 3511, 3585), ("Rotterdam", 3011, 3089),
    ("Den Haag", 2491, 2599), ("Eindhoven", 5611, 5658), ("Groningen", 9711, 9747),
    ("Zwolle", 8011, 8043), ("Haarlem", 2011, 2037), ("Amersfoort", 3811, 3829),
    ("Nijmegen", 6511, 6546), ("Breda", 4811, 4839), ("Tilburg", 5011, 5049),
    ("Leeuwarden", 8911, 8941), ("Apeldoorn", 7311, 7339), ("Arnhem", 6811, 6846),
    ("Maastricht", 6211, 6229), ("Leiden", 2311, 2334), ("Delft", 2611, 2629),
    ("Almere", 1311, 1363), ("Enschede", 7511, 7548), ("'s-Hertogenbosch", 5211, 5237),
    ("Alkmaar", 1811, 1834), ("Deventer", 7411, 7429), ("Gouda", 2801, 2809),
    ("Hilversum", 1211, 1223), ("Hoorn", 1621, 1625), ("Zeist", 3701, 3709),
    ("Houten", 3991, 3995), ("Emmen", 7811, 7828), ("Middelburg", 4331, 4338),
]
STREETS = [
    "Kerkstraat", "Dorpsstraat", "Molenweg", "Stationsweg", "Julianalaan",
    "Beukenlaan", "Parkweg", "Schoolstraat", "Kastanjelaan", "Wilhelminastraat",
    "Sportlaan", "Hoofdstraat", "Lindelaan", "Eikenlaan", "Prinses Irenestraat",
    "Vondelstraat", "Rembrandtlaan", "Merelstraat", "Zonnebloemstraat",
    "Havenkade", "Singel", "Oranjestraat", "Burgemeester de Bruïnelaan",
    "Populierenweg", "Nieuwe Gracht", "Industrieweg", "Spoorlaan", "Veldweg",
    "Van Goghstraat", "Esdoornhof", "Reigerlaan", "Jacob van Lennepkade",
    "Wethouder Visserstraat", "Tulpstraat", "Koningsweg", "Marktplein",
]
POSTCODE_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"
PLATE_LETTERS = "BDFGHJKLNPRSTVXZ"

CARS = [
    "Volkswagen Golf", "Toyota Yaris", "Kia Niro", "Opel Corsa", "Peugeot 208",
    "Renault Clio", "Ford Focus", "Škoda Octavia", "Volvo V60", "Tesla Model 3",
    "Hyundai Kona", "Citroën C3", "BMW 3-serie", "Mazda CX-5", "Fiat 500",
    "Nissan Leaf", "Toyota Corolla", "Kia Picanto", "Volkswagen Polo",
    "Audi A4 Avant",
]
BIKES_NL = ["Gazelle e-bike", "elektrische fiets van Batavus", "Cortina transportfiets",
            "Sparta e-bike", "racefiets (Giant)", "bakfiets", "VanMoof S3"]
BIKES_EN = ["e-bike", "Gazelle e-bike", "road bike", "cargo bike", "commuter bike",
            "electric bicycle"]

COUNTRIES = [  # (nl, en)
    ("Frankrijk", "France"), ("Spanje", "Spain"), ("Italië", "Italy"),
    ("Oostenrijk", "Austria"), ("Portugal", "Portugal"),
    ("Griekenland", "Greece"), ("Kroatië", "Croatia"), ("Turkije", "Turkey"),
    ("Marokko", "Morocco"), ("Thailand", "Thailand"),
    ("de Verenigde Staten", "the United States"), ("Zuid-Afrika", "South Africa"),
    ("Indonesië", "Indonesia"), ("Canada", "Canada"), ("Noorwegen", "Norway"),
]

POLICY_TYPES = [  # (nl, en, product code)
    ("autoverzekering", "car insurance", "AU"),
    ("inboedelverzekering", "home contents insurance", "IB"),
    ("opstalverzekering", "buildings insurance", "OP"),
    ("aansprakelijkheidsverzekering", "liability insurance", "AV"),
    ("doorlopende reisverzekering", "annual travel insurance", "RV"),
    ("woonverzekering", "home insurance", "WV"),
    ("rechtsbijstandverzekering", "legal expenses insurance", "RB"),
    ("fietsverzekering", "bicycle insurance", "FI"),
]

# Suppliers that send invoices.  (name, domain, language, service_nl,
# service_en, [(item_nl, item_en, low, high)])
SUPPLIERS = [
    ("Drukkerij Van Dam B.V.", "drukkerij-vandam.nl", "nl",
     "drukwerk (briefpapier en enveloppen)", "printing (letterheads and envelopes)",
     [("Briefpapier A4 120 grams, 5.000 st.", "Letterhead A4 120gsm, 5,000 pcs", 380, 690),
      ("Enveloppen C5 met venster, 2.500 st.", "C5 window envelopes, 2,500 pcs", 140, 260),
      ("Visitekaartjes, 10 x 250 st.", "Business cards, 10 x 250", 95, 180)]),
    ("Schoonmaakbedrijf De Glansploeg", "glansploeg-schoonmaak.nl", "nl",
     "de schoonmaakwerkzaamheden", "office cleaning",
     [("Dagelijkse kantoorschoonmaak", "Daily office cleaning", 2100, 3400),
      ("Glasbewassing buitenzijde", "Exterior window cleaning", 310, 520),
      ("Sanitaire voorzieningen en hygiënemiddelen", "Sanitary supplies", 120, 240)]),
    ("Koffie & Co Automaten", "koffieenco-automaten.nl", "nl",
     "huur en onderhoud van de koffieautomaten", "rental and service of the coffee machines",
     [("Huur koffieautomaat (3 st.)", "Coffee machine rental (3 units)", 180, 260),
      ("Koffiebonen en melkpoeder", "Coffee beans and milk powder", 210, 480),
      ("Servicebeurt", "Service visit", 85, 140)]),
    ("Bureau Vertaalwerk Noord", "vertaalwerk-noord.nl", "nl",
     "vertaling van polisvoorwaarden", "translation of policy conditions",
     [("Vertaling NL-EN polisvoorwaarden", "Translation NL-EN policy conditions", 650, 1900),
      ("Beëdigde vertaling", "Sworn translation", 90, 260)]),
    ("Installatietechniek Bosman", "bosman-installatie.nl", "nl",
     "onderhoud van de klimaatinstallatie", "HVAC maintenance",
     [("Onderhoud luchtbehandelingskast", "Air handling unit maintenance", 420, 880),
      ("Vervangen filters", "Filter replacement", 160, 310),
      ("Voorrijkosten", "Call-out charge", 45, 75)]),
    ("ICT Beheer Zuidas", "ictbeheer-zuidas.nl", "nl",
     "beheer van de werkplekken", "managed workplace services",
     [("Werkplekbeheer per maand (85 werkplekken)", "Workplace management (85 seats)", 3100, 4300),
      ("Licenties back-upsoftware", "Backup software licences", 240, 520),
      ("Consultancy-uren", "Consultancy hours", 480, 1350)]),
    ("Kantoorinrichting Meubelplan", "meubelplan-kantoor.nl", "nl",
     "levering van bureaustoelen", "delivery of office chairs",
     [("Ergonomische bureaustoel", "Ergonomic office chair", 1200, 3100),
      ("Zit-sta bureau 160x80", "Sit-stand desk 160x80", 900, 2400),
      ("Montage en afvoer verpakking", "Assembly and packaging disposal", 95, 180)]),
    ("Catering De Smulpaap", "smulpaap-catering.nl", "nl",
     "catering voor de personeelsbijeenkomst", "catering for the staff event",
     [("Lunchbuffet 45 personen", "Lunch buffet, 45 people", 620, 980),
      ("Borrelarrangement", "Drinks package", 340, 720),
      ("Bediening (uren)", "Staff (hours)", 150, 320)]),
    ("Expertisebureau Van Leeuwen", "expertise-vanleeuwen.nl", "nl",
     "expertisewerkzaamheden", "loss adjusting services",
     [("Expertise ter plaatse", "On-site inspection", 280, 640),
      ("Rapportage en fotodossier", "Report and photo file", 120, 260),
      ("Reiskosten", "Travel expenses", 35, 90)]),
    ("Autoschade Herstel Kemper", "autoschade-kemper.nl", "nl",
     "schadeherstel", "vehicle repair",
     [("Herstel en spuiten achterbumper", "Repair and respray rear bumper", 480, 1350),
      ("Onderdelen", "Parts", 160, 820),
      ("Vervangend vervoer (3 dagen)", "Courtesy car (3 days)", 75, 135)]),
    ("Uitzendbureau FlexPlus", "flexplus-uitzend.nl", "nl",
     "inzet van uitzendkrachten", "temporary staff",
     [("Uitzendkracht klantenservice (uren)", "Temp customer service agent (hours)", 2400, 5200),
      ("Uitzendkracht schadeadministratie (uren)", "Temp claims administration (hours)", 1900, 4100)]),
    ("Groenvoorziening De Hovenier", "dehovenier-groen.nl", "nl",
     "onderhoud van de buitenruimte", "grounds maintenance",
     [("Onderhoud beplanting", "Planting maintenance", 260, 540),
      ("Bladruimen", "Leaf clearing", 90, 210)]),
    ("Archiefopslag Veilig B.V.", "archiefopslag-veilig.nl", "nl",
     "archiefopslag en vernietiging", "records storage and shredding",
     [("Opslag archiefdozen (per maand)", "Box storage (monthly)", 210, 390),
      ("Vernietiging vertrouwelijk papier", "Confidential shredding", 75, 190)]),
    ("Officesupplies Ltd", "officesupplies.co.uk", "en",
     "kantoorartikelen", "office supplies",
     [("Kopieerpapier A4, 40 dozen", "A4 copier paper, 40 boxes", 260, 420),
      ("Toner cartridges", "Toner cartridges", 310, 760),
      ("Archiefdozen", "Archive boxes", 60, 140)]),
    ("Brightline IT Services Ltd", "brightline-it.co.uk", "en",
     "IT-ondersteuning", "IT support",
     [("Support contract (monthly)", "Support contract (monthly)", 1450, 2300),
      ("Additional engineer days", "Additional engineer days", 700, 2100)]),
    ("Northgate Translations", "northgate-translations.co.uk", "en",
     "vertaalwerk", "translation services",
     [("Translation of claim correspondence", "Translation of claim correspondence", 230, 720),
      ("Proofreading", "Proofreading", 80, 240)]),
    ("Harbour Print & Design", "harbourprint.co.uk", "en",
     "drukwerk en ontwerp", "print and design",
     [("Brochure design, 8 pages", "Brochure design, 8 pages", 950, 1800),
      ("Print run 2,000 brochures", "Print run 2,000 brochures", 640, 1200)]),
    ("Kestrel Cloud Hosting", "kestrelcloud.example", "en",
     "hosting", "cloud hosting",
     [("Managed hosting plan", "Managed hosting plan", 390, 890),
      ("Extra storage 500 GB", "Extra storage 500 GB", 45, 95)]),
    ("Meridian Loss Adjusters", "meridian-adjusters.co.uk", "en",
     "schade-expertise", "loss adjusting",
     [("Site visit and assessment", "Site visit and assessment", 420, 950),
      ("Report", "Report", 180, 340)]),
    ("Summit Training Academy", "summit-training.co.uk", "en",
     "trainingen", "training courses",
     [("In-house training 'Complaint handling' (1 day)", "In-house training 'Complaint handling' (1 day)", 1600, 2900),
      ("Course materials", "Course materials", 120, 260)]),
    ("BlueTide Software B.V.", "bluetide-software.nl", "en",
     "softwarelicenties", "software licences",
     [("Annual licence claims module", "Annual licence claims module", 4200, 7800),
      ("Implementation support (hours)", "Implementation support (hours)", 900, 2400)]),
]
BROKERS = [
    ("Assurantiekantoor De Wit", "dewit-assurantien.nl"),
    ("Van der Meer Verzekeringsadvies", "vandermeer-advies.nl"),
    ("Verzekeringshuis Oost", "verzekeringshuis-oost.nl"),
    ("Bosch & Terpstra Assurantiën", "bosch-terpstra.nl"),
]
GARAGES = [
    ("Autoschade Herstel Kemper", "autoschade-kemper.nl"),
    ("Schadeherstel Van Rooij", "vanrooij-schadeherstel.nl"),
    ("Carrosseriebedrijf Altena", "altena-carrosserie.nl"),
    ("Ruitservice Snel & Zeker", "snelenzeker-ruiten.nl"),
]
RECRUITERS = [
    ("TalentBrug Recruitment", "talentbrug.nl", "nl"),
    ("FinanceFlex Werving & Selectie", "financeflex.nl", "nl"),
    ("Greenfield Recruitment Ltd", "greenfield-recruitment.co.uk", "en"),
    ("Harbourside Talent", "harbourside-talent.example", "en"),
]
EMPLOYERS = [  # invented previous employers of applicants / referees
    ("Verzekeringskantoor Midden", "vk-midden.nl"),
    ("Bakker Logistiek", "bakker-logistiek.nl"),
    ("Gemeentelijke Belastingdienst Regio Oost", "gbro.example"),
    ("Woonstichting De Linde", "woonstichting-delinde.nl"),
    ("Hotel De Gouden Karper", "goudenkarper.nl"),
    ("Thuiszorg Samen", "thuiszorg-samen.nl"),
    ("Polder Energie", "polderenergie.nl"),
    ("Kingsbridge Underwriting Ltd", "kingsbridge-uw.co.uk"),
    ("Atlas Shared Services", "atlas-shared.example"),
    ("Meadowbank Building Society", "meadowbank-bs.co.uk"),
]
SCHOOLS_NL = ["Hogeschool Rijnmond-Zuid", "Universiteit Lageland", "Hogeschool Veluwezoom",
              "ROC Westerkwartier College", "Hogeschool Domstad", "ROC Maasoever"]
SCHOOLS_EN = ["University of Westbridge", "Northfield College", "Lageland University",
              "Hogeschool Domstad", "Riverside Business School"]
STUDIES_NL = ["Bedrijfseconomie", "Finance & Control", "HBO-Rechten", "Communicatie",
              "HRM", "Bedrijfskunde", "Data Science", "Financiële Dienstverlening",
              "Commerciële Economie", "Accountancy", "Juridisch medewerker (MBO 4)"]
STUDIES_EN = ["Business Administration", "Finance", "Data Science",
              "Human Resource Management", "Law", "Marketing", "Economics",
              "Computer Science", "International Business"]
VACANCIES = [  # (nl, en)
    ("Schadebehandelaar Particulier", "Claims Handler (personal lines)"),
    ("Medewerker Crediteurenadministratie", "Accounts Payable Officer"),
    ("Klantenservicemedewerker (32-36 uur)", "Customer Service Representative"),
    ("Acceptant Zakelijke Verzekeringen", "Commercial Lines Underwriter"),
    ("Junior Data Analist", "Junior Data Analyst"),
    ("HR-adviseur", "HR Business Partner"),
    ("Financieel Controller", "Financial Controller"),
    ("Medewerker Polisadministratie", "Policy Administration Officer"),
    ("Teamleider Schade", "Team Lead Claims"),
    ("Functioneel Beheerder", "IT Application Manager"),
    ("Management Assistent", "Executive Assistant"),
]
ROLES_NL = ["klantenservicemedewerker", "administratief medewerker", "schadebehandelaar",
            "boekhouder", "teamleider", "data-analist", "medewerker debiteurenbeheer",
            "receptioniste", "office manager", "acceptant"]
ROLES_EN = ["customer service agent", "administrator", "claims assistant",
            "bookkeeper", "team leader", "data analyst", "credit controller",
            "receptionist", "office manager", "underwriting assistant"]
HOLIDAYS_NL = ["Tweede Paasdag", "Koningsdag", "Hemelvaartsdag", "Tweede Pinksterdag",
               "de kerstdagen", "oudejaarsdag", "Bevrijdingsdag"]
HOLIDAYS_EN = ["Easter Monday", "King's Day", "Ascension Day", "Whit Monday",
               "the Christmas holidays", "New Year's Eve", "Liberation Day"]

MONTHS_NL = ["januari", "februari", "maart", "april", "mei", "juni", "juli",
             "augustus", "september", "oktober", "november", "december"]
MONTHS_NL_ABBR = ["jan.", "feb.", "mrt.", "apr.", "mei", "jun.", "jul.", "aug.",
                  "sep.", "okt.", "nov.", "dec."]
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July",
             "August", "September", "October", "November", "December"]
DAYS_NL = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]
DAYS_NL_ABBR = ["ma", "di", "wo", "do", "vr", "za", "zo"]
DAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

# ---------------------------------------------------------------------------
# 2. small value helpers
# ---------------------------------------------------------------------------

ASCII_FIX = str.maketrans({"ı": "i", "ø": "o", "ß": "ss", "æ": "ae", "'": ""})


def ascii_slug(text, sep="."):
    """'Zoë van den Berg' -> 'zoe.vandenberg'-like local parts."""
    text = unicodedata.normalize("NFKD", text.translate(ASCII_FIX))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    return "".join(ch for ch in text.replace(" ", sep) if ch.isalnum() or ch in ".-_")


def nl_iban(r, spaced=False):
    """Valid Dutch IBAN (mod-97 check digits; account passes the 11-test)."""
    bank = r.choice(["ABNA", "RABO", "INGB", "TRIO", "SNSB", "ASNB", "KNAB", "BUNQ"])
    while True:
        acct = "".join(str(r.randint(0, 9)) for _ in range(10))
        if acct[0] == "0" and acct[1] == "0":
            continue
        if sum(int(d) * w for d, w in zip(acct, range(10, 0, -1), strict=False)) % 11 == 0:
            break
    bban = bank + acct
    digits = "".join(str(int(ch, 36)) for ch in bban + "NL00")
    iban = "NL%02d%s" % (98 - int(digits) % 97, bban)
    if spaced:
        return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))
    return iban


def gb_iban(r, spaced=False):
    """Valid-checksum UK IBAN (invented bank code and sort code)."""
    bban = r.choice(["NWBK", "BARC", "LOYD", "MIDL"]) + "".join(str(r.randint(0, 9)) for _ in range(14))
    digits = "".join(str(int(ch, 36)) for ch in bban + "GB00")
    iban = "GB%02d%s" % (98 - int(digits) % 97, bban)
    if spaced:
        return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))
    return iban


def iban_ok(iban):
    s = iban.replace(" ", "")
    digits = "".join(str(int(ch, 36)) for ch in s[4:] + s[:4])
    return int(digits) % 97 == 1


def plate(r):
    L = lambda n: "".join(r.choice(PLATE_LETTERS) for _ in range(n))  # noqa: E731
    D = lambda n: "".join(str(r.randint(0, 9)) for _ in range(n))  # noqa: E731
    code = r.randint(0, 5)
    if code == 0:
        return f"{D(2)}-{L(3)}-{D(1)}"
    if code == 1:
        return f"{D(1)}-{L(3)}-{D(2)}"
    if code == 2:
        return f"{L(2)}-{D(3)}-{L(1)}"
    if code == 3:
        return f"{L(1)}-{D(3)}-{L(2)}"
    if code == 4:
        return f"{L(3)}-{D(2)}-{L(1)}"
    return f"{L(2)}-{L(2)}-{D(2)}"


def postcode(r, low, high):
    while True:
        letters = r.choice(POSTCODE_LETTERS) + r.choice(POSTCODE_LETTERS)
        if letters not in ("SA", "SD", "SS"):
            return f"{r.randint(low, high)} {letters}"


def address(r):
    city, low, high = r.choice(CITIES)
    street = r.choice(STREETS)
    nr = str(r.randint(1, 180))
    if r.random() < 0.15:
        nr += r.choice(["a", "b", "-II", " bis", "-3"])
    return street, nr, postcode(r, low, high), city


def mobile(r, lang="nl"):
    n = "".join(str(r.randint(0, 9)) for _ in range(8))
    style = r.randint(0, 3)
    if style == 0:
        return f"06-{n}"
    if style == 1:
        return f"06 {n[:4]} {n[4:]}"
    if style == 2:
        return f"+31 6 {n}"
    return f"06{n}"


def landline(r):
    area = r.choice(["020", "030", "010", "070", "040", "050", "038", "023", "033",
                     "024", "076", "013", "058", "055", "026", "043", "071"])
    n = "".join(str(r.randint(0, 9)) for _ in range(10 - len(area)))
    if r.random() < 0.5:
        return f"{area} - {n[:3]} {n[3:5]} {n[5:]}" if len(n) == 7 else f"{area}-{n}"
    return f"{area}-{n}"


def uk_phone(r):
    # Ofcom ranges reserved for drama/fiction
    return r.choice(["+44 20 7946 0", "+44 161 496 0", "+44 113 496 0",
                     "+44 117 496 0"]) + "%03d" % r.randint(0, 999)


def money(value, lang, cur="EUR", r=None):
    """Format an amount. nl: '€ 1.234,56'  en: '€1,234.56' / 'EUR 1,234.56'."""
    s = f"{value:,.2f}"
    if lang == "nl":
        s = s.replace(",", "_").replace(".", ",").replace("_", ".")
        style = r.randint(0, 3) if r else 0
        return ["€ " + s, "EUR " + s, "€" + s, s + " euro"][style]
    sym = {"EUR": "€", "GBP": "£"}[cur]
    style = r.randint(0, 2) if r else 0
    return [sym + s, cur + " " + s, sym + " " + s][style]


def money_plain(value, lang):
    s = f"{value:,.2f}"
    if lang == "nl":
        return s.replace(",", "_").replace(".", ",").replace("_", ".")
    return s


def date_nl(d, r=None, style=None):
    style = style if style is not None else (r.randint(0, 3) if r else 0)
    if style == 0:
        return f"{d.day} {MONTHS_NL[d.month - 1]} {d.year}"
    if style == 1:
        return f"{d.day:02d}-{d.month:02d}-{d.year}"
    if style == 2:
        return f"{DAYS_NL[d.weekday()]} {d.day} {MONTHS_NL[d.month - 1]}"
    return f"{d.day}-{d.month}-{d.year}"


def date_en(d, r=None, style=None):
    style = style if style is not None else (r.randint(0, 3) if r else 0)
    if style == 0:
        return f"{d.day} {MONTHS_EN[d.month - 1]} {d.year}"
    if style == 1:
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    if style == 2:
        return f"{DAYS_EN[d.weekday()]} {d.day} {MONTHS_EN[d.month - 1]}"
    return f"{MONTHS_EN[d.month - 1]} {d.day}, {d.year}"


def fmt_date(d, lang, r=None, style=None):
    return date_nl(d, r, style) if lang == "nl" else date_en(d, r, style)


def tz_for(d):
    hours = 2 if DST_START <= d < DST_END else 1
    return dt.timezone(dt.timedelta(hours=hours))


def random_msg_datetime(r):
    span = (LAST_DATE - FIRST_DATE).days
    while True:
        d = FIRST_DATE + dt.timedelta(days=r.randint(0, span))
        if d.weekday() < 5 or r.random() < 0.22:
            break
    hour = r.choice([7, 8, 8, 9, 9, 9, 10, 10, 10, 11, 11, 12, 13, 13, 14, 14, 15,
                     15, 16, 16, 17, 19, 20, 21, 22])
    return dt.datetime(d.year, d.month, d.day, hour, r.randint(0, 59),
                       r.randint(0, 59), tzinfo=tz_for(d))


def shift(moment, days=0, minutes=0):
    """Shift an aware datetime and re-apply the correct Dutch UTC offset."""
    naive = moment.replace(tzinfo=None) + dt.timedelta(days=days, minutes=minutes)
    return naive.replace(tzinfo=tz_for(naive.date()))


def rhex(r, n, upper=False):
    s = "".join(r.choice("0123456789abcdef") for _ in range(n))
    return s.upper() if upper else s


def ruuid(r, upper=False):
    h = rhex(r, 32, upper)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def wrap_text(text, width=72):
    out = []
    for para in text.split("\n"):
        if len(para) <= width or para.startswith(">"):
            out.append(para)
        else:
            out.extend(textwrap.wrap(para, width, break_long_words=False,
                                     break_on_hyphens=False))
    return "\n".join(out)


# ---------------------------------------------------------------------------
# 3. binary attachment builders
# ---------------------------------------------------------------------------

def _pdf_str(text):
    """PDF literal string in WinAnsiEncoding with escapes."""
    raw = text.encode("cp1252", "replace")
    out = []
    for b in raw:
        ch = chr(b)
        if ch in "()\\":
            out.append("\\" + ch)
        elif b < 32 or b > 126:
            out.append("\\%03o" % b)
        else:
            out.append(ch)
    return "(" + "".join(out) + ")"


def make_pdf(lines, title="", compress=False, stamp="20260101120000"):
    """Build a valid one-page A4 PDF with Helvetica text.

    lines: list of strings; a line starting with '# ' is a bold heading,
    an empty string is a blank line.  Text is extractable with pypdf.
    """
    ops = ["BT", "/F1 10 Tf", "14 TL", "56 780 Td"]
    for line in lines[:52]:
        if line.startswith("# "):
            ops += ["/F2 14 Tf", _pdf_str(line[2:]) + " Tj", "/F1 10 Tf", "T*", "T*"]
        else:
            ops += [_pdf_str(line) + " Tj", "T*"]
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    if compress:
        data = zlib.compress(stream, 9)
        content = (b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data)
                   + data + b"\nendstream")
    else:
        content = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        content,
        ("<< /Title %s /Producer (mailroute sample generator) /CreationDate (D:%s+01'00') >>"
         % (_pdf_str(title), stamp)).encode("latin-1"),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n" % (len(objects) + 1)
    out += b"0000000000 65535 f \n"
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += (b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objects) + 1, len(objects), xref))
    return bytes(out)


def _png_chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def make_png(r, width=24, height=18):
    """Small valid RGB PNG: a soft gradient with a darker 'object' patch."""
    base = [r.randint(60, 200) for _ in range(3)]
    patch = [max(0, c - r.randint(40, 60)) for c in base]
    px0, py0 = r.randint(2, width // 2), r.randint(2, height // 2)
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            inside = px0 <= x < px0 + width // 3 and py0 <= y < py0 + height // 3
            col = patch if inside else base
            row += bytes(min(255, c + (x + y) // 3) for c in col)
        rows.append(bytes(row))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr)
            + _png_chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
            + _png_chunk(b"IEND", b""))


# Baseline JPEG: standard DC Huffman tables; AC tables that only hold EOB,
# because every 8x8 block is flat (DC only).  Image = grid of coloured tiles.
_DC_LUM = ([0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0], list(range(12)))
_DC_CHR = ([0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0], list(range(12)))
_AC_EOB = ([1] + [0] * 15, [0])


def _huff_codes(bits, vals):
    codes, code, k = {}, 0, 0
    for length in range(1, 17):
        for _ in range(bits[length - 1]):
            codes[vals[k]] = (code, length)
            code += 1
            k += 1
        code <<= 1
    return codes


def make_jpeg(r, bw=6, bh=4):
    """Tiny valid baseline JPEG (bw*8 x bh*8 pixels) made of flat tiles."""
    palette = [(r.randint(30, 230), r.randint(30, 230), r.randint(30, 230)) for _ in range(3)]
    tiles = [r.choice(palette) for _ in range(bw * bh)]
    dc_tabs = [_huff_codes(*_DC_LUM), _huff_codes(*_DC_CHR)]
    eob = _huff_codes(*_AC_EOB)[0]
    bitbuf = []

    def put(code, length):
        bitbuf.extend((code >> (length - 1 - i)) & 1 for i in range(length))

    pred = [0, 0, 0]
    for (R, G, B) in tiles:
        ycc = (0.299 * R + 0.587 * G + 0.114 * B,
               128 - 0.168736 * R - 0.331264 * G + 0.5 * B,
               128 + 0.5 * R - 0.418688 * G - 0.081312 * B)
        for comp in range(3):
            dc = round(8 * (ycc[comp] - 128)) // 8   # quantiser 8
            diff = dc - pred[comp]
            pred[comp] = dc
            size = abs(diff).bit_length()
            put(*dc_tabs[min(comp, 1)][size])
            if size:
                put(diff if diff > 0 else diff + (1 << size) - 1, size)
            put(*eob)
    while len(bitbuf) % 8:
        bitbuf.append(1)
    scan = bytearray()
    for i in range(0, len(bitbuf), 8):
        byte = int("".join(map(str, bitbuf[i:i + 8])), 2)
        scan.append(byte)
        if byte == 0xFF:
            scan.append(0)

    def seg(marker, payload):
        return b"\xff" + bytes([marker]) + struct.pack(">H", len(payload) + 2) + payload

    def dht(cls_id, table):
        bits, vals = table
        return bytes([cls_id]) + bytes(bits) + bytes(vals)

    out = b"\xff\xd8"
    out += seg(0xE0, b"JFIF\x00\x01\x01\x00\x00\x48\x00\x48\x00\x00")
    out += seg(0xDB, b"\x00" + bytes([8] * 64))
    out += seg(0xC0, struct.pack(">BHHB", 8, bh * 8, bw * 8, 3)
               + b"\x01\x11\x00\x02\x11\x00\x03\x11\x00")
    out += seg(0xC4, dht(0x00, _DC_LUM) + dht(0x01, _DC_CHR)
               + dht(0x10, _AC_EOB) + dht(0x11, _AC_EOB))
    out += seg(0xDA, b"\x03\x01\x00\x02\x11\x03\x11\x00\x3f\x00")
    return out + bytes(scan) + b"\xff\xd9"


def make_docx(paragraphs, title=""):
    """Minimal valid WordprocessingML package (opens in Word/LibreOffice)."""
    def para(text, bold=False):
        rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
        return ('<w:p><w:r>%s<w:t xml:space="preserve">%s</w:t></w:r></w:p>'
                % (rpr, html.escape(text, quote=False)))
    body = "".join(para(p[2:], True) if p.startswith("# ") else para(p) for p in paragraphs)
    files = [
        ("[Content_Types].xml",
         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
         '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
         '<Default Extension="xml" ContentType="application/xml"/>'
         '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
         'officedocument.wordprocessingml.document.main+xml"/>'
         '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
         'package.core-properties+xml"/></Types>'),
        ("_rels/.rels",
         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         'relationships/officeDocument" Target="word/document.xml"/>'
         '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
         'relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>'),
        ("docProps/core.xml",
         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
         'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
         '<dc:title>%s</dc:title></cp:coreProperties>' % html.escape(title)),
        ("word/document.xml",
         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
         '<w:body>%s<w:sectPr/></w:body></w:document>' % body),
    ]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in files:
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            zf.writestr(info, text.encode("utf-8"))
    return buf.getvalue()


# ---------------------------------------------------------------------------
# 4. per-message context, greetings and signatures
# ---------------------------------------------------------------------------

class Ctx(dict):
    """Template values; a missing key is a bug, so fail loudly."""

    def __missing__(self, key):
        raise KeyError("template field not in context: %s" % key)


def pick_name(r, lang):
    if lang == "nl" or r.random() < 0.12:
        return r.choice(NL_FIRST), r.choice(NL_LAST)
    return r.choice(EN_FIRST), r.choice(EN_LAST)


def private_address(r, first, last, lang):
    dom = r.choice(PRIVATE_DOMAINS_NL if lang == "nl" else PRIVATE_DOMAINS_EN)
    f, ln = ascii_slug(first), ascii_slug(last, "")
    style = r.randint(0, 7)
    local = [f"{f}.{ln}", f"{f}{ln}", f"{f[0]}.{ln}", f"{f}{ln}{r.randint(60, 99)}",
             f"{ln}.{f}", f"{f}_{ln}{r.randint(1, 99)}", f"{f}{r.randint(1, 999)}",
             f"{f[0]}{ln}"][style]
    return local + "@" + dom


def company_address(r, first, last, domain):
    f, ln = ascii_slug(first), ascii_slug(last, "")
    style = r.randint(0, 3)
    return [f"{f}.{ln}", f"{f[0]}.{ln}", f"{f}", f"{f[0]}{ln}"][style] + "@" + domain


def pick_company(r, lang, who):
    """Returns (name, domain, company_lang, supplier_row_or_None)."""
    if who in ("supplier", "system"):
        pool = [s for s in SUPPLIERS if (s[2] == "en") == (lang == "en")]
        if lang == "en" and r.random() < 0.25:
            pool = SUPPLIERS
        row = r.choice(pool)
        return row[0], row[1], row[2], row
    if who == "broker":
        name, dom = r.choice(BROKERS)
        return name, dom, "nl", None
    if who == "garage":
        name, dom = r.choice(GARAGES)
        return name, dom, "nl", None
    if who == "expert":
        experts = [s for s in SUPPLIERS if "Expertise" in s[0] or "Adjusters" in s[0]]
        row = experts[1] if (lang == "en" and r.random() < 0.8) else experts[0]
        return row[0], row[1], row[2], row
    if who == "recruiter":
        pool = [x for x in RECRUITERS if x[2] == lang] or RECRUITERS
        name, dom, clang = r.choice(pool)
        return name, dom, clang, None
    name, dom = r.choice(EMPLOYERS)
    return name, dom, "nl", None


def make_ctx(r, lang, moment, who):
    """All values a template may use; computed up front (cheap, deterministic)."""
    c = Ctx()
    today = moment.date()
    fd = lambda d, style=None: fmt_date(d, lang, r, style)  # noqa: E731
    c["lang"] = lang
    first, last = pick_name(r, lang)
    c["first"], c["last"] = first, last
    c["full"] = f"{first} {last}"
    c["email"] = private_address(r, first, last, lang)
    c["phone"] = mobile(r) if r.random() < 0.8 else landline(r)
    street, nr, pc, city = address(r)
    c.update(street=street, housenr=nr, postcode=pc, city=city,
             address_short=f"{street} {nr}", address=f"{street} {nr}, {pc} {city}")
    nstreet, nnr, npc, ncity = address(r)
    if r.random() < 0.4:
        npc = postcode(r, *next((lo, hi) for (cy, lo, hi) in CITIES if cy == city))
        ncity = city
    c.update(new_address=f"{nstreet} {nnr}, {npc} {ncity}", new_city=ncity,
             new_address_lines=f"{nstreet} {nnr}\n{npc} {ncity}")
    pf, pl = pick_name(r, lang)
    c["partner_first"], c["partner_full"] = pf, f"{pf} {r.choice([pl, last])}"
    c["child_first"] = r.choice(NL_FIRST if lang == "nl" else EN_FIRST)
    c["child_age"] = str(r.randint(17, 19))
    c["birth"] = fd(dt.date(r.randint(1955, 2003), r.randint(1, 12), r.randint(1, 28)), 1)

    # policy / claim
    ptype = r.choice(POLICY_TYPES)
    c["policy_type"] = ptype[0] if lang == "nl" else ptype[1]
    c["policy_no"] = "POL-%d-%06d" % (r.randint(2016, 2026), r.randint(100000, 999999))
    c["policy_no2"] = "POL-%d-%06d" % (r.randint(2016, 2026), r.randint(100000, 999999))
    c["cust_no"] = str(r.randint(1000000, 9899999))
    c["claim_no"] = "SCH-2026-%05d" % r.randint(1000, 48999)
    inc = today - dt.timedelta(days=r.choice([0, 1, 1, 2, 2, 3, 4, 6, 9, 13]))
    c["incident_date"] = fd(inc)
    c["incident_day"] = (DAYS_NL if lang == "nl" else DAYS_EN)[inc.weekday()]
    c["incident_time"] = "%02d:%02d" % (r.randint(6, 23), r.choice([0, 5, 10, 15, 20, 30, 40, 45, 50]))
    c["plate"], c["other_plate"], c["new_plate"] = plate(r), plate(r), plate(r)
    c["car"] = r.choice(CARS)
    c["bike"] = r.choice(BIKES_NL if lang == "nl" else BIKES_EN)
    c["pv_no"] = "PL%04d-2026%06d" % (r.randint(900, 2700), r.randint(10000, 999999))
    cn, ce = r.choice(COUNTRIES)
    c["country"] = cn if lang == "nl" else ce
    c["road_a"] = "A%d" % r.choice([1, 2, 4, 7, 12, 15, 27, 28, 50])
    c["road_n"] = "N%d" % r.randint(200, 399)
    c["repair_amount"] = money(r.randint(18, 480) * 10 + r.choice([0, 0.5, 0.95]), lang, r=r)
    c["item_value"] = money(r.randint(4, 320) * 10, lang, r=r)
    g = r.choice(GARAGES)
    c["garage"] = g[0]
    c["pir"] = "AMS%s%05d" % (r.choice(["KL", "HV", "TB", "LX"]), r.randint(10000, 99999))
    c["weeks"] = str(r.randint(3, 11))
    c["times_called"] = r.choice(["drie", "vier", "vijf", "zes"] if lang == "nl"
                                  else ["three", "four", "five", "six"])
    c["wait_minutes"] = str(r.choice([25, 35, 40, 45, 50, 55, 70]))
    c["pct"] = str(r.randint(9, 34))

    # money for premiums / complaints
    prem = r.randint(18, 140) + r.choice([0.0, 0.25, 0.5, 0.75, 0.12, 0.86])
    c["premium"] = money(prem, lang, r=r)
    c["premium_year"] = money(prem * 12 * 0.97, lang, r=r)
    c["amount_prev"] = money(prem * 12 * 0.8, lang, r=r)
    c["amount"] = money(r.randint(30, 950) * 10 + r.choice([0, 0.5]), lang, r=r)
    c["iban"] = nl_iban(r, spaced=r.random() < 0.5)

    # company (supplier / broker / garage / recruiter / employer)
    cname, cdom, clang, row = pick_company(r, lang, who)
    c["company"], c["co_domain"] = cname, cdom
    c["co_short"] = cname.replace(" B.V.", "").replace(" Ltd", "")
    c["co_en"] = clang == "en"
    cf, cl = pick_name(r, "en" if clang == "en" else "nl")
    c["contact_first"], c["contact_full"] = cf, f"{cf} {cl}"
    c["contact_email"] = company_address(r, cf, cl, cdom)
    c["co_phone"] = uk_phone(r) if cdom.endswith(".co.uk") else landline(r)
    cs, cnr, cpc, ccity = address(r)
    c["co_addr"] = (f"{r.randint(1, 220)} {r.choice(['High Street', 'Station Road', 'Mill Lane', 'Church Street', 'Victoria Road'])}, "
                    f"{r.choice(['Leeds', 'Bristol', 'Manchester', 'London', 'York'])}"
                    if cdom.endswith(".co.uk") else f"{cs} {cnr}, {cpc} {ccity}")
    c["kvk"] = "%08d" % r.randint(10000000, 99999999)
    c["btw"] = ("GB %03d %04d %02d" % (r.randint(100, 999), r.randint(0, 9999), r.randint(0, 99))
                if cdom.endswith(".co.uk") else "NL%09dB01" % r.randint(0, 999999999))
    c["website"] = "www." + cdom
    c["sup_iban"] = (gb_iban if cdom.endswith(".co.uk") else nl_iban)(r, spaced=r.random() < 0.6)
    if row is None:
        row = r.choice(SUPPLIERS)
    c["service"] = row[3] if lang == "nl" else row[4]

    # invoice values
    uk = cdom.endswith(".co.uk")
    cur = "GBP" if uk and r.random() < 0.4 else "EUR"
    items = []
    for it in r.sample(row[5], k=r.randint(1, len(row[5]))):
        items.append((it[0] if lang == "nl" else it[1], round(r.uniform(it[2], it[3]), 2)))
    excl = round(sum(p for _, p in items), 2)
    vat_rate = 0 if uk else 21
    vat = round(excl * vat_rate / 100, 2)
    incl = round(excl + vat, 2)
    m = lambda v: money(v, lang, cur, r) if lang == "en" else money(v, lang, r=r)  # noqa: E731
    c["items"], c["cur"], c["vat_rate"] = items, cur, vat_rate
    c["excl_v"], c["vat_v"], c["incl_v"] = excl, vat, incl
    c["amount_excl"], c["vat"], c["amount_incl"] = m(excl), m(vat), m(incl)
    c["amount_half"] = m(round(incl / 2, 2))
    part = round(incl * r.choice([0.5, 0.8, 0.9, 0.95]), 2)
    c["amount_part"], c["amount_rest"] = m(part), m(round(incl - part, 2))
    credit = round(r.choice([0.1, 0.15, 0.25, 0.5, 1.0]) * incl, 2)
    c["credit_amount"] = m(credit)
    prefix = r.choice(["", "F", "INV-", "2026-", "VF", "F2026-"])
    inv = prefix + str(r.randint(1000, 99999))
    c["inv_no"] = inv
    c["orig_inv_no"] = prefix + str(r.randint(1000, 99999))
    c["cn_no"] = r.choice(["CN-", "C", "CR-2026-"]) + str(r.randint(100, 9999))
    c["po_no"] = "IO-%d%05d" % (r.choice([25, 26]), r.randint(0, 99999))
    c["hours"] = str(r.randint(6, 160))
    c["hours_small"] = str(r.randint(2, 9))
    inv_date = today - dt.timedelta(days=r.randint(0, 3))
    c["inv_date_d"] = inv_date
    c["inv_date"] = fd(inv_date, r.choice([0, 1]))
    c["due_date"] = fd(inv_date + dt.timedelta(days=r.choice([14, 30, 30])), r.choice([0, 1]))
    old = today - dt.timedelta(days=r.randint(35, 95))
    c["old_inv_date_d"] = old
    c["old_inv_date"] = fd(old, r.choice([0, 1]))
    c["old_due_date"] = fd(old + dt.timedelta(days=30), r.choice([0, 1]))
    c["days_overdue"] = str((today - old).days - 30)
    pm = today.replace(day=1) - dt.timedelta(days=1)
    c["period"] = (f"{MONTHS_NL[pm.month - 1]} {pm.year}" if lang == "nl"
                   else f"{MONTHS_EN[pm.month - 1]} {pm.year}")
    nm = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    c["next_month"] = (MONTHS_NL if lang == "nl" else MONTHS_EN)[nm.month - 1]
    c["next_first"] = fd(nm, 0)
    c["move_date"] = fd(today + dt.timedelta(days=r.randint(3, 40)), r.choice([0, 1]))
    c["past_date"] = fd(today - dt.timedelta(days=r.randint(8, 60)), r.choice([0, 1]))

    # jobs
    vac = r.choice(VACANCIES)
    c["vacancy"] = vac[0] if lang == "nl" else vac[1]
    c["vac_ref"] = "VAC-2026-%03d" % r.randint(1, 140)
    c["years"] = str(r.randint(2, 14))
    c["prev_role"] = r.choice(ROLES_NL if lang == "nl" else ROLES_EN)
    emp = r.choice(EMPLOYERS)
    c["prev_employer"] = emp[0]
    c["school"] = r.choice(SCHOOLS_NL if lang == "nl" else SCHOOLS_EN)
    c["study"] = r.choice(STUDIES_NL if lang == "nl" else STUDIES_EN)
    c["age"] = str(r.randint(19, 58))
    c["apply_date"] = fd(today - dt.timedelta(days=r.randint(10, 50)), r.choice([0, 1]))
    iv = today + dt.timedelta(days=r.randint(2, 9))
    while iv.weekday() > 4:
        iv += dt.timedelta(days=1)
    c["interview_date"] = fd(iv, 2)
    c["interview_time"] = "%d:%s" % (r.randint(9, 16), r.choice(["00", "30"]))
    s_month = r.randint(1, 9)
    months = MONTHS_NL if lang == "nl" else MONTHS_EN
    c["period_range"] = (f"{months[s_month]} tot en met {months[min(11, s_month + 4)]}" if lang == "nl"
                         else f"{months[s_month]} to {months[min(11, s_month + 4)]}")
    c["hours_week"] = str(r.choice([16, 20, 24, 28, 32, 36]))
    c["cand_first"], c["cand_last"] = pick_name(r, lang)
    c["cand_full"] = c["cand_first"] + " " + c["cand_last"]

    # misc
    sf, sl = r.choice(STAFF)
    c["staff_first"], c["staff_full"] = sf, f"{sf} {sl}"
    c["holiday"] = r.choice(HOLIDAYS_NL if lang == "nl" else HOLIDAYS_EN)
    c["house_year"] = str(r.randint(1928, 2019))
    c["year_prev"] = "2025"
    c["today"] = fd(today, 0)
    c["portal"], c["portal_url"], c["our_phone"] = OUR["portal"], OUR["portal_url"], OUR["phone"]
    c["our_short"] = OUR["short"]
    return c


GREET = {
    "nl": {
        "formal": ["Geachte heer/mevrouw,", "Geachte heer, mevrouw,", "Geachte medewerker,",
                   "Geachte afdeling {dept},", "Geachte dames en heren,", "L.S.,"],
        "neutral": ["Beste,", "Goedemiddag,", "Goedemorgen,", "Goedendag,", "Beste medewerker,",
                    "Beste afdeling {dept},", "Beste collega's van {dept},", "Dag,"],
        "informal": ["Hallo,", "Hoi,", "Hallo allemaal,", "Hi,", "Hallo {our},"],
    },
    "en": {
        "formal": ["Dear Sir or Madam,", "Dear Sir/Madam,", "To whom it may concern,",
                   "Dear {dept} team,", "Dear colleagues,"],
        "neutral": ["Hello,", "Good morning,", "Good afternoon,", "Dear team,",
                    "Hello {dept} team,", "Hi there,"],
        "informal": ["Hi,", "Hi all,", "Hey,", "Hello there,"],
    },
}
PRECLOSE = {
    "nl": ["Ik hoor graag van u.", "Alvast bedankt voor de moeite.",
           "Bij vragen ben ik bereikbaar op {phone}.", "Graag een bevestiging van ontvangst.",
           "Ik zie uw reactie graag tegemoet.", "Bedankt alvast!",
           "Laat maar weten als u nog iets nodig heeft.",
           "U kunt mij het beste tussen 9 en 12 uur bellen op {phone}.",
           "Mocht er iets onduidelijk zijn, dan hoor ik het graag."],
    "en": ["I look forward to hearing from you.", "Thanks for your help.",
           "You can reach me on {phone} if anything is unclear.", "Please confirm receipt.",
           "Many thanks in advance.", "Let me know if you need anything else from me.",
           "Happy to provide more information if needed.",
           "I'd appreciate a quick reply."],
}
CLOSE = {
    "nl": ["Met vriendelijke groet,", "Met vriendelijke groeten,", "Vriendelijke groet,",
           "Groet,", "Groeten,", "Mvg,", "Hartelijke groet,", "Met hartelijke groet,",
           "Vr. gr.", "Met vriendelijke groet,", "Met vriendelijke groet,"],
    "en": ["Kind regards,", "Best regards,", "Regards,", "Many thanks,", "Best,",
           "Thanks,", "Yours faithfully,", "Cheers,", "Sincerely,", "Kind regards,"],
}
FILLER = {  # category-neutral sentences that are sometimes added
    "nl": ["Excuses voor de late reactie, het was een drukke week.",
           "Ik ben overdag slecht bereikbaar, mailen heeft mijn voorkeur.",
           "Mijn klantnummer is {cust_no}.",
           "Ik had eerder geprobeerd te bellen maar kreeg niemand te pakken.",
           "Mijn excuses als dit niet het juiste adres is; stuur het dan gerust door.",
           "Ik ben de komende twee weken op vakantie, maar lees wel mijn mail.",
           "Voor de volledigheid: mijn geboortedatum is {birth}."],
    "en": ["Sorry for the late reply, it has been a busy week.",
           "I'm hard to reach by phone during the day, so email is best.",
           "My customer number is {cust_no}.",
           "I tried calling earlier but couldn't get through.",
           "Apologies if this is not the right address; please forward it if needed.",
           "I'm travelling for the next two weeks but will check my email.",
           "Apologies for writing in English, my Dutch is not good enough yet."],
}
MOBILE_SIG = {"nl": ["Verzonden vanaf mijn iPhone", "Verstuurd vanaf mijn Samsung Galaxy-smartphone",
                     "Verzonden met Outlook voor Android", "Verzonden vanaf mijn iPad"],
              "en": ["Sent from my iPhone", "Sent from my Galaxy", "Sent from Outlook for Android",
                     "Get Outlook for iOS"]}
DISCLAIMER = {
    "nl": "Dit e-mailbericht is uitsluitend bestemd voor de geadresseerde(n). Als u dit bericht "
          "onterecht heeft ontvangen, wordt u verzocht de afzender te informeren en het bericht "
          "te verwijderen. Aan dit bericht kunnen geen rechten worden ontleend.",
    "en": "This email and any attachments are confidential and intended solely for the "
          "addressee. If you have received it in error, please notify the sender and delete it. "
          "Registered in England and Wales.",
}
ROLE_TITLES = {
    "supplier": (["Debiteurenbeheer", "Financiële administratie", "Accountmanager",
                  "Administratie", "Office manager"],
                 ["Credit Control", "Accounts Receivable", "Account Manager",
                  "Finance Assistant", "Billing Team"]),
    "broker": (["Adviseur schade", "Binnendienst", "Verzekeringsadviseur"],
               ["Insurance adviser", "Client services"]),
    "garage": (["Schadecalculatie", "Receptie", "Bedrijfsleider"],
               ["Estimator", "Front desk"]),
    "expert": (["Schade-expert", "Expertisebureau"], ["Loss adjuster", "Senior adjuster"]),
    "recruiter": (["Recruitment consultant", "Senior recruiter", "Intercedent"],
                  ["Recruitment Consultant", "Senior Talent Partner"]),
    "referee": (["Teamleider", "Afdelingshoofd", "Manager klantenservice"],
                ["Team Leader", "Head of Department", "Operations Manager"]),
}


def sig_private(r, c, lang, name=None):
    lines = [name or (c["full"] if r.random() < 0.8 else c["first"])]
    if r.random() < 0.35:
        lines.append(c["phone"] if r.random() < 0.7 else ("Tel: " if lang == "nl" else "Phone: ") + c["phone"])
    if r.random() < 0.2:
        lines += [c["address_short"], f"{c['postcode']} {c['city']}"]
    out = "\n".join(lines)
    if r.random() < 0.15:
        out += "\n\n" + r.choice(MOBILE_SIG[lang])
    return out


def sig_company(r, c, lang, who):
    titles = ROLE_TITLES.get(who, ROLE_TITLES["supplier"])[0 if lang == "nl" else 1]
    lines = [c["contact_full"], r.choice(titles), c["company"]]
    style = r.randint(0, 2)
    if style == 0:
        lines += [c["co_addr"], ("T " if lang == "nl" else "T: ") + c["co_phone"], c["website"]]
    elif style == 1:
        lines += [f"{c['co_addr']} | {c['co_phone']} | {c['website']}"]
    else:
        lines += [c["co_addr"], ("Tel. " if lang == "nl" else "Tel ") + c["co_phone"],
                  f"E-mail: {c['contact_email']}",
                  ("KvK " + c["kvk"] + " | BTW " + c["btw"]) if not c["co_domain"].endswith(".co.uk")
                  else "VAT reg. " + c["btw"]]
    out = "\n".join(lines)
    if r.random() < 0.4:
        out += "\n\n" + DISCLAIMER["en" if c["co_domain"].endswith(".co.uk") else lang]
        if r.random() < 0.3:
            out += "\n" + ("Denk aan het milieu voordat u deze e-mail print." if lang == "nl"
                           else "Please consider the environment before printing this email.")
    return out


OUR_DISCLAIMER = {
    "nl": ("Example Verzekeringen B.V. is ingeschreven bij de Kamer van Koophandel onder nummer 30123456. "
           "Dit bericht kan vertrouwelijke informatie bevatten en is uitsluitend bestemd voor de geadresseerde."),
    "en": ("Example Verzekeringen B.V. is registered with the Dutch Chamber of Commerce under number 30123456. "
           "This message may contain confidential information and is intended solely for the addressee."),
}


def sig_staff(lang, staff_full, dept_nl, dept_en):
    if lang == "nl":
        return (f"Met vriendelijke groet,\n\n{staff_full}\nAfdeling {dept_nl}\n{OUR['name']}\n"
                f"{OUR['pobox']}\nT {OUR['phone']} | {OUR['web']}\n\n{OUR_DISCLAIMER['nl']}")
    return (f"Kind regards,\n\n{staff_full}\n{dept_en}\n{OUR['name']}\n"
            f"{OUR['pobox']}, the Netherlands\nT +31 30 123 45 67 | {OUR['web']}\n\n{OUR_DISCLAIMER['en']}")


# ---------------------------------------------------------------------------
# 5. text templates
#
# Each template: T(subjects, body, att=kind, p=probability of attachment,
# who=sender type, short=skip greeting/pre-closing).  Bodies use str.format
# fields from make_ctx(); paragraphs are separated by blank lines.
# ---------------------------------------------------------------------------

def T(subjects, body, att=None, p=0.0, who="customer", short=False):
    return {"s": subjects, "b": body, "att": att, "p": p if att else 0.0,
            "who": who, "short": short}


INVOICE = {"nl": [
    T(["Factuur {inv_no}", "Factuur {inv_no} - {co_short}", "Nieuwe factuur van {co_short}"],
      "Hierbij ontvangt u factuur {inv_no} d.d. {inv_date} voor {service}. Het totaalbedrag van "
      "{amount_incl} (inclusief btw) verzoeken wij u binnen 30 dagen over te maken op {sup_iban} "
      "onder vermelding van het factuurnummer.[[\n\nDe factuur is als pdf bijgevoegd.||]]",
      "invoice_pdf", 0.6, "supplier"),
    T(["Uw factuur {inv_no} staat klaar", "Factuur {inv_no} van {co_short} is beschikbaar",
       "[{co_short}] Factuur {inv_no}"],
      "Dit is een automatisch gegenereerd bericht.\n\n[[In de bijlage vindt u||Er staat een nieuwe "
      "factuur voor u klaar in ons klantportaal:]] factuur {inv_no} met een "
      "totaalbedrag van {amount_incl}. De vervaldatum is {due_date}. Wij verzoeken u het bedrag "
      "voor de vervaldatum over te maken op rekening {sup_iban} t.n.v. {company}.\n\n"
      "U kunt niet antwoorden op dit e-mailadres. Voor vragen over deze factuur kunt u contact "
      "opnemen met onze debiteurenadministratie via {co_phone}.",
      "invoice_pdf", 0.35, "system", short=True),
    T(["Betalingsherinnering factuur {inv_no}", "Herinnering: openstaande factuur {inv_no}",
       "Herinnering {inv_no}"],
      "Volgens onze administratie is factuur {inv_no} van {old_inv_date} ter hoogte van "
      "{amount_incl} nog niet voldaan. De betalingstermijn is op {old_due_date} verstreken.\n\n"
      "Mogelijk is dit aan uw aandacht ontsnapt. Wij verzoeken u vriendelijk het bedrag binnen "
      "7 dagen over te maken op {sup_iban}. Heeft u inmiddels betaald, dan kunt u deze herinnering "
      "als niet verzonden beschouwen.",
      "reminder_pdf", 0.3, "supplier"),
    T(["Aanmaning factuur {inv_no}", "Tweede herinnering factuur {inv_no}",
       "AANMANING - factuur {inv_no}"],
      "Ondanks onze eerdere herinnering hebben wij nog geen betaling ontvangen voor factuur "
      "{inv_no} van {old_inv_date}. Het openstaande bedrag bedraagt {amount_incl}.\n\n"
      "Indien wij het bedrag niet binnen 14 dagen na dagtekening van deze aanmaning hebben "
      "ontvangen, zijn wij genoodzaakt de vordering uit handen te geven. De daarmee gemoeide "
      "incassokosten komen dan voor uw rekening.[[\n\nDeze aanmaning is tevens als pdf bijgevoegd.||]]",
      "reminder_pdf", 0.4, "supplier"),
    T(["Creditnota {cn_no}", "Creditnota bij factuur {orig_inv_no}", "Creditering factuur {orig_inv_no}"],
      "Naar aanleiding van uw bericht over factuur {orig_inv_no} hebben wij een creditnota "
      "opgemaakt. Creditnota {cn_no} ter waarde van {credit_amount} [[vindt u in de bijlage||"
      "wordt vandaag in onze administratie verwerkt]].\n\n"
      "Het bedrag wordt verrekend met de eerstvolgende factuur, tenzij u aangeeft het te willen "
      "laten terugstorten. Excuses voor de vergissing.",
      "credit_pdf", 0.6, "supplier"),
    T(["Factuur {period} - {inv_no}", "Factuur werkzaamheden {period}", "Maandfactuur {period}"],
      "Bijgaand de factuur voor de werkzaamheden in de maand {period}. Conform de "
      "raamovereenkomst zijn {hours} uur gefactureerd tegen het afgesproken tarief. De "
      "urenspecificatie is als aparte bijlage toegevoegd.\n\nTotaal te betalen: {amount_incl}, "
      "betaaltermijn 30 dagen.",
      "invoice_hours", 1.0, "supplier"),
    T(["Gecorrigeerde factuur {inv_no}", "Factuur {inv_no} met inkoopnummer {po_no}",
       "RE: factuur {inv_no} zonder PO-nummer"],
      "Zoals gevraagd sturen wij de factuur opnieuw, nu met uw inkoopordernummer {po_no} erop "
      "vermeld. Het bedrag en de overige gegevens zijn ongewijzigd ({amount_incl}).\n\n"
      "Excuses voor het ongemak. De oude factuur kunt u als vervallen beschouwen.",
      "invoice_pdf", 1.0, "supplier"),
    T(["Wijziging bankgegevens {co_short}", "Nieuw rekeningnummer {co_short}",
       "Let op: gewijzigd IBAN"],
      "Per 1 {next_month} wijzigt ons rekeningnummer. Wilt u toekomstige betalingen voortaan "
      "overmaken naar {sup_iban}, ten name van {company}?\n\nDe openstaande factuur {inv_no} mag "
      "ook al op het nieuwe nummer worden voldaan. Ter verificatie kunt u ons altijd bellen op "
      "{co_phone}; wij vragen u nooit per e-mail om inloggegevens.",
      "letter_pdf", 0.2, "supplier"),
    T(["Overzicht openstaande posten", "Saldo-overzicht debiteur {cust_no}",
       "Rekeningoverzicht per {inv_date}"],
      "In de bijlage treft u een overzicht van de openstaande posten op uw debiteurnummer "
      "{cust_no}. Het totaal openstaande saldo bedraagt {amount_incl}.\n\nWij zouden het op "
      "prijs stellen als u de vervallen posten op korte termijn voldoet. Mocht u van mening zijn "
      "dat een post onterecht openstaat, laat het ons dan weten.",
      "statement", 1.0, "supplier"),
    T(["Factuur {inv_no}", "factuur", "Fw: factuur {inv_no}", "Factuur {co_short}"],
      "Zie bijlage.", "invoice_pdf", 1.0, "supplier", short=True),
    T(["Pro-formafactuur bestelling {po_no}", "Proforma {inv_no}"],
      "Voor uw bestelling met referentie {po_no} ({service}) ontvangt u hierbij een "
      "pro-formafactuur. Na ontvangst van de aanbetaling van 50% ({amount_half}) nemen wij de "
      "order in behandeling. De definitieve factuur volgt bij levering.",
      "invoice_pdf", 0.6, "supplier"),
    T(["Declaratie expertise dossier {claim_no}", "Factuur expertise {claim_no}",
       "Nota inzake schadedossier {claim_no}"],
      "Hierbij onze declaratie voor het uitgevoerde expertiseonderzoek in dossier {claim_no} "
      "(uw referentie). Wij hebben {hours_small} uur besteed aan de inspectie ter plaatse en de "
      "rapportage. Het rapport is u eerder al toegezonden.\n\nHet declaratiebedrag van "
      "{amount_incl} zien wij graag binnen 30 dagen tegemoet.",
      "invoice_pdf", 0.5, "expert"),
    T(["Factuur herstel {plate} / schadenummer {claim_no}", "Herstelfactuur {plate}",
       "Factuur reparatie voertuig {plate}"],
      "Namens uw verzekerde {full} sturen wij u de factuur voor het herstel van het voertuig "
      "met kenteken {plate}. Het schadedossier is bij u bekend onder nummer {claim_no}.\n\n"
      "Conform de afspraak met uw schadeafdeling ontvangen wij de betaling van {amount_incl} "
      "graag rechtstreeks op {sup_iban}. Het eigen risico is met de klant verrekend.",
      "invoice_pdf", 0.6, "garage"),
    T(["LAATSTE HERINNERING factuur {inv_no}", "Ingebrekestelling factuur {inv_no}"],
      "Dit is onze laatste herinnering. Factuur {inv_no} staat inmiddels {days_overdue} dagen "
      "over de vervaldatum open. Wij brengen vanaf heden de wettelijke handelsrente in rekening.\n\n"
      "Wij verzoeken u het volledige bedrag van {amount_incl} uiterlijk binnen 5 werkdagen te "
      "voldoen. Na deze termijn dragen wij de vordering zonder nadere aankondiging over aan ons "
      "incassobureau.",
      "reminder_pdf", 0.2, "supplier"),
    T(["Facturen voortaan per e-mail", "Nieuw factuuradres? - {co_short}"],
      "Vanaf volgende maand versturen wij onze facturen uitsluitend nog elektronisch[[. Hierbij "
      "alvast factuur {inv_no} voor {period}.|| via dit e-mailadres.]]\n\nKunt u bevestigen dat dit het juiste adres is "
      "voor het ontvangen van facturen? Zo niet, dan horen wij graag naar welk adres wij ze "
      "moeten sturen.",
      "invoice_pdf", 0.5, "supplier"),
    T(["Verlenging abonnement - factuur {inv_no}", "Jaarfactuur {inv_no}"],
      "Uw jaarabonnement voor {service} wordt per {due_date} automatisch verlengd. [[Bijgaand "
      "treft u||Hierbij ontvangt u]] factuur {inv_no} voor de komende periode van twaalf maanden, groot {amount_incl}.\n\n"
      "Wilt u het abonnement wijzigen of opzeggen, neem dan contact op met uw accountmanager.",
      "invoice_pdf", 0.5, "supplier"),
    T(["Deelbetaling factuur {inv_no}", "Restant factuur {inv_no}"],
      "Wij hebben een betaling van {amount_part} ontvangen met omschrijving {inv_no}. Het "
      "factuurbedrag bedroeg echter {amount_incl}, zodat er nog een restant van {amount_rest} "
      "openstaat.\n\nKunt u nagaan of er een deel is ingehouden? Wij ontvangen het restant graag "
      "binnen 14 dagen of een toelichting als u het niet eens bent met de factuur.",
      None, 0.0, "supplier"),
    T(["Derde herinnering {inv_no} - graag actie", "Factuur {inv_no} nog steeds niet betaald"],
      "Dit is inmiddels de derde keer dat wij u moeten herinneren aan factuur {inv_no} van "
      "{old_inv_date} ({amount_incl}). Wij hebben meerdere keren gebeld, maar niemand van uw "
      "crediteurenadministratie neemt op en op onze mails komt geen reactie.\n\nWij vinden dit "
      "teleurstellend, zeker voor een klant waarvoor wij al jaren werken. Wij rekenen op betaling "
      "uiterlijk {due_date}.",
      "reminder_pdf", 0.2, "supplier"),
], "en": [
    T(["Invoice {inv_no}", "Invoice {inv_no} from {co_short}", "{co_short} - Invoice {inv_no}"],
      "[[Please find attached||This email is to let you know about]] invoice {inv_no} dated {inv_date} for {service}. The total amount "
      "due is {amount_incl}.\n\nPayment terms are 30 days from the invoice date. Please quote "
      "the invoice number as your payment reference.",
      "invoice_pdf", 0.6, "supplier"),
    T(["Your invoice {inv_no} is ready", "New invoice available: {inv_no}",
       "[{co_short}] Invoice {inv_no}"],
      "This is an automated message - please do not reply.\n\nYour invoice {inv_no} for "
      "{amount_incl} is [[attached||now available in your online account]] and is due on {due_date}. You can pay by bank transfer to "
      "{sup_iban} quoting the invoice number.\n\nIf you have any questions about this invoice "
      "please contact our accounts team on {co_phone}.",
      "invoice_pdf", 0.35, "system", short=True),
    T(["Payment reminder - invoice {inv_no}", "Reminder: invoice {inv_no} overdue",
       "Overdue invoice {inv_no}"],
      "According to our records, invoice {inv_no} dated {old_inv_date} for {amount_incl} "
      "remains unpaid. Payment was due on {old_due_date}.\n\nWe would be grateful if you could "
      "arrange payment within the next seven days. If payment has already been made, please "
      "disregard this reminder and accept our thanks.",
      "reminder_pdf", 0.3, "supplier"),
    T(["Final notice - invoice {inv_no}", "Second reminder: {inv_no}", "FINAL REMINDER {inv_no}"],
      "Despite our earlier reminder we have still not received payment of invoice {inv_no} "
      "({amount_incl}), which is now {days_overdue} days overdue.\n\nUnless we receive "
      "payment within 14 days, we will have no option but to pass the debt to our collection "
      "agency and statutory interest will be added. Please contact us immediately if there is "
      "a problem with this invoice.",
      "reminder_pdf", 0.3, "supplier"),
    T(["Credit note {cn_no}", "Credit note for invoice {orig_inv_no}"],
      "Following your query about invoice {orig_inv_no}, we have issued credit note {cn_no} for "
      "{credit_amount}.[[ The credit note is attached.||]]\n\nWe will offset the amount against our "
      "next invoice unless you would prefer a refund to your account. Apologies for the error.",
      "credit_pdf", 0.6, "supplier"),
    T(["Invoice {inv_no} - {period}", "Monthly invoice {period}", "Timesheet and invoice {period}"],
      "Attached is our invoice for {period} together with the timesheet. In line with the "
      "framework agreement we have billed {hours} hours at the agreed rate.\n\nTotal due: "
      "{amount_incl}. Let me know if you need the hours broken down differently for your "
      "cost centres.",
      "invoice_hours", 1.0, "supplier"),
    T(["Re-issued invoice {inv_no} with PO number", "Invoice {inv_no} - PO {po_no} added"],
      "As requested, we have re-issued the invoice with your purchase order number {po_no}. "
      "Nothing else has changed - the amount is still {amount_incl}.\n\nPlease treat the "
      "original invoice as void.",
      "invoice_pdf", 1.0, "supplier"),
    T(["Change of bank details - {co_short}", "Important: our bank account has changed"],
      "Please note that from 1 {next_month} our bank details will change. All future payments "
      "should be made to {sup_iban} in the name of {company}.\n\nTo protect you against fraud, "
      "please verify this change by calling your usual contact on {co_phone} before updating "
      "your records. We will never ask you to change bank details by email alone.",
      "letter_pdf", 0.2, "supplier"),
    T(["Statement of account", "Account statement - customer {cust_no}",
       "Outstanding balance statement"],
      "Please find attached a statement of your account with us (customer number {cust_no}). "
      "The total outstanding balance is {amount_incl}, of which part is now past due.\n\n"
      "We would appreciate it if you could check the statement and let us know when payment "
      "can be expected.",
      "statement", 1.0, "supplier"),
    T(["Invoice", "Invoice {inv_no}", "inv {inv_no}", "FW: invoice"],
      "Please see attached.", "invoice_pdf", 1.0, "supplier", short=True),
    T(["Pro forma invoice {inv_no}", "Pro forma for order {po_no}"],
      "Thank you for your order {po_no}. [[Please find attached our pro forma invoice.||Our pro "
      "forma invoice total is {amount_incl}.]] Once we "
      "receive the 50% deposit ({amount_half}) we will schedule the work. The final invoice "
      "will follow on completion.",
      "invoice_pdf", 0.6, "supplier"),
    T(["Fee note - claim {claim_no}", "Invoice for adjusting services, your ref {claim_no}"],
      "[[Please find enclosed||Please note]] our fee note for the inspection and report on claim {claim_no}. We "
      "spent {hours_small} hours on site and on the report, which was sent to your claims team "
      "last week.\n\nAmount due: {amount_incl}, payable within 30 days.",
      "invoice_pdf", 0.5, "expert"),
    T(["Annual renewal - invoice {inv_no}", "Subscription renewal {inv_no}"],
      "Your annual subscription for {service} renews on {due_date}. [[Attached is||This is]] invoice "
      "{inv_no} for the next twelve months ({amount_incl}).\n\nIf you would like to change or "
      "cancel your plan, please reply before the renewal date.",
      "invoice_pdf", 0.5, "supplier"),
    T(["Part payment received - invoice {inv_no}", "Short payment on {inv_no}"],
      "We have received a payment of {amount_part} referencing invoice {inv_no}. However, the "
      "invoice total was {amount_incl}, leaving a balance of {amount_rest}.\n\nCould you check "
      "whether a deduction was made in error? If you dispute part of the invoice, please let "
      "us know so we can resolve it.",
      None, 0.0, "supplier"),
    T(["Invoices by email from now on", "Please confirm invoice address"],
      "From next month we will send all invoices electronically.[[ Attached is invoice {inv_no} "
      "for {period}.||]]\n\nCould you confirm this is the correct mailbox for supplier invoices, or "
      "let us know which address we should use instead?",
      "invoice_pdf", 0.5, "supplier"),
    T(["Third reminder {inv_no} - please respond", "Still unpaid: invoice {inv_no}"],
      "This is the third time we have had to chase invoice {inv_no} ({amount_incl}), issued "
      "on {old_inv_date}. Our calls to your accounts payable team go unanswered.\n\nWe have "
      "valued working with you, but we need this settled by {due_date} at the latest.",
      "reminder_pdf", 0.2, "supplier"),
    T(["Invoice {inv_no} - repair {plate}", "Repair invoice, claim {claim_no}"],
      "On behalf of your policyholder {full}, [[please find attached||we are sending]] our invoice for the repair "
      "of vehicle {plate} (your claim reference {claim_no}).\n\nAs agreed with your claims "
      "department, please pay {amount_incl} directly to us; the excess has been collected "
      "from the customer.",
      "invoice_pdf", 0.6, "garage"),
]}

CLAIM = {"nl": [
    T(["Schademelding aanrijding {plate}", "Schade auto {plate}", "Aanrijding {incident_date}",
       "schademelding"],
      "Op {incident_date} ben ik rond {incident_time} aangereden op de {street} in {city}. "
      "Een andere auto (kenteken {other_plate}) reed achteruit een parkeervak uit en raakte de "
      "linkerzijkant van mijn {car} met kenteken {plate}.\n\nWe hebben samen een Europees "
      "schadeformulier ingevuld[[; dat stuur ik mee als bijlage, samen met een paar foto's|| en "
      "ik kan het nasturen als u het nodig heeft]]. Mijn "
      "polisnummer is {policy_no}. Wat moet ik nu verder doen?",
      "claim_form", 0.7),
    T(["Parkeerschade", "Deuk in auto, dader onbekend", "Schade melden - {plate}"],
      "Toen ik gisteren terugkwam bij mijn auto stond er een flinke deuk in de achterbumper en "
      "zit de lak aan de rechterkant beschadigd. Er zat geen briefje achter de ruitenwisser en "
      "ik weet niet wie het gedaan heeft.\n\nIk heb een allriskverzekering ({policy_no}). Kan ik "
      "de schade bij jullie melden en naar welke hersteller mag ik gaan? [[Foto's zitten in de "
      "bijlage.||Ik heb foto's gemaakt, die kan ik nasturen.]]",
      "photos", 0.5),
    T(["Waterschade {address_short}", "Schademelding waterschade", "Lekkage badkamer - polis {policy_no}"],
      "Vannacht is er in onze badkamer op de eerste verdieping een leiding gesprongen. Het "
      "water is door het plafond van de woonkamer gelekt. Het plafond is zwaar beschadigd en "
      "ook de laminaatvloer en de bank zijn nat geworden.\n\nDe loodgieter is vanochtend geweest "
      "en heeft de leiding gerepareerd. Wij hebben een inboedel- en opstalverzekering bij u "
      "onder polisnummer {policy_no}. Hoe gaat het nu verder? Moeten wij zelf een aannemer "
      "regelen voor het plafond?",
      "photos", 0.4),
    T(["Schade door lekkende wasmachine", "Waterschade bij benedenburen"],
      "Onze wasmachine is tijdens het centrifugeren lek geraakt terwijl wij niet thuis waren. "
      "Het water is doorgelopen naar de woning van de benedenburen, waar nu een vochtplek in het "
      "plafond zit en de verf loslaat.\n\nDe buren hebben hun eigen verzekering ingelicht, maar "
      "vroegen ons om de schade ook bij onze aansprakelijkheidsverzekering ({policy_no}) te "
      "melden. Ons adres is {address}.",
      "photos", 0.4),
    T(["Inbraak - aangifte {pv_no}", "Melding inbraak woning", "Inbraakschade {address_short}"],
      "Afgelopen weekend is er bij ons ingebroken terwijl wij weg waren. De achterdeur is "
      "geforceerd en er zijn onder meer een laptop, een spelcomputer en sieraden meegenomen.\n\n"
      "Wij hebben aangifte gedaan bij de politie, het nummer van het proces-verbaal is {pv_no}. "
      "Een lijst met gestolen spullen en de aankoopbonnen die we nog hebben, sturen we zo snel "
      "mogelijk na. De deur is provisorisch dichtgemaakt. Polisnummer: {policy_no}.",
      "items_txt", 0.5),
    T(["Fiets gestolen", "Diefstal e-bike", "Diefstalmelding fiets - {policy_no}"],
      "Mijn {bike} is op {incident_date} gestolen bij het station in {city}. Hij stond op slot "
      "met het goedgekeurde ringslot én een kettingslot aan een fietsenrek.\n\n[[De aangifte "
      "(nummer {pv_no}) en de aankoopbon zitten in de bijlage.||Ik heb aangifte gedaan onder "
      "nummer {pv_no}; de aankoopbon heb ik nog.]] De fiets is bij u verzekerd via "
      "polis {policy_no}. Hoe lang duurt het ongeveer voordat ik iets hoor?",
      "police_pdf", 0.6),
    T(["Stormschade dak", "Schade na storm", "Dakpannen weggewaaid - melding"],
      "Door de storm van afgelopen nacht zijn er meerdere dakpannen van ons dak gewaaid en is "
      "de schutting tussen ons en de buren omgevallen. Het regent nu op één plek door naar de "
      "zolder.\n\nEen dakdekker kan morgen een noodreparatie doen. Mag ik hem daar opdracht voor "
      "geven? Onze opstalverzekering loopt onder {policy_no}.",
      "photos", 0.4),
    T(["Ruitschade {plate}", "Sterretje in voorruit", "Steenslag voorruit"],
      "Er is een steentje tegen mijn voorruit gekomen op de {road_a}. Er zit nu een sterretje van "
      "ongeveer een centimeter, vlak in het zichtveld van de bestuurder.\n\nKan dit gerepareerd "
      "worden of moet de ruit vervangen worden? Het gaat om mijn {car} met kenteken {plate}. Ik "
      "heb beperkt casco bij jullie.",
      "photos", 0.4),
    T(["Koffer niet aangekomen - reisverzekering", "Claim reisverzekering bagage",
       "Bagage kwijt op vakantie"],
      "Tijdens onze vakantie in {country} is mijn koffer niet aangekomen. De luchtvaartmaatschappij "
      "heeft een verloren-bagagerapport opgemaakt met nummer {pir}. Na vijf dagen is de koffer "
      "nog steeds niet gevonden.\n\nWij hebben noodzakelijke kleding en toiletartikelen moeten "
      "kopen voor ongeveer {item_value}. Kan ik dit declareren op onze doorlopende "
      "reisverzekering ({policy_no})? De bonnetjes heb ik bewaard.",
      "receipt_pdf", 0.6),
    T(["Schade bij de buren - aansprakelijkheid", "Ruit buren kapot", "Melding WA-schade"],
      "Mijn zoontje van acht heeft tijdens het voetballen in de tuin een ruit bij de buren "
      "kapotgeschoten. De buren vragen of wij de schade vergoeden.\n\nWij hebben een "
      "aansprakelijkheidsverzekering bij u ({policy_no}). Kunnen jullie de schade van de buren "
      "afhandelen? De glaszetter heeft een offerte gemaakt van {repair_amount}.",
      "quote_pdf", 0.8),
    T(["Foto's schade {claim_no}", "Aanvulling schademelding {claim_no}", "RE: schadenummer {claim_no}"],
      "Hierbij stuur ik, zoals gevraagd door uw collega, de foto's van de schade. Het "
      "schadenummer is {claim_no}.",
      "photos", 1.0, short=True),
    T(["Offerte herstel {plate}", "Schadecalculatie garage - {claim_no}"],
      "In de bijlage de offerte van {garage} voor het herstel van mijn auto. Zij rekenen op "
      "{repair_amount} inclusief btw.\n\nKunnen zij de reparatie al inplannen of komt er eerst "
      "een expert kijken? Mijn schadenummer is {claim_no}.",
      "quote_pdf", 1.0),
    T(["Vraag over mijn schademelding {claim_no}", "Stand van zaken schade {claim_no}"],
      "Vorige week heb ik een schade gemeld (schadenummer {claim_no}), maar ik heb nog niets "
      "gehoord. Hoe lang duurt het gemiddeld voordat er een expert langskomt?\n\nHet plafond moet "
      "eigenlijk snel gemaakt worden, want er komt steeds meer vocht in. Kunnen jullie laten "
      "weten wanneer ik iets kan verwachten?"),
    T(["Schademelding namens relatie {full}", "Brandschade {full} - polis {policy_no}",
       "Nieuwe schade: brand bijkeuken"],
      "Namens onze relatie {full}, wonende {address}, melden wij hierbij een schade onder polis "
      "{policy_no}.\n\nOp {incident_date} is door kortsluiting in de wasdroger brand ontstaan in "
      "de bijkeuken. De brandweer is ter plaatse geweest. Er is rook- en roetschade in de hele "
      "benedenverdieping. Wij verzoeken u een expert in te schakelen en verwachten het "
      "schadenummer graag retour.",
      "photos", 0.5, "broker"),
    T(["Hagelschade {plate}", "Schade door hagel"],
      "Door de hagelbui van {incident_date} zit mijn auto vol met kleine deukjes op het dak en "
      "de motorkap. Ook de achterruit heeft een barst.\n\nIk heb begrepen dat er bij grote "
      "hagelschades speciale herstelpunten zijn. Waar moet ik me melden? Kenteken {plate}, "
      "polisnummer {policy_no}.",
      "photos", 0.6),
    T(["Tv gevallen tijdens verhuizing", "Schade televisie"],
      "Tijdens het verhuizen is onze televisie van de trap gevallen en is het scherm gebroken. "
      "Het toestel was twee jaar oud en heeft destijds {item_value} gekost.\n\nWij hebben een "
      "inboedelverzekering met all-riskdekking ({policy_no}). Valt dit onder de dekking en zo ja, "
      "wat hebben jullie van ons nodig?",
      "photos", 0.3),
    T(["Aanrijding met ree {road_n}", "Wildschade auto {plate}"],
      "Op {incident_day}avond rond {incident_time} is er op de {road_n} bij {city} een ree tegen "
      "mijn auto aangelopen. De voorbumper en een koplamp zijn kapot en de motorkap is "
      "ingedeukt.\n\nDe politie is ter plaatse geweest en heeft een verklaring opgemaakt. Ik rijd "
      "in een {car}, kenteken {plate}. Kan de auto nog zo de weg op of moet ik hem laten ophalen?",
      "photos", 0.5),
    T(["Auto gestolen {plate}", "Diefstal auto - dringend"],
      "Mijn auto, een {car} met kenteken {plate}, is vannacht voor de deur gestolen. Ik heb "
      "vanochtend aangifte gedaan (registratienummer {pv_no}).\n\nBeide sleutels heb ik nog. "
      "Moet ik die naar jullie opsturen? En heb ik recht op vervangend vervoer? Ik ben voor mijn "
      "werk afhankelijk van de auto.",
      "police_pdf", 0.6),
    T(["Telefoon kapot gevallen", "Schade mobiele telefoon"],
      "Mijn telefoon is gisteren uit mijn jaszak op de stoep gevallen; het scherm is volledig "
      "gebarsten en hij doet niets meer. Ik heb hem vorig jaar gekocht voor {item_value}.\n\n"
      "Valt dit onder mijn inboedelverzekering (polis {policy_no})? [[De aankoopbon en een foto "
      "stuur ik mee.||De aankoopbon heb ik nog.]]",
      "photos", 0.5),
], "en": [
    T(["Claim - car accident {plate}", "Accident report {incident_date}", "Car damage claim {plate}"],
      "On {incident_date} at about {incident_time} my car was hit on the {street} in {city}. "
      "Another car (registration {other_plate}) reversed out of a parking space into the "
      "driver's side of my {car}, registration {plate}.\n\nWe filled in a European accident "
      "statement together[[, which I have attached with some photos|| and I can send it if you "
      "need it]]. My policy number is "
      "{policy_no}. What are the next steps?",
      "claim_form", 0.7),
    T(["Parking damage - unknown third party", "Dent in my car", "New claim {plate}"],
      "When I came back to my car yesterday there was a large dent in the rear bumper and "
      "scratches along the right-hand side. No note was left and I have no idea who did it.\n\n"
      "I have comprehensive cover ({policy_no}). Can I make a claim, and which repair shop "
      "should I use? [[Photos attached.||I took photos and can send them.]]",
      "photos", 0.5),
    T(["Water damage - burst pipe", "Claim: water leak at {address_short}", "Leak from bathroom"],
      "Last night a pipe burst in our upstairs bathroom. Water came through the living room "
      "ceiling, which is badly damaged, and the laminate floor and sofa are soaked.\n\nA plumber "
      "has fixed the pipe this morning. We have home contents and buildings insurance with you "
      "under policy {policy_no}. What happens next, and should we arrange a contractor for "
      "the ceiling ourselves?",
      "photos", 0.4),
    T(["Flooding from upstairs neighbour", "Water damage in rented flat"],
      "Our upstairs neighbour's washing machine leaked and water has come through into our "
      "kitchen. The ceiling is stained, one kitchen cupboard has swollen and our microwave "
      "stopped working.\n\nWe rent the flat, so the landlord is handling the building, but our "
      "own belongings are insured with you under {policy_no}. How do we claim for those?",
      "photos", 0.5),
    T(["Burglary - police ref {pv_no}", "Break-in at our home", "Theft claim"],
      "Our house was broken into over the weekend while we were away. The back door was forced "
      "and a laptop, a games console and some jewellery were taken.\n\nWe reported it to the "
      "police, reference {pv_no}. I will send a full list of the stolen items and whatever "
      "receipts we still have. The door has been temporarily secured. Policy number {policy_no}.",
      "items_txt", 0.5),
    T(["Stolen bike", "Bicycle theft claim", "E-bike stolen at the station"],
      "My {bike} was stolen on {incident_date} from the bike racks at the station in {city}. "
      "It was locked with the approved frame lock and a chain lock.\n\n[[The police report "
      "({pv_no}) and the purchase receipt are attached.||I reported it to the police (reference "
      "{pv_no}) and still have the receipt.]] The bike is insured under policy "
      "{policy_no}. How long does a claim like this usually take?",
      "police_pdf", 0.6),
    T(["Storm damage to roof", "Roof tiles blown off", "Storm claim"],
      "Several roof tiles were blown off during last night's storm and the fence between us and "
      "our neighbours came down. Rain is now coming into the loft in one spot.\n\nA roofer can "
      "do an emergency repair tomorrow. Am I OK to go ahead with that? Our buildings policy is "
      "{policy_no}.",
      "photos", 0.4),
    T(["Windscreen chip {plate}", "Cracked windscreen"],
      "A stone hit my windscreen on the {road_a} and there is now a chip of about a centimetre "
      "right in the driver's line of sight.\n\nCan it be repaired or does the windscreen need "
      "replacing? The car is a {car}, registration {plate}.",
      "photos", 0.4),
    T(["Lost luggage claim", "Travel insurance claim - baggage", "Suitcase missing after flight"],
      "My suitcase did not arrive when we flew to {country} for our holiday. The airline "
      "issued a property irregularity report, reference {pir}, but after five days it still "
      "hasn't turned up.\n\nWe had to buy essential clothes and toiletries for about "
      "{item_value}. Can I claim this on our annual travel insurance ({policy_no})? I have kept "
      "all receipts.",
      "receipt_pdf", 0.6),
    T(["Liability claim - neighbour's window", "Damage to neighbour's property"],
      "My son accidentally kicked a football through our neighbour's window. They have asked "
      "whether we will pay for the damage.\n\nWe have liability insurance with you ({policy_no}). "
      "Could you handle the neighbour's claim? The glazier has quoted {repair_amount}.",
      "quote_pdf", 0.8),
    T(["Photos for claim {claim_no}", "Additional documents {claim_no}", "RE: claim {claim_no}"],
      "As requested by your colleague, please find attached the photos of the damage. Claim "
      "number {claim_no}.",
      "photos", 1.0, short=True),
    T(["Repair quote {plate}", "Garage estimate for claim {claim_no}"],
      "Attached is the estimate from {garage} for repairing my car. They quote {repair_amount} "
      "including VAT.\n\nCan they go ahead with the repair, or will an assessor come to look at "
      "the car first? My claim number is {claim_no}.",
      "quote_pdf", 1.0),
    T(["Question about my claim {claim_no}", "Claim {claim_no} - any update?"],
      "I reported a claim last week (reference {claim_no}) but haven't heard anything since. "
      "How long does it usually take before an assessor visits?\n\nThe ceiling really needs to "
      "be fixed soon as the damp patch keeps growing. Could you let me know what to expect?"),
    T(["Hail damage {plate}", "Hail claim"],
      "The hailstorm on {incident_date} left dozens of small dents on the roof and bonnet of my "
      "car, and the rear window is cracked.\n\nI understand there are special repair centres "
      "for hail damage. Where should I go? Registration {plate}, policy {policy_no}.",
      "photos", 0.6),
    T(["Laptop stolen from car", "Theft from vehicle"],
      "My work laptop and a backpack were stolen from my car while it was parked near the "
      "office in {city}. The rear side window was smashed.\n\nI have filed a police report "
      "({pv_no}). The window damage falls under my car policy and the backpack under my home "
      "contents insurance, I think. Can you tell me how to claim for both?",
      "photos", 0.5),
    T(["Phone screen broken - claim", "Dropped my phone"],
      "I dropped my phone on the pavement yesterday; the screen is completely shattered and it "
      "no longer switches on. I bought it last year for {item_value}.\n\nIs this covered under "
      "my contents insurance (policy {policy_no})? [[I've attached the receipt and a photo.||I "
      "still have the receipt.]]",
      "photos", 0.5),
    T(["Car stolen overnight - {plate}", "URGENT: stolen vehicle"],
      "My car, a {car} with registration {plate}, was stolen from outside my house last night. "
      "I reported it to the police this morning (reference {pv_no}).\n\nI still have both "
      "keys - do you need them? And am I entitled to a replacement car? I need it for work.",
      "police_pdf", 0.6),
    T(["Claim on behalf of client {full}", "Fire damage - {full}"],
      "On behalf of our client {full}, {address}, we would like to report a claim under policy "
      "{policy_no}.\n\nOn {incident_date} a short circuit in the tumble dryer caused a fire in "
      "the utility room. There is smoke damage throughout the ground floor. Please appoint a "
      "loss adjuster and send us the claim reference.",
      "photos", 0.5, "broker"),
]}

POLICY_CHANGE = {"nl": [
    T(["Adreswijziging", "Verhuizing per {move_date}", "Wijziging adres polis {policy_no}",
       "Nieuw adres"],
      "Per {move_date} verhuizen wij van {address} naar:\n\n{new_address_lines}\n\nWillen jullie "
      "het nieuwe adres doorvoeren op al onze polissen? Het gaat in elk geval om de inboedel- en "
      "aansprakelijkheidsverzekering ({policy_no}). Moet ik voor de nieuwe woning nog gegevens "
      "doorgeven, zoals het bouwjaar of het type dak?"),
    T(["Extra bestuurder toevoegen", "Zoon als bestuurder op autoverzekering",
       "Wijziging polis {policy_no} - regelmatige bestuurder"],
      "Onze zoon {child_first} ({child_age} jaar) heeft onlangs zijn rijbewijs gehaald en gaat "
      "regelmatig in onze auto ({plate}) rijden.\n\nMoet hij als regelmatige bestuurder worden "
      "toegevoegd? Zo ja, wilt u hem dan toevoegen aan polis {policy_no} en laten weten wat dit "
      "voor de premie betekent?"),
    T(["Opzegging autoverzekering {plate}", "Auto verkocht - polis beëindigen",
       "Beëindiging verzekering {plate}"],
      "Ik heb mijn auto met kenteken {plate} op {past_date} verkocht. Het vrijwaringsbewijs van "
      "de RDW zit in de bijlage.\n\nGraag de autoverzekering {policy_no} per die datum "
      "beëindigen en de te veel betaalde premie terugstorten op {iban}.",
      "vrijwaring_pdf", 0.9),
    T(["Opzegging {policy_type}", "Opzeggen polis {policy_no}", "Opzegging"],
      "Hierbij zeg ik mijn {policy_type} met polisnummer {policy_no} op per de eerstvolgende "
      "mogelijke datum. Ik heb elders een verzekering afgesloten.\n\nGraag ontvang ik een "
      "schriftelijke bevestiging van de opzegging, met de datum waarop de dekking eindigt.",
      "letter_pdf", 0.25),
    T(["Dekking wijzigen naar WA + beperkt casco", "Wijziging dekking autoverzekering"],
      "Mijn auto is inmiddels acht jaar oud en allrisk lijkt me niet meer de moeite waard. Ik "
      "wil de dekking daarom graag wijzigen van allrisk naar WA + beperkt casco.\n\nKunt u dit "
      "per de volgende premievervaldatum aanpassen en mij een nieuw polisblad sturen? "
      "Polisnummer {policy_no}, kenteken {plate}."),
    T(["Nieuwe auto - kentekenwijziging", "Andere auto op polis {policy_no}",
       "Wijziging voertuig: {new_plate}"],
      "Ik heb een andere auto gekocht, een {car} met kenteken {new_plate}. Deze vervangt mijn "
      "huidige auto met kenteken {plate}.\n\nKunt u de verzekering per {move_date} overzetten? "
      "De nieuwe auto is een occasion uit 2021; een kopie van het kentekenbewijs stuur ik mee.",
      "kenteken_jpg", 0.6),
    T(["Jaarbetaling in plaats van maandbetaling", "Wijziging betaaltermijn"],
      "Ik betaal de premie voor polis {policy_no} nu per maand ({premium}), maar wil graag "
      "overstappen op jaarbetaling. Klopt het dat ik dan korting krijg?\n\nZo ja, wilt u de "
      "betaaltermijn per de volgende vervaldatum wijzigen?"),
    T(["Wijziging rekeningnummer incasso", "Nieuw IBAN voor automatische incasso",
       "Wijziging bankrekening polis {policy_no}"],
      "Wij zijn overgestapt naar een andere bank. Wilt u de premie voortaan incasseren van "
      "rekening {iban} ten name van {full}?\n\nHet oude rekeningnummer wordt over een maand "
      "opgeheven. Ons klantnummer is {cust_no}.",
      "letter_pdf", 0.2),
    T(["Partner meeverzekeren", "Gezinssamenstelling gewijzigd", "Samenwonen - wijziging polis"],
      "Sinds kort woon ik samen met mijn partner, {partner_full}. Wij willen graag dat "
      "{partner_first} wordt meeverzekerd op mijn aansprakelijkheidsverzekering en "
      "inboedelverzekering (polis {policy_no}).\n\nWordt het dan een gezinspolis en wat kost "
      "dat per maand? De inboedel wordt natuurlijk ook groter."),
    T(["Verbouwing - verzekerd bedrag aanpassen", "Herbouwwaarde na uitbouw"],
      "Wij hebben een uitbouw laten plaatsen en de keuken vernieuwd. De verbouwing heeft "
      "ongeveer {amount} gekost.\n\nMoet het verzekerd bedrag van de opstalverzekering "
      "({policy_no}) worden aangepast? Zo ja, graag per direct doorvoeren zodat we niet "
      "onderverzekerd zijn."),
    T(["Werelddekking reisverzekering", "Uitbreiding reisverzekering naar werelddekking"],
      "Wij gaan in {next_month} voor drie weken naar {country}. Onze doorlopende reisverzekering "
      "heeft nu alleen Europadekking.\n\nKunt u de dekking uitbreiden naar werelddekking, en "
      "kan dat ook tijdelijk alleen voor de periode van de reis? Polisnummer {policy_no}."),
    T(["Overlijden verzekeringnemer", "Polissen op naam van mijn vader",
       "Wijziging verzekeringnemer na overlijden"],
      "Helaas is mijn vader op {past_date} overleden. Ik regel als executeur de financiële "
      "zaken.\n\nKunt u de polissen die op zijn naam staan ({policy_no} en {policy_no2}) op naam "
      "van mijn moeder zetten? De autoverzekering mag worden beëindigd, de auto wordt verkocht. "
      "Een kopie van de akte van overlijden stuur ik mee.",
      "letter_pdf", 0.7),
    T(["Auto schorsen", "Schorsing verzekering {plate}"],
      "Mijn auto ({plate}) staat de komende vier maanden stil omdat hij wordt gerestaureerd. "
      "Ik ga het kenteken bij de RDW schorsen.\n\nKan de verzekering in die periode worden "
      "aangepast naar alleen een stallingsdekking? Zo ja, per welke datum gaat dat in?"),
    T(["Emigratie - beëindigen verzekeringen", "Vertrek naar het buitenland"],
      "Ik emigreer per {move_date} naar {country} en wil daarom al mijn verzekeringen bij u "
      "beëindigen (polisnummers {policy_no} en {policy_no2}).\n\nVoor de autoverzekering "
      "ontvang ik graag een verklaring van mijn schadevrije jaren, die heb ik daar nodig."),
    T(["Wijziging polis {policy_no} - eigen risico", "Verzoek aanpassing polis relatie {full}"],
      "Onze relatie {full} heeft ons verzocht de polis {policy_no} per {move_date} aan te "
      "passen: het eigen risico mag worden verhoogd naar € 500,–.\n\nWilt u ons een aangepast "
      "polisblad en de nieuwe premie toesturen? Wij informeren de klant.",
      None, 0.0, "broker"),
    T(["Minder kilometers per jaar", "Kilometrage aanpassen"],
      "Sinds ik grotendeels thuiswerk, rijd ik veel minder dan voorheen. Kan het aantal "
      "kilometers per jaar op mijn autoverzekering ({policy_no}) worden verlaagd van 20.000 naar "
      "10.000?\n\nEn wordt de premie dan ook lager?"),
    T(["Fout in polisblad", "Onjuiste gegevens op polis {policy_no}"],
      "Op het polisblad dat ik vandaag ontving staat mijn geboortedatum verkeerd (het moet "
      "{birth} zijn) en mijn achternaam is verkeerd gespeld.\n\nWilt u dit corrigeren en mij een "
      "nieuw polisblad sturen?"),
    T(["Rechtsbijstand toevoegen", "Uitbreiding pakket met rechtsbijstand"],
      "Ik wil graag een rechtsbijstandverzekering toevoegen aan mijn pakket (klantnummer "
      "{cust_no}). Ingangsdatum zo snel mogelijk.\n\nWilt u de module Consument en Wonen "
      "toevoegen? Ik heb begrepen dat er een wachttijd van drie maanden geldt."),
], "en": [
    T(["Change of address", "Moving house on {move_date}", "Address change - policy {policy_no}"],
      "We are moving on {move_date} from {address} to:\n\n{new_address_lines}\n\nCould you "
      "update the address on all our policies? At least the home contents and liability policy "
      "({policy_no}). Do you need any details about the new house, such as the year it was built?"),
    T(["Add a driver to my car insurance", "Adding my son as a named driver"],
      "My son {child_first} ({child_age}) has just passed his driving test and will be driving "
      "our car ({plate}) regularly.\n\nDoes he need to be added as a regular driver? If so, "
      "please add him to policy {policy_no} and let me know how this affects the premium."),
    T(["Cancel car insurance - car sold", "Car sold, please cancel policy {policy_no}"],
      "I sold my car (registration {plate}) on {past_date}. The transfer confirmation is "
      "attached.\n\nPlease cancel car insurance policy {policy_no} from that date and refund any "
      "premium paid in advance to {iban}.",
      "vrijwaring_pdf", 0.9),
    T(["Cancellation of {policy_type}", "Cancel policy {policy_no}", "Notice of cancellation"],
      "I would like to cancel my {policy_type}, policy number {policy_no}, from the earliest "
      "possible date. I have taken out cover elsewhere.\n\nPlease send me written confirmation "
      "stating the date the cover ends.",
      "letter_pdf", 0.2),
    T(["Change of cover", "Downgrade to third party, fire and theft"],
      "My car is now eight years old, so comprehensive cover no longer seems worth it. I would "
      "like to change to third party, fire and theft.\n\nCould you make this change from the "
      "next renewal date and send me an updated policy schedule? Policy {policy_no}, "
      "registration {plate}."),
    T(["New car - change of vehicle", "Replace vehicle on policy {policy_no}"],
      "I have bought a different car, a {car} with registration {new_plate}, which replaces my "
      "current car ({plate}).\n\nCould you transfer the cover from {move_date}? A copy of the "
      "registration certificate is attached.",
      "kenteken_jpg", 0.6),
    T(["Switch to annual payments", "Payment frequency"],
      "I currently pay the premium for policy {policy_no} monthly ({premium}) but would like "
      "to switch to paying annually. Is there a discount for that?\n\nIf so, please change it "
      "from the next due date."),
    T(["New bank account for direct debit", "Change of IBAN"],
      "We have switched banks. Please collect the premium from account {iban} in the name of "
      "{full} from now on.\n\nThe old account will be closed next month. Our customer number is "
      "{cust_no}."),
    T(["Add my partner to the policy", "Change in household"],
      "My partner {partner_full} has moved in with me. We would like {partner_first} to be "
      "covered under my liability and home contents insurance (policy {policy_no}).\n\nDoes it "
      "become a family policy and what would that cost per month?"),
    T(["Renovation - sum insured", "Extension built, update buildings cover"],
      "We have had an extension built and a new kitchen installed, at a cost of about "
      "{amount}.\n\nDoes the sum insured on our buildings policy ({policy_no}) need to change? "
      "If so, please update it straight away so we are not underinsured."),
    T(["Worldwide cover for travel insurance", "Extend travel insurance"],
      "We are travelling to {country} for three weeks in {next_month}. Our annual travel "
      "insurance currently only covers Europe.\n\nCan you extend it to worldwide cover, possibly "
      "just for the duration of the trip? Policy number {policy_no}."),
    T(["Policyholder deceased", "Change of policyholder"],
      "I am sorry to inform you that my father passed away on {past_date}. I am handling his "
      "affairs as executor.\n\nCould the policies in his name ({policy_no} and {policy_no2}) be "
      "transferred to my mother? The car insurance can be cancelled as the car will be sold.",
      "letter_pdf", 0.5),
    T(["Moving abroad - cancel all policies", "Emigrating on {move_date}"],
      "I am moving to {country} on {move_date} and would like to cancel all my policies with "
      "you ({policy_no} and {policy_no2}).\n\nFor the car insurance, could you also send me a "
      "statement of my no-claims years? I will need it there."),
    T(["Lower annual mileage", "Update mileage on car policy"],
      "Since I now mostly work from home I drive a lot less. Could the annual mileage on my car "
      "insurance ({policy_no}) be reduced from 20,000 to 10,000 km?\n\nWould that lower the "
      "premium as well?"),
    T(["Wrong details on policy schedule", "Correction to policy {policy_no}"],
      "The policy schedule I received today shows the wrong date of birth (it should be "
      "{birth}) and my surname is misspelt.\n\nCould you correct this and send me a new "
      "schedule?"),
    T(["Lay up my car", "Suspend cover {plate}"],
      "My car ({plate}) will be off the road for the next four months while it is being "
      "restored.\n\nCan the insurance be reduced to storage-only cover during that time? If "
      "so, from which date?"),
    T(["Policy amendment for our client {full}", "Change request {policy_no}"],
      "Our client {full} has asked us to amend policy {policy_no} from {move_date}: the excess "
      "may be increased to EUR 500.\n\nPlease send us an updated schedule and the new premium "
      "and we will inform the client.",
      None, 0.0, "broker"),
]}

JOB_APPLICATION = {"nl": [
    T(["Sollicitatie {vacancy}", "Sollicitatie {vac_ref} - {full}", "Reactie op vacature {vacancy}"],
      "Met veel interesse las ik uw vacature voor {vacancy} (referentie {vac_ref}). Graag "
      "solliciteer ik naar deze functie.\n\nIk heb {years} jaar ervaring als {prev_role} bij "
      "{prev_employer}, waar ik dagelijks met klanten en complexe dossiers werk. Ik ben "
      "nauwkeurig, klantgericht en werk graag in een team.\n\nIn de bijlage vindt u mijn cv en "
      "motivatiebrief. Ik vertel u graag meer in een persoonlijk gesprek.",
      "cv_letter", 1.0),
    T(["Open sollicitatie", "Open sollicitatie - {full}", "Interesse in een functie bij {our_short}"],
      "Graag stel ik mij voor: ik ben {first}, {age} jaar, en ik ben op zoek naar een nieuwe "
      "uitdaging in de financiële dienstverlening.\n\nMomenteel werk ik als {prev_role} bij "
      "{prev_employer}. Op uw website zag ik geen passende vacature, maar uw organisatie spreekt "
      "mij erg aan. Heeft u misschien in de nabije toekomst een plek voor iemand met mijn "
      "achtergrond? [[Mijn cv zit in de bijlage.||Mijn cv stuur ik graag op als u interesse heeft.]]",
      "cv", 0.6),
    T(["Stageverzoek {study}", "Aanvraag meewerkstage", "Stage gezocht - {school}"],
      "Ik ben een derdejaars student {study} aan {school} en ik ben op zoek naar een "
      "meewerkstage voor de periode {period_range}.\n\nIk zou graag ervaring opdoen bij een "
      "verzekeraar, het liefst op de afdeling financiën of schade. Hebben jullie "
      "stagemogelijkheden? [[Mijn cv en een overzicht van mijn cijfers stuur ik mee.||Mijn cv "
      "stuur ik graag na.]]",
      "cv_grades", 0.7),
    T(["Afstudeeropdracht", "Afstudeerstage automatisering schadeafhandeling"],
      "Voor mijn afstuderen bij de opleiding {study} ({school}) zoek ik een opdracht van ongeveer "
      "twintig weken. Mijn interesse gaat uit naar procesautomatisering, bijvoorbeeld het "
      "automatisch sorteren van binnenkomende e-mail bij de schadeafdeling.\n\nZou u open staan "
      "voor een kennismakingsgesprek? Mijn begeleider vanuit school kan eventueel aansluiten.",
      "cv", 0.4),
    T(["Referentie {cand_full}", "Referentie voor {cand_full} - {vacancy}"],
      "Via {cand_full} begreep ik dat u een referentie wilt in het kader van de sollicitatie "
      "naar de functie {vacancy}.\n\n{cand_first} heeft {years} jaar in mijn team gewerkt bij "
      "{company}. Ik heb {cand_first} leren kennen als betrouwbaar, leergierig en prettig in de "
      "omgang met collega's en klanten. Ik kan {cand_first} van harte aanbevelen.\n\nU mag mij "
      "voor een toelichting bellen op {co_phone}.",
      "reference_pdf", 0.3, "referee"),
    T(["Stand van zaken sollicitatie {vacancy}", "Vraag over mijn sollicitatie {vac_ref}"],
      "Op {apply_date} heb ik gesolliciteerd naar de functie {vacancy}. Ik heb tot nu toe "
      "alleen een automatische ontvangstbevestiging ontvangen.\n\nKunt u mij laten weten hoe "
      "het ervoor staat en wanneer ik een reactie kan verwachten? Ik ben nog steeds zeer "
      "geïnteresseerd in de functie."),
    T(["Intrekken sollicitatie {vacancy}", "Sollicitatie intrekken - {full}"],
      "Hierbij wil ik mijn sollicitatie voor de functie {vacancy} intrekken. Ik heb inmiddels "
      "een andere baan aanvaard.\n\nBedankt voor de prettige gesprekken en de tijd die u voor "
      "mij heeft genomen. Wie weet kruisen onze wegen in de toekomst nog."),
    T(["Kandidaat voor {vacancy}", "Voorstel kandidaat {vac_ref}"],
      "Voor uw vacature {vacancy} heb ik een zeer geschikte kandidaat gesproken: "
      "{cand_first}, {years} jaar ervaring als {prev_role} en per direct beschikbaar.\n\nHet "
      "geanonimiseerde profiel [[vindt u in de bijlage||stuur ik u op verzoek]]. Onze voorwaarden kent u; bij interesse "
      "plan ik graag een kennismaking in.",
      "cv", 0.5, "recruiter"),
    T(["Sollicitatie", "sollicitatie {vacancy}"],
      "Hierbij mijn sollicitatie voor de functie {vacancy}. Cv en brief in de bijlage.",
      "cv_letter", 1.0, short=True),
    T(["Sollicitatie {vacancy} - zij-instromer", "Carrièreswitch: sollicitatie {vacancy}"],
      "Na ruim tien jaar in de horeca wil ik graag de overstap maken naar een kantoorfunctie. "
      "Uw vacature voor {vacancy} sprak mij direct aan.\n\nIn de horeca heb ik geleerd om "
      "onder druk te werken, met klachten om te gaan en een team aan te sturen. Daarnaast volg "
      "ik sinds een jaar de opleiding {study} in de avonduren. Ik hoop dat u mij de kans wilt "
      "geven om mij voor te stellen.",
      "cv", 0.5),
    T(["Herintreder - sollicitatie {vacancy}", "Sollicitatie parttime {vacancy}"],
      "Na een aantal jaren voor mijn kinderen te hebben gezorgd, ben ik weer op zoek naar werk "
      "voor ongeveer {hours_week} uur per week.\n\nVoorheen werkte ik {years} jaar als "
      "{prev_role} bij {prev_employer}. De functie {vacancy} sluit goed aan bij mijn ervaring. "
      "[[Mijn cv is bijgevoegd; de||De]] gaten in mijn cv licht ik graag toe in een gesprek.",
      "cv", 0.6),
    T(["Vacature {vacancy} nog open?", "Vraag over vacature {vac_ref}"],
      "Ik zag dat de vacature {vacancy} niet meer op uw website staat. Is de functie al "
      "vervuld, of kan ik nog reageren?\n\nIk heb mijn cv al klaarliggen en kan het vandaag nog "
      "sturen."),
    T(["Interne sollicitatie {vacancy}", "Sollicitatie interne vacature {vac_ref}"],
      "Hierbij wil ik intern solliciteren op de functie {vacancy}. Ik werk nu {years} jaar bij "
      "de afdeling Klantenservice en heb de afgelopen periode al veel schadedossiers "
      "meebehandeld.\n\nMijn leidinggevende is op de hoogte van mijn sollicitatie.[[ Mijn "
      "bijgewerkte cv zit in de bijlage.||]]",
      "cv", 0.6, "staff"),
    T(["Bijbaan", "Bijbaan naast studie", "Vraag naar bijbaan klantenservice"],
      "Ik studeer {study} en zoek een bijbaan voor {hours_week} uur per week, het liefst op de "
      "klantenservice. Ik ben flexibel inzetbaar, ook in de avond en in het weekend.\n\nHebben "
      "jullie plek voor een student? Mijn cv kan ik direct sturen."),
    T(["Documenten sollicitatie {full}", "Nagekomen stukken sollicitatie"],
      "Zoals besproken tijdens het gesprek stuur ik hierbij een kopie van mijn diploma en de "
      "ingevulde personeelsgegevens.\n\nDe aanvraag voor de VOG heb ik vandaag gedaan; ik stuur "
      "hem door zodra ik hem ontvang.",
      "diploma_pdf", 1.0),
    T(["Vraag over aanbod {vacancy}", "Arbeidsvoorwaarden - {vacancy}"],
      "Hartelijk dank voor het aanbod voor de functie {vacancy}. Ik ben er erg blij mee.\n\n"
      "Voordat ik teken heb ik nog een paar vragen over de secundaire arbeidsvoorwaarden: "
      "hoeveel dagen thuiswerken is mogelijk, en is er een regeling voor de reiskosten? Ook "
      "zou ik graag per de eerste van {next_month} willen beginnen in plaats van halverwege de "
      "maand."),
    T(["Sollicitatie {vacancy} via LinkedIn", "Motivatie {vacancy}"],
      "Via een oud-collega hoorde ik dat u een {vacancy} zoekt. Ik werk momenteel bij "
      "{prev_employer} en ben toe aan een volgende stap.\n\nWat mij aanspreekt is de combinatie "
      "van inhoud en klantcontact. Ik ben {hours_week} uur per week beschikbaar en kan na een "
      "opzegtermijn van een maand beginnen. [[Bijgaand mijn cv.||Mijn LinkedIn-profiel geeft een "
      "goed beeld van mijn ervaring.]]",
      "cv", 0.5),
], "en": [
    T(["Application: {vacancy}", "Application for {vacancy} ({vac_ref})", "{vacancy} - {full}"],
      "I was very interested to see your vacancy for a {vacancy} (reference {vac_ref}) and I "
      "would like to apply.\n\nI have {years} years of experience as a {prev_role} at "
      "{prev_employer}, where I handle customer queries and complex cases every day. I am "
      "accurate, calm under pressure and enjoy working in a team.\n\nPlease find my CV and "
      "cover letter attached. I would welcome the opportunity to discuss my application.",
      "cv_letter", 1.0),
    T(["Speculative application", "Open application - {full}", "Job enquiry"],
      "I am writing to ask whether you have any openings suited to my background. I moved to "
      "the Netherlands last year and am currently working as a {prev_role} at "
      "{prev_employer}.\n\nI don't yet speak fluent Dutch but I am taking lessons and can work "
      "fully in English. [[My CV is attached.||I can send my CV if you are interested.]]",
      "cv", 0.6),
    T(["Internship request", "Internship enquiry - {study} student", "Work placement {period_range}"],
      "I am a third-year {study} student at {school} looking for an internship from "
      "{period_range}.\n\nI would love to gain experience at an insurer, ideally in finance or "
      "claims. Do you offer internships to English-speaking students? [[I have attached my CV "
      "and transcript.||I can send my CV on request.]]",
      "cv_grades", 0.7),
    T(["Graduation project proposal", "Thesis internship - email triage"],
      "For my final project in {study} at {school} I am looking for a company that would host "
      "a twenty-week graduation internship. My idea is to look at automatically routing "
      "incoming customer email to the right department.\n\nWould you be open to an "
      "introductory meeting? My supervisor could join if useful.",
      "cv", 0.4),
    T(["Reference for {cand_full}", "Reference request - {cand_full}"],
      "{cand_full} has asked me to provide a reference in support of their application for the "
      "{vacancy} role.\n\n{cand_first} worked in my team at {company} for {years} years. "
      "{cand_first} is reliable, quick to learn and well liked by colleagues and customers, "
      "and I recommend {cand_first} without hesitation.\n\nI am happy to talk further on "
      "{co_phone}.",
      "reference_pdf", 0.3, "referee"),
    T(["Application status - {vacancy}", "Following up on my application ({vac_ref})"],
      "I applied for the {vacancy} position on {apply_date} and have so far only received the "
      "automatic acknowledgement.\n\nCould you let me know where things stand and when I might "
      "hear back? I am still very interested in the role."),
    T(["Withdrawing my application", "Withdrawal - {vacancy}"],
      "I am writing to withdraw my application for the {vacancy} position, as I have accepted "
      "another offer.\n\nThank you for your time and for the pleasant conversations. I hope our "
      "paths cross again in the future."),
    T(["Candidate for your {vacancy} role", "CV submission - {vac_ref}"],
      "I have met an excellent candidate for your {vacancy} vacancy: {cand_first}, {years} "
      "years as a {prev_role}, available immediately and fluent in English and Dutch.\n\nThe "
      "anonymised profile [[is attached||is available on request]]. Our standard terms apply; let me know if you would like "
      "to arrange an introduction.",
      "cv", 0.5, "recruiter"),
    T(["Application", "CV - {vacancy}"],
      "Please find attached my CV and cover letter for the {vacancy} position.",
      "cv_letter", 1.0, short=True),
    T(["Career change - application {vacancy}", "Application from a career changer"],
      "After ten years in hospitality I am looking to move into an office-based role, and your "
      "{vacancy} vacancy caught my eye.\n\nHospitality taught me to work under pressure, deal "
      "with complaints and lead a team. I have also been studying {study} in the evenings. I "
      "hope you will give me the chance to introduce myself.",
      "cv", 0.5),
    T(["Part-time application - {vacancy}", "Returning to work"],
      "After a few years at home with my children I am looking to return to work for around "
      "{hours_week} hours a week.\n\nI previously spent {years} years as a {prev_role} at "
      "{prev_employer}. [[I have attached my CV and am||I am]] happy to explain the gap in an interview.",
      "cv", 0.6),
    T(["Is the {vacancy} vacancy still open?", "Question about vacancy {vac_ref}"],
      "I noticed the {vacancy} vacancy is no longer on your website. Has it been filled, or can "
      "I still apply?\n\nMy CV is ready to send today."),
    T(["Documents for my application", "Follow-up documents - {full}"],
      "As discussed in the interview, I have attached a copy of my degree certificate and the "
      "completed personal details form.\n\nI applied for the certificate of conduct today and "
      "will forward it once I receive it.",
      "diploma_pdf", 1.0),
    T(["Question about the offer", "Offer for {vacancy} - a few questions"],
      "Thank you very much for the offer for the {vacancy} role - I am delighted.\n\nBefore "
      "signing I have a couple of questions about the terms: how many days of working from home "
      "are possible, and is there a relocation allowance? I would also prefer to start on the "
      "first of {next_month}."),
    T(["Student job", "Part-time job alongside my studies"],
      "I study {study} and am looking for a part-time job of about {hours_week} hours a week, "
      "ideally in customer service. I can work evenings and weekends.\n\nDo you have any "
      "openings for students? I can send my CV straight away."),
    T(["Interest in {vacancy}", "Referred by a former colleague - {vacancy}"],
      "A former colleague told me you are looking for a {vacancy}. I currently work at "
      "{prev_employer} and am ready for the next step.\n\nI can start after one month's notice "
      "and am available {hours_week} hours a week.[[ My CV is attached.||]]",
      "cv", 0.5),
]}

COMPLAINT = {"nl": [
    T(["Klacht over afhandeling schade {claim_no}", "Klacht!!", "Nog steeds geen reactie - {claim_no}"],
      "Ik ben het echt zat. Op {past_date} heb ik schade gemeld (schadenummer {claim_no}) en nu, "
      "{weeks} weken later, heb ik nog steeds niets gehoord.\n\nIk heb {times_called} keer "
      "gebeld en elke keer wordt beloofd dat ik word teruggebeld. Dat gebeurt nooit. Ik wil "
      "dat dit nu wordt opgelost en dat iemand mij deze week belt op {phone}."),
    T(["Premienota klopt niet", "Bezwaar tegen nota {inv_no}", "Verkeerd bedrag op premienota"],
      "Vandaag ontving ik premienota {inv_no} en het bedrag klopt niet. Er wordt {premium_year} "
      "in rekening gebracht, terwijl ik vorig jaar {amount_prev} betaalde. Er is niets gewijzigd "
      "aan mijn polis ({policy_no}).\n\nIk wil een uitleg en een gecorrigeerde nota. Tot die tijd "
      "betaal ik alleen het bedrag van vorig jaar.",
      "screenshot", 0.2),
    T(["Dubbele afschrijving", "Premie twee keer afgeschreven", "Klacht: dubbele incasso"],
      "Deze maand is de premie ({premium}) twee keer van mijn rekening afgeschreven. Dat is nu "
      "al de tweede keer dit jaar.\n\nIk wil het te veel afgeschreven bedrag binnen een week "
      "terug op {iban} en een verklaring hoe dit kan gebeuren. Ik heb hierdoor zelf rood "
      "gestaan.",
      "bank_pdf", 0.3),
    T(["Opzegging niet verwerkt", "Klacht: nog steeds premie na opzegging"],
      "Op {past_date} heb ik mijn {policy_type} ({policy_no}) opgezegd en ik heb daar ook een "
      "bevestiging van gekregen. Toch wordt er nog steeds premie afgeschreven.\n\nDit is echt "
      "onacceptabel. Ik wil dat de afschrijvingen per direct stoppen en dat het te veel betaalde "
      "wordt teruggestort."),
    T(["Klacht over medewerker", "Onvriendelijk behandeld aan de telefoon"],
      "Vanochtend ben ik zeer onvriendelijk te woord gestaan door een medewerker van uw "
      "klantenservice. Ik had een eenvoudige vraag over mijn polis, maar werd midden in het "
      "gesprek onderbroken en kreeg te horen dat ik 'maar op de website moest kijken'.\n\nZo ga "
      "je niet met klanten om. Ik ben al {years} jaar klant en overweeg nu serieus om over te "
      "stappen."),
    T(["Bezwaar afwijzing schadeclaim {claim_no}", "Klacht afwijzing {claim_no} - escalatie"],
      "Ik ben het absoluut niet eens met de afwijzing van mijn schadeclaim {claim_no}. In de "
      "brief staat dat de schade het gevolg is van achterstallig onderhoud, maar het dak is "
      "drie jaar geleden nog volledig vernieuwd.\n\nIk verzoek u dringend om een leidinggevende "
      "naar mijn dossier te laten kijken. Als dat niets oplevert, leg ik de zaak voor aan het "
      "onafhankelijke klachteninstituut.",
      "letter_pdf", 0.3),
    T(["Formele klacht betaalgedrag", "Klacht: structureel te late betaling facturen"],
      "Als leverancier van uw organisatie willen wij een formele klacht indienen over uw "
      "betaalgedrag. Onze facturen worden structureel pas na 60 tot 90 dagen betaald, terwijl "
      "de afgesproken termijn 30 dagen is. Op dit moment staan er drie facturen open, waaronder "
      "{inv_no} ({amount_incl}).\n\nWij verzoeken u om een gesprek met iemand van uw financiële "
      "afdeling die hier iets aan kan doen.",
      "statement", 0.4, "supplier"),
    T(["Uitkering nog steeds niet ontvangen", "Waar blijft mijn geld? {claim_no}"],
      "Op {past_date} kreeg ik bericht dat mijn schade ({claim_no}) is goedgekeurd en dat het "
      "bedrag van {repair_amount} binnen vijf werkdagen zou worden overgemaakt. Ik heb nog "
      "steeds niets ontvangen.\n\nIk heb de reparatie zelf al voorgeschoten. Dit duurt veel te "
      "lang en ik wil weten wanneer het geld er is."),
    T(["Klacht Mijn Example - inloggen lukt niet", "Portaal werkt niet, al een week"],
      "Al een week kan ik niet inloggen op {portal}. Ik heb drie keer een nieuw wachtwoord "
      "aangevraagd, maar de mail komt nooit aan. Telefonisch zou het 'binnen 24 uur opgelost' "
      "zijn.\n\nIk kan zo mijn polissen niet inzien en geen schade melden. Dit is echt slechte "
      "service voor een bedrijf dat alles digitaal wil doen.",
      "screenshot", 0.4),
    T(["Klacht over expert", "Ervaring met schade-expert - klacht"],
      "De expert die afgelopen {incident_day} bij ons langskwam voor schade {claim_no} was ruim "
      "een uur te laat, deed erg kortaf en was na tien minuten alweer weg. Hij heeft de zolder "
      "niet eens bekeken.\n\nIk heb er geen vertrouwen in dat het rapport klopt en wil graag "
      "een second opinion door een andere expert."),
    T(["Derde mail - graag escalatie", "ESCALATIE: geen reactie op eerdere klachten"],
      "Dit is al mijn derde mail over hetzelfde probleem en ik heb nog steeds geen inhoudelijke "
      "reactie gehad. Alleen standaardantwoorden.\n\nIk verzoek u dringend deze klacht door te "
      "zetten naar een leidinggevende of de directie. Als ik binnen vijf werkdagen niets hoor, "
      "stap ik naar de geschillencommissie en zeg ik al mijn polissen op."),
    T(["Premieverhoging zonder aankondiging", "Klacht premiestijging {pct}%"],
      "Zonder enige aankondiging is mijn premie met {pct}% verhoogd. Ik heb geen brief of mail "
      "ontvangen waarin dit werd uitgelegd. Ik zag het pas op mijn bankafschrift.\n\nIk vind "
      "dit een kwalijke gang van zaken en wil weten waarom dit zo is gegaan."),
    T(["Privacy: post van andere klant ontvangen", "Klacht datalek - verkeerde brief"],
      "Vandaag ontving ik een brief die bestemd was voor een andere klant, met diens naam, "
      "adres en polisgegevens. Dat is een ernstige schending van de privacy.\n\nIk neem aan dat "
      "mijn gegevens dan ook weleens bij iemand anders terecht zijn gekomen. Ik wil weten wat u "
      "hieraan doet en of u dit heeft gemeld."),
    T(["Klacht wachttijd telefoon", "{wait_minutes} minuten in de wacht"],
      "Vandaag heb ik {wait_minutes} minuten in de wacht gestaan voordat ik iemand aan de lijn "
      "kreeg, en daarna werd de verbinding verbroken.\n\nIk vind dit onaanvaardbaar. Zorg "
      "alstublieft voor voldoende bezetting of een terugbelservice."),
    T(["Klacht over herstel auto {plate}", "Slecht herstel door {garage}"],
      "Mijn auto ({plate}) is via uw herstelnetwerk gerepareerd door {garage}, maar de kleur "
      "van de nieuwe bumper wijkt duidelijk af en er zit een kras in de portier die er eerst "
      "niet zat.\n\nDe garage zegt dat ik bij u moet zijn. Ik wil dat dit netjes wordt "
      "opgelost, op uw kosten.",
      "photos", 0.5),
    T(["Incassobureau voor betaalde premie", "Onterechte incassobrief"],
      "Ik heb een brief van een incassobureau ontvangen voor een premie van {premium} die ik "
      "allang heb betaald. Het betaalbewijs stuur ik mee.\n\nDit is ontzettend vervelend en ik "
      "wil dat de incassokosten vervallen en dat u het incassobureau terugfluit.",
      "bank_pdf", 0.7),
    T(["Nooit iets gehoord op mijn sollicitatie", "Klacht over sollicitatieprocedure"],
      "Drie maanden geleden heb ik gesolliciteerd op de functie {vacancy}. Ik heb nooit meer "
      "iets gehoord, zelfs geen afwijzing, terwijl ik twee keer heb gemaild.\n\nIk vind dit "
      "zeer onprofessioneel voor een organisatie van uw omvang."),
    T(["Klacht: factuur {inv_no} te hoog", "Onjuist bedrag gefactureerd"],
      "Factuur {inv_no} klopt niet: er wordt {amount_incl} in rekening gebracht, maar volgens "
      "de offerte zou het {amount_excl} inclusief btw zijn. Dit is niet de eerste keer.\n\nIk "
      "verwacht een creditnota voor het verschil. Ik betaal de factuur niet voordat dit is "
      "rechtgezet."),
], "en": [
    T(["Complaint about claim {claim_no}", "Complaint - still no response", "Very unhappy with claim handling"],
      "I am extremely frustrated. I reported a claim on {past_date} (reference {claim_no}) and "
      "{weeks} weeks later I still have heard nothing.\n\nI have called {times_called} times and "
      "every time I am promised a call back that never comes. I want this resolved now and "
      "expect someone to call me this week on {phone}."),
    T(["Premium invoice is wrong", "Dispute about invoice {inv_no}", "Incorrect amount on my renewal"],
      "I received renewal invoice {inv_no} today and the amount is wrong. You are charging "
      "{premium_year}, while last year I paid {amount_prev}. Nothing has changed on my policy "
      "({policy_no}).\n\nI want an explanation and a corrected invoice. Until then I will only "
      "pay last year's amount.",
      "screenshot", 0.2),
    T(["Charged twice this month", "Complaint: duplicate direct debit"],
      "My premium ({premium}) has been taken from my account twice this month - the second "
      "time this year.\n\nPlease refund the duplicate payment to {iban} within a week and "
      "explain how this keeps happening. It left my account overdrawn.",
      "bank_pdf", 0.3),
    T(["Cancellation ignored", "Still being charged after cancelling"],
      "I cancelled my {policy_type} ({policy_no}) on {past_date} and received a confirmation. "
      "Yet you are still collecting the premium.\n\nThis is unacceptable. Stop the payments "
      "immediately and refund what I have overpaid."),
    T(["Complaint about a member of staff", "Rude treatment on the phone"],
      "This morning I was treated very rudely by someone in your customer service team. I had "
      "a simple question about my policy, was cut off mid-sentence and told to 'just look on "
      "the website'.\n\nThat is no way to treat customers. I have been with you for {years} "
      "years and am now seriously considering leaving."),
    T(["Appeal against rejection of claim {claim_no}", "Complaint - claim {claim_no} rejected"],
      "I strongly disagree with the rejection of my claim {claim_no}. Your letter says the "
      "damage was caused by poor maintenance, but the roof was completely replaced three years "
      "ago.\n\nPlease have a manager review my file. If that does not help, I will take the "
      "matter to the independent ombudsman.",
      "letter_pdf", 0.3),
    T(["Formal complaint: late payment of our invoices", "Persistent late payments"],
      "As one of your suppliers we wish to make a formal complaint about your payment "
      "practices. Our invoices are routinely paid 60 to 90 days after issue, although the "
      "agreed term is 30 days. Three invoices are currently outstanding, including {inv_no} "
      "({amount_incl}).\n\nWe would like a meeting with someone in your finance department who "
      "can address this.",
      "statement", 0.4, "supplier"),
    T(["Where is my payout? {claim_no}", "Settlement still not received"],
      "On {past_date} I was told my claim ({claim_no}) had been approved and that "
      "{repair_amount} would be paid within five working days. Nothing has arrived.\n\nI have "
      "already paid for the repair myself. This is taking far too long and I want to know "
      "when the money will be paid."),
    T(["Cannot log in to the portal - complaint", "Portal broken for a week"],
      "I have not been able to log in to {portal} for a week. I have requested a new password "
      "three times but the email never arrives. On the phone I was told it would be 'fixed "
      "within 24 hours'.\n\nI cannot see my policies or report anything. This is really poor "
      "service from a company that wants everything to be digital.",
      "screenshot", 0.4),
    T(["Complaint about the loss adjuster", "Unprofessional assessor visit"],
      "The loss adjuster who came last {incident_day} for claim {claim_no} was over an hour "
      "late, very abrupt and left after ten minutes without even looking at the loft.\n\nI have "
      "no confidence in the report and would like a second opinion from a different adjuster."),
    T(["ESCALATION - third email", "Please escalate my complaint"],
      "This is my third email about the same issue and I have still had no proper answer, "
      "only standard replies.\n\nPlease escalate this complaint to a manager. If I hear "
      "nothing within five working days I will go to the ombudsman and cancel all my policies."),
    T(["Premium increased without notice", "Complaint: {pct}% premium increase"],
      "My premium has gone up by {pct}% without any notice. I received no letter or email "
      "explaining it and only noticed it on my bank statement.\n\nI find this unacceptable and "
      "would like to know why this happened."),
    T(["Data breach - I received someone else's letter", "Privacy complaint"],
      "Today I received a letter meant for another customer, showing their name, address and "
      "policy details. That is a serious privacy breach.\n\nI assume my details may have been "
      "sent to someone else too. What are you doing about this, and has it been reported?"),
    T(["Waited {wait_minutes} minutes on hold", "Complaint about phone waiting times"],
      "I waited {wait_minutes} minutes on hold today before getting through, and then the line "
      "went dead.\n\nThis is unacceptable. Please staff your phones properly or offer a call "
      "back service."),
    T(["Poor repair on my car {plate}", "Complaint about repair by {garage}"],
      "My car ({plate}) was repaired through your approved repairer network by {garage}, but "
      "the new bumper is clearly a different shade and there is a scratch on the door that "
      "wasn't there before.\n\nThe garage says I need to take it up with you. I expect this to "
      "be put right at your cost.",
      "photos", 0.5),
    T(["Debt collector letter for a paid premium", "Wrongful collection letter"],
      "I have received a letter from a debt collection agency for a premium of {premium} that "
      "I paid long ago. Proof of payment is attached.\n\nThis is extremely annoying. Please "
      "cancel the collection costs and call off the agency.",
      "bank_pdf", 0.7),
    T(["No reply to my job application", "Complaint about your recruitment process"],
      "Three months ago I applied for the {vacancy} position. I never heard anything back, not "
      "even a rejection, despite emailing twice.\n\nI find this very unprofessional for an "
      "organisation of your size."),
    T(["Complaint: invoice {inv_no} overcharged", "Wrong amount invoiced"],
      "Invoice {inv_no} is wrong: you have charged {amount_incl}, but the quote said "
      "{amount_excl} all-in. This is not the first time.\n\nI expect a credit note for the "
      "difference and will not pay until this is corrected."),
]}

GENERAL_QUESTION = {"nl": [
    T(["Openingstijden", "Openingstijden rond {holiday}", "Vraag over openingstijden kantoor"],
      "Wat zijn jullie openingstijden rond {holiday}? Ik wil graag langskomen op het kantoor in "
      "Utrecht om een paar papieren af te geven.\n\nEn moet ik daarvoor een afspraak maken of "
      "kan ik gewoon binnenlopen?"),
    T(["Inloggen Mijn Example", "Hoe log ik in?", "Vraag over inloggen portaal"],
      "Hoe kan ik inloggen op {portal}? Ik heb een brief gekregen met een activatiecode, maar ik "
      "kan nergens vinden waar ik die moet invullen.\n\nMoet ik eerst een account aanmaken via "
      "{portal_url}, of gaat dat automatisch?[[ Ik heb een schermafbeelding bijgevoegd.||]]",
      "screenshot", 0.25),
    T(["Brochure woonverzekering", "Aanvraag brochure en voorwaarden", "Graag informatie toegestuurd"],
      "Kunt u mij een brochure en de polisvoorwaarden van de woonverzekering toesturen? Het "
      "liefst per post naar {address}.\n\nIk ben namelijk niet zo handig met de computer."),
    T(["Vraag over dekking fietsendiefstal", "Ben ik verzekerd?", "Vraag over dekking"],
      "Ben ik verzekerd als mijn fiets uit de gemeenschappelijke fietsenstalling van ons "
      "appartementencomplex wordt gestolen? Er is (nog) niets gebeurd hoor, ik wil het gewoon "
      "weten.\n\nIk heb een inboedelverzekering bij u, polisnummer {policy_no}."),
    T(["Jaaroverzicht voor belastingaangifte", "Overzicht betaalde premies {year_prev}"],
      "Voor mijn belastingaangifte heb ik een jaaroverzicht nodig van de premies die ik in "
      "{year_prev} heb betaald. Waar kan ik dat vinden?\n\nIn {portal} zie ik alleen de polissen "
      "zelf staan."),
    T(["Groene kaart", "Verzekeringsbewijs voor buitenland", "Vraag groene kaart vakantie"],
      "Wij gaan met de auto naar {country}. Heb ik daar een groene kaart (verzekeringsbewijs) "
      "voor nodig, en hoe kom ik daaraan?\n\nHet gaat om de auto met kenteken {plate}."),
    T(["Offerte aanvragen", "Vraag om offerte woonverzekering", "Premie-indicatie"],
      "Ik overweeg mijn woonverzekering bij u onder te brengen. Kunt u mij een offerte sturen? "
      "Het gaat om een tussenwoning uit {house_year} in {city}, met een eigen tuin en een "
      "houten schuur.\n\nIk ben op dit moment nog verzekerd bij een andere maatschappij."),
    T(["Parkeren bij uw kantoor", "Bereikbaarheid kantoor Utrecht"],
      "Ik heb volgende week een afspraak op uw kantoor. Kan ik daar parkeren, en is het gebouw "
      "goed bereikbaar met een rolstoel?\n\nAlvast bedankt voor de informatie."),
    T(["Verzoek interview voor onderzoek", "Vraag van student {school}"],
      "Ik ben student {study} aan {school} en ik doe onderzoek naar de manier waarop "
      "verzekeraars met klantcontact omgaan.\n\nZou ik iemand van uw organisatie een half uur "
      "mogen interviewen, telefonisch of via een videoverbinding? De resultaten worden anoniem "
      "verwerkt."),
    T(["Afmelden nieuwsbrief", "Nieuwsbrief"],
      "Hoe kan ik mij afmelden voor de nieuwsbrief? De link onderaan de mail werkt niet; ik krijg "
      "een foutmelding.\n\nIk wil wel gewoon klant blijven hoor, alleen geen reclame meer."),
    T(["Inzageverzoek persoonsgegevens", "Vraag over mijn gegevens (AVG)"],
      "Ik wil graag weten welke persoonsgegevens u van mij bewaart en hoe lang. Hoe dien ik een "
      "inzageverzoek in? Moet ik daarvoor een kopie van mijn identiteitsbewijs meesturen?"),
    T(["Polisvoorwaarden in het Engels?", "Engelstalige documenten"],
      "Hebben jullie de polisvoorwaarden ook in het Engels? Mijn partner spreekt (nog) geen "
      "Nederlands en wil graag zelf kunnen lezen wat er wel en niet verzekerd is."),
    T(["Bellen vanuit het buitenland", "Telefoonnummer vanuit buitenland"],
      "Op welk nummer kan ik jullie het beste bellen vanuit het buitenland? Wij zijn vanaf "
      "volgende maand een half jaar in {country}.\n\nEn is er een noodnummer dat 24 uur per dag "
      "bereikbaar is?"),
    T(["Betalen zonder automatische incasso", "Vraag over betaalmogelijkheden"],
      "Kan ik de premie ook zelf overmaken in plaats van via automatische incasso? Ik houd mijn "
      "uitgaven liever zelf in de hand.\n\nZo ja, waar vind ik dan het betalingskenmerk?"),
    T(["Sponsorverzoek", "Verzoek sponsoring voetbalvereniging"],
      "Onze voetbalvereniging in {city} is op zoek naar sponsors voor de nieuwe shirts van de "
      "jeugdteams. Is uw organisatie daar misschien in geïnteresseerd?\n\n[[In de bijlage vindt u||Ik stuur graag]] een "
      "overzicht van de sponsorpakketten.",
      "letter_pdf", 0.4),
    T(["Tweestapsverificatie resetten", "Nieuwe telefoon, kan niet inloggen"],
      "Ik heb een nieuwe telefoon en kan daardoor de app met de inlogcodes niet meer gebruiken. "
      "Hoe kan ik de tweestapsverificatie voor {portal} resetten?\n\nMijn gebruikersnaam is mijn "
      "e-mailadres.[[ Zie de schermafbeelding van de foutmelding.||]]",
      "screenshot", 0.3),
    T(["App voor schade melden?", "Vraag over de app"],
      "Is er een app waarmee ik in de toekomst een schade kan melden en foto's kan uploaden? Ik "
      "kon hem niet vinden in de app store.\n\nEn kan ik in zo'n app ook mijn polissen zien?"),
    T(["Postadres", "Naar welk adres aangetekend versturen?"],
      "Naar welk adres moet ik een aangetekende brief sturen? Op de website staan een postbus en "
      "een bezoekadres en ik weet niet welke ik moet gebruiken."),
    T(["Wat valt onder glasdekking?", "Vraag over glasdekking woonhuis"],
      "Valt een gebarsten ruit in de serre onder de glasdekking van de opstalverzekering? De "
      "ruit is nog heel, maar er zit al een tijdje een klein barstje in de hoek.\n\nIk wil "
      "weten of ik het nu moet laten maken of kan wachten."),
], "en": [
    T(["Opening hours", "Opening hours over {holiday}", "Office opening times"],
      "What are your opening hours over {holiday}? I would like to drop off some documents at "
      "your office in Utrecht.\n\nDo I need to make an appointment or can I just walk in?"),
    T(["How do I log in to Mijn Example?", "Portal login", "Question about logging in"],
      "How do I log in to {portal}? I received a letter with an activation code but I can't "
      "find where to enter it.\n\nDo I need to create an account at {portal_url} first?[[ Screenshot attached.||]]",
      "screenshot", 0.25),
    T(["Brochure request", "Could you send me your policy conditions?"],
      "Could you send me a brochure and the policy conditions for your home insurance? By post "
      "to {address} would be ideal.\n\nIs the English version the same as the Dutch one?"),
    T(["Am I covered?", "Question about bicycle cover", "Coverage question"],
      "Would I be covered if my bike were stolen from the shared bike storage in our apartment "
      "building? Nothing has happened yet, I just want to know.\n\nI have contents insurance "
      "with you, policy {policy_no}."),
    T(["Annual statement for tax return", "Overview of premiums paid in {year_prev}"],
      "For my tax return I need an annual statement of the premiums I paid in {year_prev}. "
      "Where can I find it?\n\nIn {portal} I can only see the policies themselves."),
    T(["Green card for driving abroad", "Insurance certificate for travel"],
      "We are driving to {country}. Do I need a green card (international insurance "
      "certificate), and how do I get one?\n\nThe car's registration is {plate}."),
    T(["Quote request", "Home insurance quote", "Could I get a quote?"],
      "I am thinking of moving my home insurance to you. Could you send me a quote? It is a "
      "terraced house built in {house_year} in {city}, with a garden and a wooden shed.\n\nI "
      "am currently insured elsewhere."),
    T(["Parking at your office", "Accessibility of your office"],
      "I have an appointment at your office next week. Is there parking nearby, and is the "
      "building wheelchair accessible?\n\nThanks in advance."),
    T(["Research interview request", "Question from a student at {school}"],
      "I am a {study} student at {school} researching how insurers handle customer contact.\n\n"
      "Would someone from your organisation be willing to do a 30-minute interview by phone or "
      "video call? Results will be anonymised."),
    T(["Unsubscribe from newsletter", "Newsletter"],
      "How do I unsubscribe from your newsletter? The link at the bottom of the email gives an "
      "error.\n\nI'd like to remain a customer, I just don't want the marketing emails."),
    T(["Subject access request", "What personal data do you hold?"],
      "I would like to know what personal data you hold about me and for how long. How do I "
      "submit an access request, and do I need to include a copy of my ID?"),
    T(["Policy documents in English?", "English-language conditions"],
      "Do you have your policy conditions in English? I don't read Dutch well enough yet to "
      "understand exactly what is and isn't covered."),
    T(["Calling from abroad", "Phone number from outside the Netherlands"],
      "Which number should I call from abroad? We will be in {country} for six months starting "
      "next month.\n\nIs there also a 24-hour emergency number?"),
    T(["Paying without direct debit", "Payment options"],
      "Can I pay the premium by bank transfer instead of direct debit? I prefer to keep control "
      "of my payments.\n\nIf so, where do I find the payment reference?"),
    T(["Resetting two-factor authentication", "New phone - can't log in"],
      "I have a new phone and can no longer use the authenticator app. How do I reset the "
      "two-factor authentication for {portal}?\n\nMy username is my email address.[[ A "
      "screenshot of the error is attached.||]]",
      "screenshot", 0.3),
    T(["Is there an app?", "App for reporting claims"],
      "Is there an app I can use to report a claim and upload photos in the future? I couldn't "
      "find one in the app store.\n\nCould I also see my policies in it?"),
    T(["Postal address for registered letters", "Which address should I use?"],
      "Which address should I send a registered letter to? Your website lists both a PO box and "
      "a visiting address and I'm not sure which one to use."),
    T(["Do you insure expats?", "Insurance for newcomers"],
      "I moved to the Netherlands two months ago on a work contract. Can I take out home "
      "contents and liability insurance with you even though I don't have a Dutch credit "
      "history yet?\n\nAnd do I need a BSN before I can apply?"),
]}

CATEGORY_TEMPLATES = {
    "invoice": INVOICE, "claim": CLAIM, "policy_change": POLICY_CHANGE,
    "job_application": JOB_APPLICATION, "complaint": COMPLAINT,
    "general_question": GENERAL_QUESTION,
}

# Long-form templates (1.5-2.5 KB bodies), one per category and language.
LONG = {
 "invoice": {
  "nl": T(["Jaarafrekening {year_prev} en factuur {inv_no}", "Toelichting eindafrekening - factuur {inv_no}"],
      "Zoals elk jaar hebben wij de afrekening over {year_prev} opgemaakt. Hieronder een korte toelichting "
      "per onderdeel, zodat u de factuur makkelijker kunt controleren.\n\n"
      "1. Vaste maandbedragen: conform het contract twaalf termijnen, waarvan er elf al eerder zijn "
      "gefactureerd. De laatste termijn is in deze factuur opgenomen.\n"
      "2. Meerwerk: in het voorjaar en na de zomer zijn op verzoek van uw facilitair medewerker extra "
      "werkzaamheden uitgevoerd. Deze zijn vooraf per mail akkoord gegeven; de bevestigingen kunnen wij "
      "desgewenst nasturen.\n"
      "3. Indexering: de tarieven zijn per 1 januari geïndexeerd met het percentage uit de overeenkomst. "
      "Dat was in de maandtermijnen nog niet verwerkt, daarom volgt hier een correctie.\n"
      "4. Creditering: de afgesproken vergoeding voor de gemiste onderhoudsbeurt in week 32 is in "
      "mindering gebracht.\n\n"
      "Per saldo komt het te betalen bedrag uit op {amount_incl} inclusief btw, te voldoen binnen 30 "
      "dagen op {sup_iban} onder vermelding van factuurnummer {inv_no} en uw inkoopnummer {po_no}.\n\n"
      "Mocht u vragen hebben over een van de onderdelen, dan lichten wij die graag telefonisch toe. Wij "
      "kijken terug op een prettige samenwerking en hopen die het komende jaar voort te zetten.",
      "invoice_pdf", 0.7, "supplier"),
  "en": T(["Annual reconciliation {year_prev} - invoice {inv_no}", "Year-end statement and invoice {inv_no}"],
      "As every year, we have prepared the reconciliation for {year_prev}. Below is a short explanation of "
      "each element so you can check the invoice more easily.\n\n"
      "1. Fixed monthly fees: twelve instalments under the contract, eleven of which were invoiced "
      "earlier. The final instalment is included on this invoice.\n"
      "2. Additional work: in the spring and after the summer we carried out extra work at the request "
      "of your facilities team. This was approved in advance by email; we can send the confirmations "
      "if you need them.\n"
      "3. Indexation: our rates were indexed on 1 January using the percentage in the agreement. This "
      "had not yet been applied to the monthly instalments, so a correction follows here.\n"
      "4. Credit: the agreed compensation for the missed maintenance visit in week 32 has been "
      "deducted.\n\n"
      "The net amount due is {amount_incl}, payable within 30 days to {sup_iban}, quoting invoice "
      "{inv_no} and your PO number {po_no}.\n\n"
      "If you have questions about any of these items we are happy to go through them by phone. Thank "
      "you for a good year of working together.",
      "invoice_pdf", 0.7, "supplier"),
 },
 "claim": {
  "nl": T(["Uitgebreide schademelding inbraak {address_short}", "Inbraak en schade - volledige melding"],
      "Hierbij meld ik een inbraak in onze woning aan de {address_short} in {city}. Omdat er veel is "
      "gebeurd, zet ik alles op een rij.\n\n"
      "Wij zijn op {incident_date} rond 8.00 uur van huis gegaan. Toen mijn partner om {incident_time} "
      "thuiskwam, stond de achterdeur open. Het slot was eruit geboord en het kozijn is gesplinterd. "
      "Binnen waren alle kasten en laden opengetrokken.\n\n"
      "Voor zover wij nu kunnen zien, is het volgende meegenomen:\n"
      "- een laptop (ongeveer drie jaar oud)\n"
      "- een tablet en twee koptelefoons\n"
      "- sieraden uit de slaapkamer, waaronder een gouden ring van mijn moeder\n"
      "- een spaarpot met contant geld, naar schatting 120 euro\n\n"
      "Daarnaast is er schade aan de achterdeur, het kozijn en de vloer in de gang (krassen en "
      "modder). De politie is dezelfde avond geweest en heeft sporen onderzocht; het nummer van de "
      "aangifte is {pv_no}. Een slotenmaker heeft de deur tijdelijk dichtgemaakt en komt volgende week "
      "een nieuw slot en beslag plaatsen.\n\n"
      "Wij hebben een inboedel- en opstalverzekering bij u onder polisnummer {policy_no}. Kunt u laten "
      "weten welke gegevens u nog nodig heeft? Van de laptop en de tablet hebben wij nog de "
      "aankoopbewijzen; van de sieraden helaas niet, wel foto's van een familiefeest waarop ze te zien "
      "zijn. Mag ik de rekening van de slotenmaker alvast naar u sturen?",
      "items_txt", 0.6),
  "en": T(["Detailed accident report - {plate}", "Full account of collision on {incident_date}"],
      "I would like to report an accident in detail, as the other driver's insurer may dispute what "
      "happened.\n\n"
      "On {incident_date} at about {incident_time} I was driving my {car} (registration {plate}) along "
      "the {street} in {city}. The road was dry and it was still light. At the junction I had right of "
      "way. A van (registration {other_plate}) came from the side street on my right, did not stop at "
      "the give-way line and hit the front left of my car.\n\n"
      "Damage to my car:\n"
      "- front bumper cracked and partly torn off\n"
      "- left headlight broken\n"
      "- left wing dented, the front door no longer closes properly\n\n"
      "Nobody was injured. The van driver admitted at the scene that he had not seen me and we filled "
      "in the European accident statement together. Two pedestrians saw the accident and gave me their "
      "phone numbers; I can pass these on if needed. The car was towed to {garage}, who will prepare an "
      "estimate.\n\n"
      "My policy number is {policy_no}. Could you confirm whether you will claim the damage from the "
      "van driver's insurer, and whether I am entitled to a courtesy car in the meantime? I need the "
      "car to take my children to school.",
      "claim_form", 0.6),
 },
 "policy_change": {
  "nl": T(["Meerdere wijzigingen na verhuizing", "Verhuizing en aanpassing polissen {policy_no}"],
      "Per {move_date} verhuizen wij naar een andere woning. Dat heeft gevolgen voor meerdere polissen, "
      "daarom zet ik de wijzigingen hieronder op een rij:\n\n"
      "1. Nieuw adres voor alle polissen en correspondentie:\n{new_address_lines}\n\n"
      "2. Woonverzekering ({policy_no}): de nieuwe woning is een twee-onder-een-kapwoning uit "
      "{house_year} met een rieten dak op de aanbouw. Ik neem aan dat dit invloed heeft op de premie.\n"
      "3. Mijn partner {partner_full} komt bij ons wonen en moet worden meeverzekerd op de "
      "aansprakelijkheidsverzekering.\n"
      "4. Autoverzekering ({policy_no2}): wij rijden door de grotere afstand naar het werk meer "
      "kilometers, ongeveer 25.000 per jaar in plaats van 15.000.\n"
      "5. De premie mag vanaf nu worden afgeschreven van rekening {iban}.\n\n"
      "Kunt u mij per onderdeel laten weten wat de nieuwe premie wordt en of u nog aanvullende gegevens "
      "nodig heeft? Een nieuw polisblad ontvang ik graag per e-mail."),
  "en": T(["Several changes after moving house", "Move and policy updates {policy_no}"],
      "We are moving on {move_date}, which affects several of our policies, so I have listed the changes "
      "below:\n\n"
      "1. New address for all policies and correspondence:\n{new_address_lines}\n\n"
      "2. Home insurance ({policy_no}): the new house is a semi-detached property built in {house_year} "
      "with a thatched roof on the extension. I assume this affects the premium.\n"
      "3. My partner {partner_full} is moving in and should be added to the liability cover.\n"
      "4. Car insurance ({policy_no2}): because of the longer commute we will drive about 25,000 km a "
      "year instead of 15,000.\n"
      "5. Please collect the premium from account {iban} from now on.\n\n"
      "Could you tell me the new premium for each item and whether you need anything else? Please send "
      "the new policy schedule by email."),
 },
 "job_application": {
  "nl": T(["Sollicitatiebrief {vacancy}", "Motivatie voor de functie {vacancy} ({vac_ref})"],
      "Met veel enthousiasme reageer ik op uw vacature voor {vacancy}. In deze mail vindt u mijn "
      "motivatie; mijn cv stuur ik graag na als u dat wenst.\n\n"
      "De afgelopen {years} jaar werkte ik als {prev_role} bij {prev_employer}. Daar ben ik "
      "verantwoordelijk voor het afhandelen van klantvragen en het bijhouden van dossiers in ons "
      "CRM-systeem. Ik heb meegewerkt aan de invoering van een nieuw werkproces waardoor de "
      "doorlooptijd van aanvragen met bijna een derde is afgenomen. Dat project leerde mij hoe "
      "belangrijk het is om collega's vanaf het begin te betrekken.\n\n"
      "Uw vacature sprak mij direct aan omdat de functie inhoudelijk werk combineert met veel contact "
      "met klanten en collega's. Ik vind het belangrijk dat klanten zich gehoord voelen, ook als het "
      "antwoord niet is wat ze hoopten. Tegelijk houd ik van duidelijke afspraken en zorgvuldige "
      "verslaglegging.\n\n"
      "Naast mijn werk heb ik de opleiding {study} afgerond aan {school}. In mijn vrije tijd ben ik "
      "penningmeester van een muziekvereniging, waardoor ik ook ervaring heb met begrotingen en "
      "jaarverslagen.\n\n"
      "Ik ben beschikbaar voor {hours_week} uur per week en kan na een opzegtermijn van een maand "
      "beginnen. Graag licht ik mijn motivatie toe in een gesprek.",
      "cv", 0.4),
  "en": T(["Cover letter - {vacancy}", "Application and motivation: {vacancy} ({vac_ref})"],
      "I am writing to apply for the {vacancy} position. My motivation is below; I am happy to send my "
      "CV if you would like it.\n\n"
      "For the past {years} years I have worked as a {prev_role} at {prev_employer}, handling customer "
      "queries and keeping case records up to date in our CRM system. I helped introduce a new way of "
      "working that reduced turnaround times by almost a third, which taught me how important it is "
      "to involve colleagues from the start.\n\n"
      "The role appeals to me because it combines substantive work with a lot of contact with "
      "customers and colleagues. I care about customers feeling heard, even when the answer is not "
      "what they hoped for, and I like clear agreements and careful record keeping.\n\n"
      "I completed a degree in {study} at {school}. In my spare time I am treasurer of a local music "
      "society, which has given me experience with budgets and annual reports.\n\n"
      "I am available for {hours_week} hours a week and can start after one month's notice. I would "
      "welcome the chance to discuss my application in person.",
      "cv", 0.4),
 },
 "complaint": {
  "nl": T(["Klacht - overzicht van wat er is misgegaan", "Formele klacht schadedossier {claim_no}"],
      "Hierbij dien ik een formele klacht in over de behandeling van mijn schade {claim_no}. Om "
      "misverstanden te voorkomen, zet ik de gebeurtenissen op volgorde:\n\n"
      "- {past_date}: schade gemeld via de website, automatische ontvangstbevestiging ontvangen.\n"
      "- Een week later: gebeld omdat ik niets hoorde. Mij werd verteld dat er binnen drie dagen een "
      "expert zou bellen.\n"
      "- Twee weken later: nog steeds niets. Opnieuw gebeld, nu bleek het dossier 'nog niet "
      "toegewezen'.\n"
      "- Daarna: twee keer gemaild, geen reactie.\n"
      "- Vorige week: een brief ontvangen waarin om foto's wordt gevraagd die ik bij de melding al had "
      "meegestuurd.\n\n"
      "Ik heb in totaal {times_called} keer gebeld en steeds een ander verhaal gehoord. Ondertussen is "
      "de schade niet hersteld en wordt die alleen maar groter. De kosten daarvan wil ik niet voor "
      "mijn rekening nemen.\n\n"
      "Ik verzoek u om:\n"
      "1. binnen vijf werkdagen een vaste contactpersoon aan te wijzen;\n"
      "2. de expertise binnen twee weken te laten plaatsvinden;\n"
      "3. schriftelijk te bevestigen dat de extra schade door de vertraging wordt vergoed.\n\n"
      "Als ik binnen de gestelde termijn geen reactie krijg, leg ik de klacht voor aan de "
      "geschillencommissie."),
  "en": T(["Formal complaint - timeline of events", "Complaint about handling of claim {claim_no}"],
      "I am making a formal complaint about how my claim {claim_no} has been handled. To avoid any "
      "misunderstanding, here is what happened:\n\n"
      "- {past_date}: claim submitted on your website, automatic acknowledgement received.\n"
      "- One week later: I called because I had heard nothing and was told an assessor would call "
      "within three days.\n"
      "- Two weeks later: still nothing. I called again and was told the file had 'not yet been "
      "assigned'.\n"
      "- After that: two emails, no reply.\n"
      "- Last week: a letter asking for photos I had already sent with the claim.\n\n"
      "I have called {times_called} times and heard a different story each time. Meanwhile the damage "
      "has not been repaired and is getting worse. I will not pay for the extra damage caused by this "
      "delay.\n\n"
      "I ask you to:\n"
      "1. assign a named contact within five working days;\n"
      "2. arrange the assessment within two weeks;\n"
      "3. confirm in writing that additional damage caused by the delay will be covered.\n\n"
      "If I do not hear from you within that time I will refer the complaint to the ombudsman."),
 },
 "general_question": {
  "nl": T(["Een paar vragen als nieuwe klant", "Vragen over mijn verzekeringen"],
      "Sinds kort ben ik klant bij u en ik heb een paar vragen waar ik op de website niet helemaal uit "
      "kom:\n\n"
      "1. Ik heb de polisvoorwaarden per post ontvangen, maar kan ik ze ook digitaal inzien in {portal}?\n"
      "2. Hoe werkt het als ik in de toekomst iets wil wijzigen: kan dat online, of moet ik altijd "
      "bellen?\n"
      "3. Wat is het verschil tussen de basisdekking en de uitgebreide dekking van de "
      "inboedelverzekering? Ik kan het in de brochure niet goed terugvinden.\n"
      "4. Ik werk regelmatig vanuit huis met een laptop van mijn werkgever. Valt die onder mijn "
      "inboedel, of moet mijn werkgever dat regelen?\n"
      "5. Zijn jullie ook op zaterdag telefonisch bereikbaar?\n\n"
      "Er is niets aan de hand hoor, ik wil het gewoon goed geregeld hebben. Mijn klantnummer is "
      "{cust_no}."),
  "en": T(["A few questions as a new customer", "Questions about my policies"],
      "I recently became a customer and have a few questions I couldn't quite answer from the "
      "website:\n\n"
      "1. I received the policy conditions by post - can I also view them online in {portal}?\n"
      "2. If I want to change something in future, can I do that online or do I always need to call?\n"
      "3. What is the difference between the basic and extended cover on the contents insurance? I "
      "couldn't find it clearly in the brochure.\n"
      "4. I often work from home on a laptop owned by my employer. Is that covered by my contents "
      "insurance, or should my employer arrange it?\n"
      "5. Can I reach you by phone on Saturdays?\n\n"
      "Nothing has happened, I just want to make sure everything is in order. My customer number is "
      "{cust_no}."),
 },
}
for _cat, _by_lang in LONG.items():
    for _lang, _tpl in _by_lang.items():
        CATEGORY_TEMPLATES[_cat][_lang].append(_tpl)


# Earlier messages from the insurer that customers reply to, and replies.
# (our subject, our body, their reply body)
REPLY_THREADS = {
    "invoice": {"nl": [
        ("Factuur {inv_no} - inkoopnummer ontbreekt",
         "Wij hebben uw factuur {inv_no} ontvangen, maar er staat geen inkoopnummer op. Zonder "
         "inkoopnummer kunnen wij de factuur niet verwerken. Wilt u de factuur opnieuw sturen "
         "met inkoopnummer {po_no}?",
         "Hierbij de aangepaste factuur met het juiste inkoopnummer. Excuses voor het ongemak."),
        ("Vraag over factuur {inv_no}",
         "Op factuur {inv_no} staan {hours} uur vermeld, terwijl volgens onze registratie minder "
         "uren zijn gemaakt. Kunt u een urenspecificatie sturen?",
         "De urenspecificatie is bijgevoegd. Volgens ons klopt het aantal uren; een deel van "
         "de werkzaamheden is buiten kantoortijd uitgevoerd."),
    ], "en": [
        ("Invoice {inv_no} - PO number missing",
         "We have received invoice {inv_no} but it does not show a purchase order number, so we "
         "cannot process it. Please re-send it with PO number {po_no}.",
         "Please find the corrected invoice attached, now with the PO number. Sorry about that."),
        ("Query on invoice {inv_no}",
         "Invoice {inv_no} lists {hours} hours, but our records show fewer. Could you send us a "
         "breakdown of the hours?",
         "The timesheet is attached. We believe the hours are correct; part of the work was done "
         "outside office hours."),
    ]},
    "claim": {"nl": [
        ("Uw schademelding {claim_no}",
         "Bedankt voor uw schademelding. Wij hebben uw melding geregistreerd onder nummer "
         "{claim_no}. Om de schade te kunnen beoordelen ontvangen wij graag foto's van de schade "
         "en, indien beschikbaar, een offerte of factuur van de reparatie.",
         "Hierbij de foto's. De offerte van de hersteller volgt later deze week."),
        ("Aanvullende informatie schade {claim_no}",
         "Voor de behandeling van schade {claim_no} hebben wij nog het nummer van de aangifte bij "
         "de politie nodig. Wilt u dat aan ons doorgeven?",
         "Het nummer van de aangifte is {pv_no}. Ik heb de bevestiging van de politie ook "
         "bijgevoegd."),
    ], "en": [
        ("Your claim {claim_no}",
         "Thank you for reporting your claim. It has been registered under number {claim_no}. To "
         "assess the damage, please send us photos and, if available, a repair quote or invoice.",
         "Please find the photos attached. The repair quote will follow later this week."),
        ("More information needed - claim {claim_no}",
         "To process claim {claim_no} we still need the police report number. Could you send it "
         "to us?",
         "The police report number is {pv_no}. I have attached the confirmation as well."),
    ]},
    "policy_change": {"nl": [
        ("Uw wijzigingsverzoek polis {policy_no}",
         "Wij hebben uw verzoek ontvangen. Om de wijziging te kunnen doorvoeren, hebben wij nog "
         "de ingangsdatum en uw handtekening op het wijzigingsformulier nodig.",
         "De wijziging mag ingaan per {move_date}. Het ondertekende formulier zit in de bijlage."),
        ("Bevestiging opzegging {policy_no}",
         "Wij bevestigen de ontvangst van uw opzegging. Voordat wij deze verwerken: wilt u ook "
         "de gekoppelde aansprakelijkheidsverzekering beëindigen?",
         "Nee, de aansprakelijkheidsverzekering wil ik houden. Alleen de {policy_type} mag "
         "worden beëindigd."),
    ], "en": [
        ("Your change request - policy {policy_no}",
         "We have received your request. To make the change we still need the start date and "
         "your signature on the amendment form.",
         "The change can start on {move_date}. The signed form is attached."),
        ("Confirmation of cancellation {policy_no}",
         "We confirm receipt of your cancellation. Before we process it: would you also like to "
         "cancel the linked liability policy?",
         "No, I want to keep the liability policy. Only the {policy_type} should be cancelled."),
    ]},
    "job_application": {"nl": [
        ("Uitnodiging sollicitatiegesprek {vacancy}",
         "Bedankt voor uw sollicitatie. Wij nodigen u graag uit voor een eerste gesprek op "
         "{interview_date} om {interview_time} op ons kantoor in Utrecht. Wilt u laten weten of "
         "dit schikt?",
         "Hartelijk dank voor de uitnodiging! {interview_date} om {interview_time} komt mij goed "
         "uit. Ik kijk ernaar uit."),
        ("Uw sollicitatie {vac_ref}",
         "Wij hebben uw sollicitatie in goede orde ontvangen. Zou u ons nog een kopie van uw "
         "diploma willen sturen?",
         "Natuurlijk, in de bijlage vindt u een kopie van mijn diploma."),
    ], "en": [
        ("Interview invitation - {vacancy}",
         "Thank you for your application. We would like to invite you for a first interview on "
         "{interview_date} at {interview_time} at our Utrecht office. Could you let us know if "
         "that suits you?",
         "Thank you for the invitation! {interview_date} at {interview_time} works well for me. "
         "I look forward to meeting you."),
        ("Your application {vac_ref}",
         "We have received your application. Could you also send us a copy of your degree "
         "certificate?",
         "Of course - please find a copy of my degree certificate attached."),
    ]},
    "complaint": {"nl": [
        ("Uw klacht - referentie KL-{cust_no}",
         "Wij hebben uw klacht ontvangen en in behandeling genomen. U ontvangt binnen tien "
         "werkdagen een inhoudelijke reactie.",
         "Tien werkdagen? Dat is veel te lang. Ik heb dit probleem al weken en krijg telkens "
         "dezelfde standaardreactie. Ik wil dat iemand mij vandaag nog belt."),
        ("Reactie op uw klacht",
         "Wij begrijpen uw ongenoegen. Na onderzoek blijkt dat de verwerking correct is "
         "uitgevoerd volgens de polisvoorwaarden.",
         "Daar ben ik het niet mee eens. U gaat helemaal niet in op mijn argumenten. Ik verzoek "
         "u mijn klacht voor te leggen aan een leidinggevende."),
    ], "en": [
        ("Your complaint - reference KL-{cust_no}",
         "We have received your complaint and are looking into it. You will receive a full "
         "response within ten working days.",
         "Ten working days? That is far too long. I have had this problem for weeks and keep "
         "getting the same standard reply. I want someone to call me today."),
        ("Response to your complaint",
         "We understand your frustration. Our investigation shows that the matter was handled "
         "correctly under the policy conditions.",
         "I do not accept that. You have not addressed any of my points. Please refer my "
         "complaint to a manager."),
    ]},
    "general_question": {"nl": [
        ("Uw vraag aan {our_short}",
         "Bedankt voor uw vraag. Op onze website vindt u onder 'Service' de meest gestelde "
         "vragen. Kunnen wij u verder nog ergens mee helpen?",
         "Bedankt, maar op de website kon ik het antwoord niet vinden. Mijn vraag was specifiek "
         "of dit ook geldt als ik in het buitenland ben."),
        ("Uw vraag over {portal}",
         "U kunt inloggen via {portal_url}. Heeft u nog geen account, kies dan 'Account "
         "aanmaken'.",
         "Dat heb ik geprobeerd, maar ik krijg de melding dat mijn e-mailadres al in gebruik is. "
         "Wat moet ik dan doen?"),
    ], "en": [
        ("Your question to {our_short}",
         "Thank you for your question. You can find our FAQs under 'Service' on our website. Is "
         "there anything else we can help with?",
         "Thanks, but I couldn't find the answer there. My question was specifically whether "
         "this also applies when I'm abroad."),
        ("Your question about {portal}",
         "You can log in at {portal_url}. If you don't have an account yet, choose 'Create "
         "account'.",
         "I tried that, but it says my email address is already in use. What should I do?"),
    ]},
}

# Category-specific sentences added after the template body (0-3 of them).
EXTRA = {
    "invoice": {
        "nl": ["Onze algemene voorwaarden zijn van toepassing op alle leveringen en diensten; u vindt ze op {website}.",
               "Let op: vanaf {next_first} hanteren wij gewijzigde tarieven. U ontvangt hierover binnenkort een aparte brief.",
               "Wilt u bij betaling altijd het factuurnummer vermelden? Dan kunnen wij de betaling sneller verwerken.",
               "Voor vragen over de inhoud van de factuur kunt u contact opnemen met {contact_full} via {co_phone}.",
               "Klopt er iets niet aan de factuur, laat het ons dan binnen acht dagen na factuurdatum weten.",
               "Bedankt voor de prettige samenwerking het afgelopen jaar.",
               "Wij hebben uw inkoopnummer {po_no} als referentie opgenomen, zoals afgesproken.",
               "Ons kantoor is tussen kerst en oud en nieuw gesloten; betalingen worden in die periode wel gewoon verwerkt.",
               "Facturen kunt u ook terugvinden in ons klantportaal onder uw debiteurnummer {cust_no}."],
        "en": ["Our standard terms and conditions apply to all supplies and services; see {website}.",
               "Please note that our rates will change from {next_first}. We will write to you separately about this.",
               "Please always quote the invoice number when paying so that we can allocate your payment quickly.",
               "For questions about the content of this invoice, please contact {contact_full} on {co_phone}.",
               "If anything on the invoice is incorrect, please let us know within eight days of the invoice date.",
               "Thank you for your business over the past year.",
               "We have included your purchase order {po_no} as the reference, as agreed.",
               "Our office is closed between Christmas and New Year; payments will still be processed.",
               "Copies of all invoices are available in our customer portal under account {cust_no}."],
    },
    "claim": {
        "nl": ["Ik heb geprobeerd de schade zo veel mogelijk te beperken.",
               "Gelukkig is er verder niemand iets overkomen.",
               "Ik ben telefonisch het beste bereikbaar na 17.00 uur op {phone}.",
               "Ik heb nog nooit eerder een schade gemeld, dus ik weet niet precies hoe het werkt.",
               "Mijn rekeningnummer voor een eventuele uitkering is {iban}.",
               "Kunt u mij laten weten of er een eigen risico van toepassing is?",
               "Ik heb begrepen dat ik beschadigde spullen moet bewaren tot er een expert is geweest; dat doe ik.",
               "Een buurvrouw heeft alles gezien en wil eventueel een verklaring afleggen.",
               "Ik heb geprobeerd het schadeformulier op de website in te vullen, maar dat lukte niet. Vandaar deze mail."],
        "en": ["I have tried to limit the damage as much as possible.",
               "Fortunately nobody was hurt.",
               "The best time to reach me by phone is after 5 pm on {phone}.",
               "I have never made a claim before, so I'm not sure how the process works.",
               "My bank account for any payment is {iban}.",
               "Could you tell me whether an excess applies?",
               "I understand I should keep the damaged items until an assessor has seen them, so I will.",
               "A neighbour saw everything and is willing to give a statement.",
               "I tried the claim form on your website but it kept giving an error, hence this email."],
    },
    "policy_change": {
        "nl": ["Graag ontvang ik een bevestiging van de wijziging en het nieuwe polisblad per e-mail.",
               "Als de premie hierdoor verandert, hoor ik graag vooraf wat het nieuwe bedrag wordt.",
               "Mijn klantnummer is {cust_no}, voor het geval u dat nodig heeft.",
               "Kunt u de wijziging ook doorvoeren in {portal}? Daar staan nu nog de oude gegevens.",
               "Ik heb ook nog een tweede polis bij u ({policy_no2}); die mag ongewijzigd blijven.",
               "Ik heb geprobeerd het zelf aan te passen in {portal}, maar die optie kon ik niet vinden.",
               "Moet ik hiervoor een formulier invullen, of is deze e-mail voldoende?",
               "Mijn telefoonnummer is ook gewijzigd: {phone}."],
        "en": ["Please send me confirmation of the change and the new policy schedule by email.",
               "If this changes the premium, I'd like to know the new amount beforehand.",
               "My customer number is {cust_no}, in case you need it.",
               "Could you also update {portal}? It still shows the old details.",
               "I also have a second policy with you ({policy_no2}); that one can stay as it is.",
               "I tried to change this myself in {portal} but couldn't find the option.",
               "Do I need to fill in a form for this, or is this email enough?",
               "My phone number has also changed: {phone}."],
    },
    "job_application": {
        "nl": ["In mijn huidige baan heb ik veel geleerd over het zorgvuldig vastleggen van gegevens en het "
               "werken volgens vaste procedures. Ik vind het prettig om een dossier van begin tot eind goed af "
               "te handelen.",
               "Collega's omschrijven mij als rustig, betrouwbaar en oplossingsgericht. Ook als het druk is, "
               "houd ik het overzicht en blijf ik vriendelijk tegen klanten.",
               "Wat mij in {our_short} aanspreekt, is de nadruk op persoonlijke service en de ruimte om je te "
               "ontwikkelen. Ik heb gelezen dat u veel investeert in opleidingen, en dat vind ik belangrijk.",
               "Ik heb goede kennis van Excel en ervaring met verschillende CRM-systemen. Nieuwe systemen leer ik snel.",
               "Ik ben per {move_date} beschikbaar en zou het liefst {hours_week} uur per week werken.",
               "Naast mijn werk ben ik vrijwilliger bij de plaatselijke sportvereniging, waar ik de ledenadministratie verzorg.",
               "Mijn Engels is goed, zowel mondeling als schriftelijk, wat van pas komt in contact met internationale klanten."],
        "en": ["In my current role I have learned a great deal about recording information accurately and "
               "following procedures. I enjoy taking a case from start to finish.",
               "Colleagues describe me as calm, reliable and solution-focused. Even when it is busy I keep an "
               "overview and stay friendly with customers.",
               "What appeals to me about {our_short} is the focus on personal service and room to develop. I "
               "read that you invest a lot in training, which matters to me.",
               "I am an advanced Excel user and have worked with several CRM systems. I pick up new systems quickly.",
               "I am available from {move_date} and would ideally work {hours_week} hours a week.",
               "Outside work I volunteer at a local sports club, where I look after the membership records.",
               "I hold a valid work permit for the Netherlands and do not require sponsorship."],
    },
    "complaint": {
        "nl": ["Ik ben al jaren tevreden klant, maar dit gaat echt te ver.",
               "Het is niet de eerste keer. Vorig jaar had ik een vergelijkbaar probleem en toen duurde het ook maanden.",
               "Ik verwacht binnen vijf werkdagen een inhoudelijke reactie, geen standaardmail.",
               "Als dit niet snel wordt opgelost, zeg ik al mijn verzekeringen bij u op.",
               "Ik heb hier inmiddels uren aan besteed: bellen, mailen, wachten. Dat vind ik niet normaal.",
               "Ik wil weten wie verantwoordelijk is voor mijn dossier en hoe ik die persoon rechtstreeks kan bereiken.",
               "Ik ga ervan uit dat u mijn klacht serieus neemt.",
               "Ik overweeg dit ook op een reviewsite te zetten, zodat andere klanten weten waar ze aan toe zijn."],
        "en": ["I have been a satisfied customer for years, but this really is too much.",
               "This is not the first time. Last year I had a similar problem and it also took months.",
               "I expect a proper response within five working days, not a standard email.",
               "If this is not resolved quickly I will move all my policies elsewhere.",
               "I have spent hours on this already: calling, emailing, waiting. That is not normal.",
               "I want to know who is responsible for my file and how I can contact that person directly.",
               "I trust you will take this complaint seriously.",
               "I am considering posting a review so other customers know what to expect."],
    },
    "general_question": {
        "nl": ["Ik heb de veelgestelde vragen op de website al bekeken, maar kon het antwoord niet vinden.",
               "Het is geen spoed, maar ik hoor het graag binnen een paar dagen.",
               "Telefonisch lukte het niet om iemand te spreken, vandaar deze mail.",
               "Ik ben sinds kort klant bij u, dus excuses als dit een domme vraag is.",
               "Weet u het antwoord niet, kunt u mij dan doorverwijzen naar de juiste afdeling?",
               "Een antwoord per e-mail is prima.",
               "Mijn klantnummer is {cust_no}, als dat helpt."],
        "en": ["I have already looked at the FAQs on your website but couldn't find the answer.",
               "It's not urgent, but I'd appreciate an answer within a few days.",
               "I couldn't get through by phone, hence this email.",
               "I'm a fairly new customer, so apologies if this is an obvious question.",
               "If you don't know the answer, could you forward this to the right department?",
               "A reply by email is fine.",
               "My customer number is {cust_no}, if that helps."],
    },
}

# Templates (by first subject) whose situation does not fit the generic EXTRA sentences.
NO_EXTRA = {
    "Stand van zaken sollicitatie {vacancy}", "Intrekken sollicitatie {vacancy}",
    "Vacature {vacancy} nog open?", "Documenten sollicitatie {full}", "Vraag over aanbod {vacancy}",
    "Bijbaan", "Application status - {vacancy}", "Withdrawing my application",
    "Is the {vacancy} vacancy still open?", "Documents for my application", "Question about the offer",
    "Student job", "Foto's schade {claim_no}", "Photos for claim {claim_no}",
}

FOLLOW_UP = {  # customer re-sends own earlier mail
    "nl": ["Ik heb nog geen reactie ontvangen op onderstaande mail. Kunt u even laten weten of "
           "deze is aangekomen?",
           "Graag nog even aandacht voor mijn mail hieronder.",
           "Ik stuur mijn bericht van {fu_date} nogmaals, omdat ik nog niets heb gehoord.",
           "Is onderstaande mail al in behandeling?"],
    "en": ["I haven't had a reply to my email below yet. Could you confirm it was received?",
           "Just following up on my email below.",
           "Re-sending my message of {fu_date}, as I haven't heard back.",
           "Could someone please look at the email below?"],
}
FORWARD_NOTE = {  # internal colleague forwards to the right mailbox
    "nl": ["Deze kwam bij ons binnen, volgens mij is hij voor jullie.",
           "Ter behandeling doorgestuurd.",
           "Hoi, kunnen jullie dit oppakken? Was verkeerd geadresseerd.",
           "Zie onderstaande mail. Graag verdere afhandeling.",
           "Fyi, binnengekomen via de algemene mailbox."],
    "en": ["This came in on our mailbox, I think it's for you.",
           "Forwarding for handling.",
           "Hi, could you pick this up? It was sent to the wrong address.",
           "Please see below and handle as appropriate.",
           "FYI - came in via the general mailbox."],
}


# ---------------------------------------------------------------------------
# 6. attachments and per-category generators
# ---------------------------------------------------------------------------

MIME_TYPES = {
    "pdf": ("application", "pdf"), "jpg": ("image", "jpeg"), "jpeg": ("image", "jpeg"),
    "png": ("image", "png"), "csv": ("text", "csv"), "txt": ("text", "plain"),
    "docx": ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document"),
}


def pdf_stamp(d):
    return "%04d%02d%02d%02d%02d00" % (d.year, d.month, d.day, 9, 30)


def doc_lang(c, lang):
    """Language of a supplier's document: UK suppliers write English."""
    return "en" if (lang == "en" or c["co_en"]) else "nl"


def invoice_lines(c, lang, kind):
    dl = doc_lang(c, lang)
    nl = dl == "nl"
    mp = lambda v: (("EUR " if c["cur"] == "EUR" else "GBP ") + money_plain(v, dl))  # noqa: E731
    title = {"invoice": ("FACTUUR", "INVOICE"), "reminder": ("BETALINGSHERINNERING", "PAYMENT REMINDER"),
             "credit": ("CREDITNOTA", "CREDIT NOTE")}[kind][0 if nl else 1]
    no = c["cn_no"] if kind == "credit" else c["inv_no"]
    lines = ["# " + title + " " + no, c["company"], c["co_addr"],
             ("KvK %s  BTW %s" % (c["kvk"], c["btw"])) if "GB" not in c["btw"] else "VAT " + c["btw"],
             "",
             ("Aan: " if nl else "To: ") + OUR["name"],
             ("t.a.v. Crediteurenadministratie" if nl else "Attn. Accounts Payable"),
             OUR["pobox"], "",
             ("Factuurnummer: " if nl else "Invoice number: ") + no,
             ("Factuurdatum: " if nl else "Invoice date: ") + fmt_date(c["inv_date_d"], dl, style=1),
             ("Uw referentie: " if nl else "Your reference: ") + c["po_no"],
             ("Debiteurnummer: " if nl else "Customer number: ") + c["cust_no"], ""]
    if kind == "credit":
        lines.append(("Creditering van factuur " if nl else "Credit against invoice ") + c["orig_inv_no"])
    for desc, price in c["items"]:
        lines.append("%-58s %s" % (desc, mp(price)))
    lines += ["",
              ("Subtotaal: " if nl else "Subtotal: ") + mp(c["excl_v"]),
              ("BTW %d%%: " % c["vat_rate"] if nl else "VAT %d%%: " % c["vat_rate"]) + mp(c["vat_v"])
              + ("" if c["vat_rate"] else " (reverse charge)"),
              ("Totaal: " if nl else "Total: ") + mp(c["incl_v"]), ""]
    if kind == "reminder":
        lines.append(("Vervaldatum was: " if nl else "Due date was: ") + c["old_due_date"])
    lines += [("Gelieve te betalen op IBAN " if nl else "Please pay to IBAN ") + c["sup_iban"].replace(" ", "")
              + (" t.n.v. " if nl else " in the name of ") + c["company"],
              ("o.v.v. het factuurnummer. Betalingstermijn 30 dagen." if nl
               else "quoting the invoice number. Payment terms 30 days.")]
    return lines


def att_pdf(r, name, lines, title, d):
    return (name, make_pdf(lines, title=title, compress=r.random() < 0.5, stamp=pdf_stamp(d)))


def photo(r, d, idx=0, label=None):
    style = r.randint(0, 6)
    ts = "%04d%02d%02d" % (d.year, d.month, d.day)
    hh, mm, ss = r.randint(7, 21), r.randint(0, 59), r.randint(0, 59)
    if style == 0:
        name = "IMG_%s_%02d%02d%02d.jpg" % (ts, hh, mm, ss)
    elif style == 1:
        name = "IMG_%04d.JPG" % (r.randint(1000, 9999) + idx)
    elif style == 2:
        name = "WhatsApp Image %04d-%02d-%02d at %02d.%02d.%02d.jpeg" % (d.year, d.month, d.day, hh, mm, ss + idx % 2)
    elif style == 3:
        name = "%s_%02d%02d%02d.jpg" % (ts, hh, mm, ss)
    elif style == 4:
        name = (label or "schade") + ("_%d" % (idx + 1)) + ".png"
    elif style == 5:
        name = "Foto’s %s %d.jpg" % (label or "schade", idx + 1)
    else:
        name = "photo_%d.jpg" % (idx + 1)
    data = make_png(r, r.choice([24, 32]), r.choice([18, 24])) if name.endswith(".png") \
        else make_jpeg(r, r.choice([4, 6, 8]), r.choice([3, 4, 6]))
    return name, data


def cv_content(c, lang):
    nl = lang == "nl"
    return ["# Curriculum Vitae", c["full"], c["address"], c["phone"], c["email"], "",
            "# " + ("Werkervaring" if nl else "Experience"),
            "%s - heden: %s, %s" % (2026 - int(c["years"]), c["prev_role"], c["prev_employer"]) if nl
            else "%s - present: %s, %s" % (2026 - int(c["years"]), c["prev_role"], c["prev_employer"]),
            ("Klantcontact, dossierbehandeling, rapportages" if nl
             else "Customer contact, case handling, reporting"),
            "",
            "# " + ("Opleiding" if nl else "Education"),
            "%s, %s" % (c["study"], c["school"]), "",
            "# " + ("Vaardigheden" if nl else "Skills"),
            ("Nederlands (moedertaal), Engels (vloeiend), Excel, Office 365" if nl
             else "English (fluent), Dutch (A2), Excel, Office 365, SQL (basic)")]


def letter_content(c, lang, subject, body):
    head = [c["full"], c["address"], "", c["today"], "",
            OUR["name"], OUR["pobox"], "",
            ("Betreft: " if lang == "nl" else "Re: ") + subject, ""]
    out = head[:]
    for para in body.split("\n\n"):
        out += [*textwrap.wrap(para, 92), ""]
    out += ["Met vriendelijke groet," if lang == "nl" else "Yours sincerely,", "", c["full"]]
    return out


def make_attachments(r, kind, c, lang, d, subject, body):
    """Return a list of (filename, bytes) for an attachment kind."""
    nl = lang == "nl"
    out = []
    if kind in ("invoice_pdf", "reminder_pdf", "credit_pdf", "invoice_hours"):
        k = {"reminder_pdf": "reminder", "credit_pdf": "credit"}.get(kind, "invoice")
        no = c["cn_no"] if k == "credit" else c["inv_no"]
        word = {"invoice": ("Factuur", "Invoice"), "reminder": ("Herinnering", "Reminder"),
                "credit": ("Creditnota", "Credit note")}[k][0 if doc_lang(c, lang) == "nl" else 1]
        name = r.choice(["%s_%s.pdf" % (word, no), "%s %s %s.pdf" % (c["co_short"], word.lower(), no),
                         "%s-%s.pdf" % (word.lower().replace(" ", "-"), no), "%s.pdf" % no])
        out.append(att_pdf(r, name, invoice_lines(c, lang, k), "%s %s" % (word, no), c["inv_date_d"]))
        if kind == "invoice_hours":
            rows = [["datum", "medewerker", "omschrijving", "uren"] if nl else ["date", "employee", "description", "hours"]]
            first = c["inv_date_d"].replace(day=1) - dt.timedelta(days=27)
            total = int(c["hours"])
            left = total
            day = 0
            while left > 0:
                h = min(left, r.choice([2, 4, 6, 8]))
                left -= h
                who = r.choice(NL_LAST)
                rows.append([(first + dt.timedelta(days=day)).isoformat(), who,
                             r.choice(c["items"])[0], str(h)])
                day += 1
            buf = io.StringIO()
            csv.writer(buf, delimiter=";" if nl else ",", lineterminator="\n").writerows(rows)
            out.append((r.choice(["urenspecificatie.csv", "uren_%s.csv" % c["period"].replace(" ", "_"),
                                  "timesheet.csv"]) if nl else "timesheet_%s.csv" % c["period"].replace(" ", "_"),
                        buf.getvalue().encode("utf-8")))
    elif kind == "hours_csv":
        buf = io.StringIO()
        w = csv.writer(buf, delimiter=";", lineterminator="\n")
        w.writerow(["datum", "uren", "omschrijving"] if nl else ["date", "hours", "description"])
        for i in range(r.randint(4, 12)):
            w.writerow([(c["old_inv_date_d"] + dt.timedelta(days=i)).isoformat(), r.choice([2, 4, 8]),
                        r.choice(c["items"])[0]])
        out.append(("uren.csv" if nl else "hours.csv", buf.getvalue().encode("utf-8")))
    elif kind == "statement":
        if r.random() < 0.5:
            buf = io.StringIO()
            w = csv.writer(buf, delimiter=";" if nl else ",", lineterminator="\n")
            w.writerow(["factuur", "datum", "vervaldatum", "bedrag", "openstaand"] if nl
                       else ["invoice", "date", "due", "amount", "outstanding"])
            for i in range(r.randint(2, 6)):
                dd = c["old_inv_date_d"] + dt.timedelta(days=14 * i)
                v = round(r.uniform(80, 2400), 2)
                w.writerow([c["inv_no"][:-1] + str(i), dd.isoformat(), (dd + dt.timedelta(days=30)).isoformat(),
                            money_plain(v, lang), money_plain(v if i < 2 else 0, lang)])
            out.append(("openstaande_posten.csv" if nl else "statement.csv", buf.getvalue().encode("utf-8")))
        else:
            lines = ["# " + ("Overzicht openstaande posten" if nl else "Statement of account"),
                     c["company"], ("Debiteur: " if nl else "Customer: ") + OUR["name"] + " (" + c["cust_no"] + ")", ""]
            for i in range(r.randint(2, 6)):
                dd = c["old_inv_date_d"] + dt.timedelta(days=14 * i)
                lines.append("%s   %s   %s" % (c["inv_no"][:-1] + str(i), fmt_date(dd, lang, style=1),
                                               money(round(r.uniform(80, 2400), 2), lang)))
            lines += ["", ("Totaal openstaand: " if nl else "Total outstanding: ") + c["amount_incl"]]
            out.append(att_pdf(r, "Rekeningoverzicht.pdf" if nl else "Statement.pdf", lines, "Statement", d.date()))
    elif kind == "letter_pdf":
        name = r.choice(["brief.pdf", "Brief %s.pdf" % c["last"], "scan_%s.pdf" % rhex(r, 6),
                         "letter.pdf" if not nl else "opzegbrief.pdf"])
        out.append(att_pdf(r, name, letter_content(c, lang, subject, body), subject, d.date()))
    elif kind == "claim_form":
        t = "Europees schadeformulier" if nl else "European accident statement"
        lines = ["# " + t, ("Datum ongeval: " if nl else "Date of accident: ") + c["incident_date"] + " " + c["incident_time"],
                 ("Plaats: " if nl else "Place: ") + c["street"] + ", " + c["city"], "",
                 ("Voertuig A - kenteken: " if nl else "Vehicle A - registration: ") + c["plate"] + " (" + c["car"] + ")",
                 ("Bestuurder: " if nl else "Driver: ") + c["full"],
                 ("Verzekeraar: " if nl else "Insurer: ") + OUR["name"] + ", " + c["policy_no"], "",
                 ("Voertuig B - kenteken: " if nl else "Vehicle B - registration: ") + c["other_plate"],
                 ("Bestuurder: " if nl else "Driver: ") + " ".join(pick_name(r, lang)), "",
                 ("Toedracht: B reed achteruit uit parkeervak en raakte A aan de linkerzijde."
                  if nl else "Circumstances: B was reversing out of a parking space and hit the side of A."),
                 ("Handtekening A: (getekend)   Handtekening B: (getekend)" if nl
                  else "Signature A: (signed)   Signature B: (signed)")]
        out.append(att_pdf(r, r.choice(["schadeformulier.pdf", "Europees schadeformulier.pdf", "scan0001.pdf"])
                           if nl else r.choice(["accident_statement.pdf", "scan0001.pdf"]), lines, t, d.date()))
        for i in range(r.randint(1, 2)):
            out.append(photo(r, d, i, "schade" if nl else "damage"))
    elif kind == "photos":
        for i in range(r.choice([1, 1, 2, 2, 3])):
            out.append(photo(r, d, i, "schade" if nl else "damage"))
    elif kind == "items_txt":
        items = (["Laptop (2 jaar oud)", "Spelcomputer + 2 controllers", "Gouden ketting",
                  "Horloge", "Koptelefoon", "Contant geld ca. 150 euro"] if nl else
                 ["Laptop (2 years old)", "Games console + 2 controllers", "Gold necklace",
                  "Watch", "Headphones", "Cash approx. EUR 150"])
        text = ("Lijst gestolen spullen - " if nl else "List of stolen items - ") + c["full"] + "\n\n"
        text += "\n".join("- %s: %s" % (it, money(r.randint(5, 140) * 10, lang)) for it in r.sample(items, 4))
        out.append(("gestolen spullen.txt" if nl else "stolen_items.txt", (text + "\n").encode("utf-8")))
    elif kind == "police_pdf":
        t = "Bevestiging van aangifte (kopie)" if nl else "Police report confirmation (copy)"
        lines = ["# " + t, ("Registratienummer: " if nl else "Reference: ") + c["pv_no"],
                 ("Aangever: " if nl else "Reported by: ") + c["full"],
                 ("Adres: " if nl else "Address: ") + c["address"],
                 ("Pleegdatum: " if nl else "Date of offence: ") + c["incident_date"],
                 ("Feit: diefstal" if nl else "Offence: theft"), ""]
        out.append(att_pdf(r, r.choice(["aangifte.pdf", "Aangifte %s.pdf" % c["last"], "bevestiging_aangifte.pdf"])
                           if nl else r.choice(["police_report.pdf", "Aangifte %s.pdf" % c["last"]]),
                           lines, t, d.date()))
        if r.random() < 0.4:
            lines = ["# " + ("Aankoopbon" if nl else "Receipt"), c["bike"], c["item_value"]]
            out.append(att_pdf(r, "aankoopbon.pdf" if nl else "receipt.pdf", lines, "Bon", d.date()))
    elif kind == "receipt_pdf":
        lines = ["# " + ("Bonnetjes" if nl else "Receipts")]
        for it in r.sample(["T-shirts", "Toiletartikelen", "Onderbroeken/sokken", "Zwemkleding",
                            "Oplader telefoon", "Zonnebrand"] if nl else
                           ["T-shirts", "Toiletries", "Underwear/socks", "Swimwear",
                            "Phone charger", "Sun cream"], 4):
            lines.append("%-30s %s" % (it, money(r.randint(8, 90) + 0.99, lang)))
        lines.append(("Totaal: " if nl else "Total: ") + c["item_value"])
        out.append(att_pdf(r, "bonnen_vakantie.pdf" if nl else "receipts.pdf", lines, "Bonnen", d.date()))
    elif kind == "quote_pdf":
        t = ("Offerte herstel" if nl else "Repair estimate")
        lines = ["# " + t, c["garage"], "", ("Klant: " if nl else "Customer: ") + c["full"],
                 ("Kenteken: " if nl else "Registration: ") + c["plate"], "",
                 ("Arbeid" if nl else "Labour") + ": " + money(r.randint(120, 600), lang),
                 ("Onderdelen" if nl else "Parts") + ": " + money(r.randint(60, 900), lang),
                 ("Totaal incl. btw: " if nl else "Total incl. VAT: ") + c["repair_amount"]]
        out.append(att_pdf(r, r.choice(["offerte.pdf", "Offerte hersteller – %s.pdf" % c["garage"]]) if nl
                           else "estimate.pdf", lines, t, d.date()))
    elif kind == "vrijwaring_pdf":
        t = "Vrijwaringsbewijs" if nl else "Vehicle transfer confirmation"
        lines = ["# " + t, ("Kenteken: " if nl else "Registration: ") + c["plate"],
                 ("Datum overschrijving: " if nl else "Date of transfer: ") + c["past_date"],
                 ("Vorige tenaamstelling: " if nl else "Previous keeper: ") + c["full"]]
        out.append(att_pdf(r, r.choice(["vrijwaringsbewijs.pdf", "Vrijwaring %s.pdf" % c["plate"]]) if nl
                           else "transfer_confirmation.pdf", lines, t, d.date()))
    elif kind == "kenteken_jpg":
        out.append((r.choice(["kentekenbewijs.jpg", "kentekencard voorkant.jpg", "IMG_%04d.jpg" % r.randint(1, 9999)]),
                    make_jpeg(r, 8, 5)))
    elif kind in ("cv", "cv_letter", "cv_grades"):
        if r.random() < 0.4:
            out.append(("CV %s.docx" % c["full"], make_docx(cv_content(c, lang), "CV")))
        else:
            out.append(att_pdf(r, r.choice(["CV_%s_%s.pdf" % (c["first"], c["last"].replace(" ", "")),
                                             "CV %s.pdf" % c["full"], "cv_%s.pdf" % ascii_slug(c["last"], "")]),
                               cv_content(c, lang), "Curriculum Vitae", d.date()))
        if kind == "cv_letter":
            name = ("Motivatiebrief_%s" if nl else "Cover_letter_%s") % c["last"].replace(" ", "_")
            content = letter_content(c, lang, subject, body)
            if r.random() < 0.4:
                out.append((name + ".docx", make_docx(content, "Motivatie")))
            else:
                out.append(att_pdf(r, name + ".pdf", content, "Motivatie", d.date()))
        if kind == "cv_grades":
            lines = ["# " + ("Cijferlijst" if nl else "Transcript of records"), c["full"], c["school"], c["study"], ""]
            for course in r.sample(["Financial Accounting", "Marketing", "Statistiek", "Bedrijfsrecht",
                                    "Verzekeringsrecht", "Excel voor professionals", "Project 1", "Engels"], 6):
                lines.append("%-40s %s" % (course, "%d,%d" % (r.randint(6, 9), r.randint(0, 9))))
            out.append(att_pdf(r, "cijferlijst.pdf" if nl else "transcript.pdf", lines, "Cijferlijst", d.date()))
    elif kind == "reference_pdf":
        lines = ["# " + ("Referentie" if nl else "Reference"), c["company"], "",
                 ("Betreft: %s" if nl else "Re: %s") % c["cand_full"], ""]
        lines += textwrap.wrap(body.replace("\n\n", " "), 92)
        out.append(att_pdf(r, "Referentie_%s.pdf" % c["cand_last"].replace(" ", ""), lines, "Referentie", d.date()))
    elif kind == "diploma_pdf":
        lines = ["# Diploma", c["full"], ("geboren " if nl else "born ") + c["birth"], "",
                 ("heeft met goed gevolg de opleiding afgerond:" if nl else "has successfully completed:"),
                 c["study"], c["school"]]
        out.append(att_pdf(r, r.choice(["diploma.pdf", "Diploma %s.pdf" % c["full"]]), lines, "Diploma", d.date()))
    elif kind == "screenshot":
        name = r.choice(["Schermafbeelding %04d-%02d-%02d om %02d.%02d.%02d.png" % (
            d.year, d.month, d.day, d.hour, d.minute, d.second) if nl else
            "Screenshot %04d-%02d-%02d %02d%02d%02d.png" % (d.year, d.month, d.day, d.hour, d.minute, d.second),
            "screenshot.png", "image001.png"])
        out.append((name, make_png(r, 32, 20)))
    elif kind == "bank_pdf":
        t = "Rekeningafschrift" if nl else "Bank statement"
        lines = ["# " + t, c["full"], c["iban"], ""]
        for _ in range(2):
            lines.append("%s  %s  %s  %s" % (c["past_date"], OUR["name"], c["policy_no"], "-" + c["premium"]))
        out.append(att_pdf(r, r.choice(["afschrift.pdf", "bankafschrift %s.pdf" % c["past_date"]]) if nl
                           else "statement.pdf", lines, t, d.date()))
    else:
        raise ValueError(kind)
    return out


# Threads whose first message from the insurer fits (almost) any template of the
# category, so the sender's original can be quoted underneath it.
GENERIC_THREADS = {("invoice", 0), ("claim", 0), ("policy_change", 0), ("job_application", 0),
                   ("job_application", 1), ("complaint", 0), ("complaint", 1), ("general_question", 0)}

REPLY_ATT = {("invoice", 0): "invoice_pdf", ("invoice", 1): "hours_csv", ("claim", 0): "photos",
             ("claim", 1): "police_pdf", ("policy_change", 0): "letter_pdf",
             ("job_application", 1): "diploma_pdf"}

CLIENTS = ["outlook", "outlook", "gmail", "gmail", "gmail", "apple", "thunderbird", "android"]


def fmt_quote_header(style, lang, name, addr, when, to=None, subject=None, forward=False):
    nl = lang == "nl"
    d = when
    hm = "%02d:%02d" % (d.hour, d.minute)
    if style == "outlook":
        if nl:
            sent = "%s %d %s %d %s" % (DAYS_NL[d.weekday()], d.day, MONTHS_NL[d.month - 1], d.year, hm)
            head = ("-----Oorspronkelijk bericht-----\n" if forward else "________________________________\n")
            return head + "Van: %s <%s>\nVerzonden: %s\nAan: %s\nOnderwerp: %s\n" % (name, addr, sent, to, subject)
        h12 = d.hour % 12 or 12
        sent = "%s, %s %d, %d %d:%02d %s" % (DAYS_EN[d.weekday()], MONTHS_EN[d.month - 1], d.day, d.year,
                                             h12, d.minute, "AM" if d.hour < 12 else "PM")
        head = "-----Original Message-----\n" if forward else "________________________________\n"
        return head + "From: %s <%s>\nSent: %s\nTo: %s\nSubject: %s\n" % (name, addr, sent, to, subject)
    if forward:
        if style == "apple":
            zone = "CEST" if d.utcoffset() == dt.timedelta(hours=2) else "CET"
            if nl:
                return ("Begin doorgestuurd bericht:\n\nVan: %s <%s>\nOnderwerp: %s\nDatum: %d %s %d om %s:%02d %s\nAan: %s\n"
                        % (name, addr, subject, d.day, MONTHS_NL[d.month - 1], d.year, hm, d.second, zone, to))
            return ("Begin forwarded message:\n\nFrom: %s <%s>\nSubject: %s\nDate: %d %s %d at %s:%02d %s\nTo: %s\n"
                    % (name, addr, subject, d.day, MONTHS_EN[d.month - 1], d.year, hm, d.second, zone, to))
        if nl:
            return ("---------- Doorgestuurd bericht ---------\nVan: %s <%s>\nDate: %s %d %s %d om %s\n"
                    "Subject: %s\nTo: <%s>\n" % (name, addr, DAYS_NL_ABBR[d.weekday()], d.day,
                                                 MONTHS_NL_ABBR[d.month - 1].rstrip("."), d.year, hm, subject, to))
        return ("---------- Forwarded message ---------\nFrom: %s <%s>\nDate: %s, %d %s %d at %s\n"
                "Subject: %s\nTo: <%s>\n" % (name, addr, DAYS_EN[d.weekday()][:3], d.day,
                                             MONTHS_EN[d.month - 1][:3], d.year, hm, subject, to))
    if style == "apple":
        if nl:
            return "Op %d %s %d om %s heeft %s <%s> het volgende geschreven:" % (
                d.day, MONTHS_NL_ABBR[d.month - 1], d.year, hm, name, addr)
        return "On %d %s %d, at %s, %s <%s> wrote:" % (d.day, MONTHS_EN[d.month - 1][:3], d.year, hm, name, addr)
    if style == "thunderbird":
        if nl:
            return "Op %02d-%02d-%d om %s schreef %s:" % (d.day, d.month, d.year, hm, name)
        return "On %02d/%02d/%d %s, %s wrote:" % (d.day, d.month, d.year, hm, name)
    if nl:  # gmail / android
        return "Op %d %s %d om %s schreef %s <%s>:" % (d.day, MONTHS_NL_ABBR[d.month - 1], d.year, hm, name, addr)
    return "On %s, %d %s %d at %s, %s <%s> wrote:" % (DAYS_EN[d.weekday()][:3], d.day, MONTHS_EN[d.month - 1][:3],
                                                      d.year, hm, name, addr)


def quote_block(text):
    return "\n".join(">" if not line else "> " + line for line in text.split("\n"))


def wrap_body(r, text):
    """Most clients wrap at ~72 columns; some send long lines."""
    return wrap_text(text) if r.random() < 0.65 else text


def mailbox_for(r, cat, lang):
    pref, weight = MAILBOX_PREF[cat]
    if r.random() < weight:
        box = r.choice(pref)
    elif r.random() < 0.6:
        box = r.choice(["info", "klantenservice"])
    else:
        box = r.choice(list(MAILBOXES))
    return box


ATT_WORDS = ("bijlage", "bijgevoegd", "bijgaand", "attach", "stuur ik mee", "enclosed", "meesturen",
             "zie bijlage", "see attached")
ATT_HINTS = {
    "doc": {"nl": ["Zie bijlage.", "In de bijlage vindt u de stukken.", "Ik heb het bestand bijgevoegd."],
            "en": ["See attached.", "Documents attached.", "I've attached the file."]},
    "photos": {"nl": ["Foto's in de bijlage.", "Ik heb een paar foto's bijgevoegd.", "Zie de foto's in de bijlage."],
               "en": ["Photos attached.", "I've attached a few photos.", "Please see the attached photos."]},
    "invoice_pdf": {"nl": ["De factuur is als pdf bijgevoegd.", "Zie bijlage.", "Factuur in de bijlage."],
                    "en": ["The invoice is attached as a PDF.", "See attached.", "Invoice attached."]},
    "screenshot": {"nl": ["Ik heb een schermafbeelding bijgevoegd."], "en": ["Screenshot attached."]},
    "cv": {"nl": ["Mijn cv zit in de bijlage.", "Bijgaand mijn cv."], "en": ["My CV is attached.", "CV attached."]},
}
ATT_HINTS["reminder_pdf"] = ATT_HINTS["credit_pdf"] = ATT_HINTS["invoice_pdf"]
ATT_HINTS["claim_form"] = ATT_HINTS["photos"]
# extra damping of optional attachments so that ~25% of the corpus has attachments
ATT_SCALE = {"invoice": 0.55, "claim": 0.75, "job_application": 0.75}
ATT_ALT = re.compile(r"\[\[(.*?)\|\|(.*?)\]\]", re.S)


def resolve_att(text, has_attachment):
    """'[[with attachment||without]]' segments pick the variant that fits."""
    return ATT_ALT.sub(lambda mo: mo.group(1) if has_attachment else mo.group(2), text)


def addr_str(name, addr):
    return str(Address(display_name=name, addr_spec=addr)) if name else addr


def compose(r, cat, lang, tpl_index):
    """Create one message description (dict) for category cat."""
    tpl = CATEGORY_TEMPLATES[cat][lang][tpl_index]
    moment = random_msg_datetime(r)
    who = tpl["who"]
    c = make_ctx(r, lang, moment, who)
    nl = lang == "nl"
    dept_nl, dept_en = DEPT[cat]
    fm = lambda s: s.format_map(c)  # noqa: E731

    # sender
    client = r.choice(CLIENTS)
    if who in ("customer",):
        from_name, from_addr = c["full"], c["email"]
        if r.random() < 0.1:
            from_name = c["first"] + " " + c["last"][0] + "."
    elif who == "system":
        client = "system"
        from_name = r.choice([c["co_short"], c["co_short"] + (" Facturatie" if nl else " Billing")])
        from_addr = r.choice(["noreply", "facturen" if nl else "billing", "no-reply", "invoices"]) + "@" + c["co_domain"]
    elif who == "staff":
        sf, sl = r.choice(STAFF)
        c["full"], c["first"] = f"{sf} {sl}", sf
        from_name, from_addr = c["full"], ascii_slug(f"{sf} {sl}") + "@" + OUR["domain"]
        client = "outlook"
    else:
        from_name, from_addr = c["contact_full"], c["contact_email"]
        if client in ("android", "apple") and r.random() < 0.7:
            client = "outlook"
    box = mailbox_for(r, cat, lang)
    to_name = MAILBOXES[box][0 if nl else 1] if r.random() < 0.5 else ""
    to_addr = box + "@" + OUR["domain"]

    subject = fm(r.choice(tpl["s"]))
    p_att = tpl["p"]
    if "[[" in tpl["b"] or not any(w in tpl["b"].lower() for w in ATT_WORDS):
        p_att *= ATT_SCALE.get(cat, 1.0)   # soft mention: attachment is optional
    att_kind = tpl["att"] if (tpl["att"] and r.random() < p_att) else None
    core = fm(resolve_att(tpl["b"], bool(att_kind)))
    if att_kind and not any(w in core.lower() for w in ATT_WORDS):
        core += "\n\n" + r.choice(ATT_HINTS.get(att_kind, ATT_HINTS["doc"])[lang])
    company_sender = who not in ("customer", "staff", "system")

    def closing_and_sig(short=False):
        parts = []
        if not short and who != "system" and r.random() < 0.5:
            parts.append(fm(r.choice(PRECLOSE[lang])))
        if who == "system":
            foot = "--\n%s | %s | %s" % (c["company"], c["co_addr"], c["website"])
            return "\n\n".join([*parts, foot])
        close = r.choice(CLOSE[lang])
        if who == "staff":
            sig = f"{c['full']}\n{OUR['short']}" + ("\nAfdeling Klantenservice" if nl else "\nCustomer Service")
        elif company_sender:
            sig = sig_company(r, c, lang, who)
        else:
            sig = sig_private(r, c, lang)
        if short and r.random() < 0.5 and not company_sender:
            sig = c["first"]
        parts.append(close + "\n" + ("\n" if r.random() < 0.6 else "") + sig)
        return "\n\n".join(parts)

    def greeting():
        reg = r.choice(["formal", "neutral", "neutral", "informal"] if not company_sender else ["formal", "neutral"])
        return r.choice(GREET[lang][reg]).format(dept=dept_nl if nl else dept_en, our=OUR["short"])

    if who == "system":
        body = core + "\n\n" + closing_and_sig()
    elif tpl["short"]:
        body = ((greeting() + "\n\n") if r.random() < 0.5 else "") + core + "\n\n" + closing_and_sig(short=True)
    else:
        paras = [greeting(), core]
        if tpl["s"][0] not in NO_EXTRA and (cat == "invoice") == (who != "customer"):
            n_extra = r.choice([1, 2, 2, 3, 3, 4] if cat == "job_application" else [0, 1, 1, 2, 2, 3])
            paras += [fm(x) for x in r.sample(EXTRA[cat][lang], n_extra)]
        if r.random() < 0.2 and who == "customer":
            paras.insert(1 if r.random() < 0.5 else 2, fm(r.choice(FILLER[lang])))
        body = "\n\n".join(paras) + "\n\n" + closing_and_sig()


    variant = "plain"
    in_reply_to = references = None
    roll = r.random()
    threads = REPLY_THREADS.get(cat, {}).get(lang, [])
    if who in ("customer", "supplier", "garage", "expert") and roll < 0.09 and threads:
        # reply to a message from the insurer
        variant = "reply"
        ti = r.randrange(len(threads))
        our_subj, our_body, reply = (fm(x) for x in threads[ti])
        sf, sl = r.choice(STAFF)
        staff_full = f"{sf} {sl}"
        staff_addr = r.choice([ascii_slug(staff_full) + "@" + OUR["domain"], to_addr])
        when = shift(moment, days=-r.randint(1, 9), minutes=-r.randint(0, 600))
        our_text = (("Beste " if nl else "Dear ") + (c["full"] if not company_sender else c["contact_full"])
                    + ",\n\n" + our_body + "\n\n" + sig_staff(lang, staff_full, dept_nl, dept_en))
        if (cat, ti) in GENERIC_THREADS and tpl["s"][0] not in NO_EXTRA and r.random() < 0.6:
            # our mail still carries the sender's original message below it
            first_when = shift(when, days=-r.randint(1, 6), minutes=-r.randint(0, 300))
            if r.random() < 0.5:
                our_text += "\n\n" + fmt_quote_header("outlook", lang, from_name, from_addr, first_when,
                                                       to_addr, subject) + "\n" + body
            else:
                our_text += ("\n\n" + fmt_quote_header("gmail", lang, from_name, from_addr, first_when)
                             + "\n" + quote_block(wrap_text(body)))
        quote_style = client if client != "system" else "outlook"
        greet = r.choice(["Beste %s," % sf, "Hallo %s," % sf, "Goedemiddag,", ""] if nl
                         else ["Dear %s," % sf, "Hi %s," % sf, "Hello,", ""])
        top = ((greet + "\n\n") if greet else "") + reply + "\n\n" + closing_and_sig(short=True)
        if quote_style == "outlook":
            quoted = fmt_quote_header("outlook", lang, staff_full, staff_addr, when, from_addr, our_subj) \
                + "\n" + our_text
        else:
            quoted = fmt_quote_header(quote_style, lang, staff_full, staff_addr, when) + "\n" + quote_block(wrap_text(our_text))
        body = top + "\n\n" + quoted
        prefix = r.choice(["Re: ", "RE: ", "Antw: " if nl else "Re: ", "Re: "])
        subject = prefix + our_subj
        in_reply_to = "<%s@%s>" % (rhex(r, 24, True), OUR["domain"])
        references = in_reply_to
        if staff_addr != to_addr:
            to_name, to_addr = staff_full, staff_addr
        att_kind = REPLY_ATT.get((cat, ti))
    elif who not in ("system", "staff") and roll < 0.17:
        # customer re-sends / follows up on own earlier message
        variant = "followup"
        levels = 2 if r.random() < 0.35 else 1      # sometimes a second reminder
        whens = sorted(shift(moment, days=-r.randint(3, 9) * (k + 1), minutes=-r.randint(0, 300))
                       for k in range(levels))
        style = client if client in ("outlook", "gmail", "apple", "thunderbird") else "gmail"
        quoted_subject = subject
        for k in range(levels):
            when = whens[k]                       # date of the message being quoted
            c["fu_date"] = fmt_date(when.date(), lang, r)
            note = fm(r.choice(FOLLOW_UP[lang]))
            top = note + "\n\n" + (r.choice(CLOSE[lang]) + "\n"
                                    + (from_name.split()[0] if r.random() < 0.5 else from_name))
            if style == "outlook":
                quoted = (fmt_quote_header("outlook", lang, from_name, from_addr, when, to_addr, quoted_subject)
                          + "\n" + body)
            else:
                quoted = (fmt_quote_header(style, lang, from_name, from_addr, when) + "\n"
                          + quote_block(wrap_body(r, body) if k == 0 else body))
            body = top + "\n\n" + quoted
            quoted_subject = "FW: " + subject
        in_reply_to = "<%s@%s>" % (rhex(r, 20), from_addr.split("@")[1])
        references = in_reply_to
        subject = r.choice(["FW: ", "Fwd: ", "Re: ", "Herinnering: " if nl else "Reminder: "]) + subject
    elif who not in ("staff",) and roll < 0.25:
        # internal colleague forwards to the right mailbox
        variant = "forward"
        when = shift(moment, days=-r.randint(0, 3), minutes=-r.randint(5, 400))
        sf, sl = r.choice(STAFF)
        fwd_lang = lang if r.random() < 0.75 else "nl"
        note = r.choice(FORWARD_NOTE[fwd_lang])
        style = r.choice(["outlook", "outlook", "gmail", "apple"])
        wrong_box = r.choice(["info", "klantenservice", "hr", "facturen", "schade"])
        header = fmt_quote_header(style, lang, from_name, from_addr, when,
                                  wrong_box + "@" + OUR["domain"], subject, forward=True)
        body = (note + "\n\n" + ("Groet,\n" if fwd_lang == "nl" else "Thanks,\n") + sf + "\n\n"
                + header + "\n" + body)
        subject = r.choice(["FW: ", "Fwd: ", "Doorst: " if nl else "FW: "]) + subject
        from_name, from_addr = f"{sf} {sl}", ascii_slug(f"{sf} {sl}") + "@" + OUR["domain"]
        client = "outlook"
        pref = MAILBOX_PREF[cat][0]
        to_addr = pref[0] + "@" + OUR["domain"]
        to_name = MAILBOXES[pref[0]][0 if nl else 1]

    body = wrap_body(r, body) if variant in ("plain",) else body
    atts = make_attachments(r, att_kind, c, lang, moment, subject, core) if att_kind else []

    cc = []
    if r.random() < 0.07 and not company_sender and who != "system":
        pf = c["partner_full"]
        cc.append(addr_str(pf, private_address(r, *pf.split(" ", 1), lang)))
    elif r.random() < 0.05:
        sf, sl = r.choice(STAFF)
        cc.append(addr_str(f"{sf} {sl}", ascii_slug(f"{sf} {sl}") + "@" + OUR["domain"]))

    return {
        "cat": cat, "lang": lang, "tpl": tpl_index, "variant": variant, "client": client,
        "date": moment, "from": addr_str(from_name, from_addr), "from_addr": from_addr,
        "to": addr_str(to_name, to_addr), "cc": cc, "subject": subject, "body": body,
        "attachments": atts, "in_reply_to": in_reply_to, "references": references,
        "html": r.random() < (0.6 if client == "system" else 0.16 if client != "thunderbird" else 0.05),
    }


# thin per-category wrappers (kept separate so categories can diverge later)
def gen_invoice(r, lang, i):
    return compose(r, "invoice", lang, i)


def gen_claim(r, lang, i):
    return compose(r, "claim", lang, i)


def gen_policy_change(r, lang, i):
    return compose(r, "policy_change", lang, i)


def gen_job_application(r, lang, i):
    return compose(r, "job_application", lang, i)


def gen_complaint(r, lang, i):
    return compose(r, "complaint", lang, i)


def gen_general_question(r, lang, i):
    return compose(r, "general_question", lang, i)


GENERATORS = {
    "invoice": gen_invoice, "claim": gen_claim, "policy_change": gen_policy_change,
    "job_application": gen_job_application, "complaint": gen_complaint,
    "general_question": gen_general_question,
}


# ---------------------------------------------------------------------------
# 7. MIME assembly
# ---------------------------------------------------------------------------

POLICY = policy.default.clone(linesep="\n")
B64CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+_-"
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
MAILERS = {
    "outlook": ["Microsoft Outlook 16.0", None, None],
    "apple": ["iPhone Mail (21D61)", "Apple Mail (2.3774.400.31)", "iPhone Mail (22B91)"],
    "thunderbird": [None],
    "gmail": [None],
    "android": ["K-9 Mail for Android", None],
}


def message_id(r, client, domain, moment):
    if client == "outlook":
        return "<%s%s@%s>" % (r.choice(["AM9PR07MB", "DB8PR02MB", "PAXPR10MB", "AS8PR04MB"]), rhex(r, 24, True), domain)
    if client == "gmail":
        return "<CA%s@%s>" % ("".join(r.choice(B64CHARS) for _ in range(46)), domain)
    if client == "apple":
        return "<%s@%s>" % (ruuid(r, True), domain)
    if client == "thunderbird":
        return "<%s@%s>" % (ruuid(r), domain)
    if client == "system":
        return "<%d.%d.JavaMail.mailer@%s>" % (int(moment.timestamp() * 1000), r.randint(10000, 99999), domain)
    return "<%s.%s@%s>" % (rhex(r, 16), rhex(r, 8), domain)


def boundary(r, client, n):
    if client == "outlook":
        return "_%03d_%s%sEURP_" % (n, r.choice(["AM9PR07MB", "DB8PR02MB"]), rhex(r, 12, True))
    if client == "gmail":
        return "000000000000" + rhex(r, 16)
    if client == "apple":
        return "Apple-Mail=_" + ruuid(r, True)
    if client == "thunderbird":
        return "------------" + "".join(r.choice(ALNUM) for _ in range(24))
    if client == "system":
        return "----=_Part_%d_%d.%d" % (r.randint(1, 9999), r.randint(10 ** 8, 10 ** 9), r.randint(10 ** 12, 10 ** 13))
    return "--==_mimepart_" + rhex(r, 14) + "_" + str(r.randint(1000, 9999))


def text_to_html(r, text, client, lang):
    """Render the plain text part as the HTML a mail client would send."""
    blocks, quote = [], []

    def flush_quote():
        if quote:
            inner = "<br>\n".join(html.escape(q[2:] if q.startswith("> ") else q[1:]) for q in quote)
            blocks.append('<blockquote type="cite" style="margin:0 0 0 .8ex;border-left:1px solid #ccc;'
                          'padding-left:1ex">%s</blockquote>' % inner)
            quote.clear()

    for para in text.split("\n\n"):
        lines = para.split("\n")
        plain = []
        for line in lines:
            if line.startswith(">"):
                if plain:
                    blocks.append("<br>\n".join(plain))
                    plain = []
                quote.append(line)
            else:
                flush_quote()
                plain.append(html.escape(line))
        flush_quote()
        if plain:
            blocks.append("<br>\n".join(plain))
    if client == "outlook":
        head = ('<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>\n'
                '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n'
                '<style><!--\np.MsoNormal, li.MsoNormal, div.MsoNormal {margin:0cm; font-size:11.0pt; '
                'font-family:"Calibri",sans-serif;}\n--></style></head>\n'
                '<body lang="%s" link="#0563C1"><div class="WordSection1">\n' % ("NL" if lang == "nl" else "EN-GB"))
        body = "\n<p class=\"MsoNormal\">&nbsp;</p>\n".join('<p class="MsoNormal">%s</p>' % b for b in blocks)
        return head + body + "\n</div></body></html>\n"
    if client == "system":
        rows = "\n".join('<tr><td style="padding:8px 24px;font-family:Arial,sans-serif;font-size:14px">%s</td></tr>' % b
                         for b in blocks)
        return ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>%s</title></head>'
                '<body style="background:#f4f4f4;margin:0">\n<table role="presentation" width="100%%" '
                'cellpadding="0" cellspacing="0" style="max-width:600px;margin:0 auto;background:#fff">\n'
                '%s\n</table>\n<img src="https://track.example.com/o/%s.gif" width="1" height="1" alt="">'
                '</body></html>\n' % ("Factuur" if lang == "nl" else "Invoice", rows, rhex(r, 20)))
    inner = "\n<div><br></div>\n".join("<div>%s</div>" % b for b in blocks)
    return '<div dir="ltr">\n%s\n</div>\n' % inner


def pick_charset(r, text):
    """(charset, cte) - mostly utf-8, some iso-8859-1 / windows-1252."""
    long_lines = any(len(line) > 76 for line in text.split("\n"))
    roll = r.random()
    if roll < 0.12:
        charset = "iso-8859-1"
    elif roll < 0.18:
        charset = "windows-1252"
    elif roll < 0.24:
        charset = "us-ascii"
    else:
        charset = "utf-8"
    try:
        text.encode(charset)
    except UnicodeEncodeError:
        charset = "windows-1252" if charset == "iso-8859-1" else "utf-8"
        try:
            text.encode(charset)
        except UnicodeEncodeError:
            charset = "utf-8"
    if charset == "us-ascii":
        return charset, "7bit"
    roll = r.random()
    if long_lines:
        cte = "quoted-printable" if roll < 0.6 else "base64" if roll < 0.7 else "8bit"
    else:
        cte = "8bit" if roll < 0.55 else "quoted-printable" if roll < 0.92 else "base64"
    return charset, cte


def build_eml(r, m):
    domain = m["from_addr"].split("@")[1]
    msg = EmailMessage(policy=POLICY)
    recv = shift(m["date"], minutes=0)
    recv = recv + dt.timedelta(seconds=r.randint(2, 40))
    host = "%s%d.%s" % (r.choice(["mail", "smtp", "out", "mx"]), r.randint(1, 9), domain)
    ip = "%s.%d" % (r.choice(["192.0.2", "198.51.100", "203.0.113"]), r.randint(2, 250))
    msg["Received"] = ("from %s (%s [%s]) by mx1.%s (Postfix) with ESMTPS id %s for <%s>; %s"
                       % (host, host, ip, OUR["domain"], rhex(r, 10, True),
                          m["to"].split("<")[-1].rstrip(">"), format_datetime(recv)))
    msg["From"] = m["from"]
    msg["To"] = m["to"]
    if m["cc"]:
        msg["Cc"] = ", ".join(m["cc"])
    msg["Subject"] = m["subject"]
    msg["Date"] = format_datetime(m["date"])
    msg["Message-ID"] = message_id(r, m["client"], domain, m["date"])
    if m["in_reply_to"]:
        msg["In-Reply-To"] = m["in_reply_to"]
        msg["References"] = m["references"]
    mailer = r.choice(MAILERS.get(m["client"], [None]))
    if m["client"] == "thunderbird":
        msg["User-Agent"] = "Mozilla Thunderbird"
    elif m["client"] == "system":
        msg["X-Mailer"] = r.choice(["FactuurMailer 3.2", "InvoiceFlow/5.1", "BillingEngine 2.8"])
        msg["Auto-Submitted"] = "auto-generated"
    elif mailer:
        msg["X-Mailer"] = mailer
    if m["client"] == "outlook":
        msg["Thread-Topic"] = m["subject"]
        msg["Thread-Index"] = base64.b64encode(bytes(r.randrange(256) for _ in range(22))).decode()
        msg["Content-Language"] = "nl-NL" if m["lang"] == "nl" else r.choice(["en-GB", "en-US"])
    text = m["body"].rstrip("\n") + "\n"
    charset, cte = pick_charset(r, text)
    msg.set_content(text, charset=charset, cte=cte)
    if m["html"]:
        hcte = "quoted-printable" if r.random() < 0.8 else "base64"
        msg.add_alternative(text_to_html(r, text, m["client"], m["lang"]), subtype="html",
                            charset="utf-8", cte=hcte)
    for fn, data in m["attachments"]:
        maintype, subtype = MIME_TYPES[fn.rsplit(".", 1)[1].lower()]
        if maintype == "text":
            msg.add_attachment(data.decode("utf-8"), subtype=subtype, charset="utf-8",
                               cte=r.choice(["quoted-printable", "base64"]), filename=fn)
        else:
            msg.add_attachment(data, maintype, subtype, filename=fn)
        part = list(msg.iter_attachments())[-1]
        if m["client"] in ("outlook", "apple", "system") or r.random() < 0.5:
            part.set_param("name", fn)      # most clients repeat the name on Content-Type
    if m["attachments"] and r.random() < 0.5:
        msg.preamble = "This is a multi-part message in MIME format."
    n = 0
    for part in msg.walk():
        if part is not msg and "MIME-Version" in part:
            del part["MIME-Version"]
        if part.is_multipart():
            part.set_boundary(boundary(r, m["client"], n))
            n += 1
    return msg.as_bytes()


# ---------------------------------------------------------------------------
# 8. odd / deliberately broken messages (hand-assembled bytes)
# ---------------------------------------------------------------------------

def _lf(text):
    return text.replace("\r\n", "\n")


def odd_truncated_multipart(r):
    bnd = "----=_NextPart_000_0012_01DCAB12.3F4E5A60"
    c = make_ctx(r, "nl", dt.datetime(2026, 4, 14, 9, 12, 44, tzinfo=tz_for(dt.date(2026, 4, 14))), "supplier")
    c["inv_no"] = "2026-0413"
    pdf = make_pdf(invoice_lines(c, "nl", "invoice"), title="Factuur 2026-0413")
    b64 = base64.encodebytes(pdf).decode("ascii")
    cut = b64[: len(b64) // 2 + 17]           # stops in the middle of a line
    head = _lf(f"""Received: from mail.drukkerij-vandam.nl (mail.drukkerij-vandam.nl [198.51.100.23])
\tby mx1.example-verzekeringen.nl (Postfix) with ESMTPS id 4F1A2B3C4D;
\tTue, 14 Apr 2026 09:12:51 +0200
From: "Drukkerij Van Dam B.V." <administratie@drukkerij-vandam.nl>
To: facturen@example-verzekeringen.nl
Subject: Factuur 2026-0413
Date: Tue, 14 Apr 2026 09:12:44 +0200
Message-ID: <000001dcab12$3f4e5a60$bdeb0f20$@drukkerij-vandam.nl>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="{bnd}"
X-Mailer: Microsoft Outlook 16.0

This is a multi-part message in MIME format.

--{bnd}
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

Geachte heer/mevrouw,

Hierbij ontvangt u factuur 2026-0413 voor het drukwerk (briefpapier en
enveloppen) dat op 9 april is geleverd. Het totaalbedrag van {c['amount_incl']}
verzoeken wij u binnen 30 dagen over te maken op {c['sup_iban']}.

Met vriendelijke groet,

Ria Hoogland
Drukkerij Van Dam B.V.
Industrieweg 14, 3044 AS Rotterdam
T 010-4567890

--{bnd}
Content-Type: application/pdf; name="Factuur_2026-0413.pdf"
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename="Factuur_2026-0413.pdf"

""")
    return head.encode("utf-8") + cut.encode("ascii")


def odd_unknown_charset(r):
    head = _lf("""Received: from smtp2.home.nl (smtp2.home.nl [203.0.113.41])
\tby mx1.example-verzekeringen.nl (Postfix) with ESMTPS id 7C2D9E1F00;
\tMon, 09 Feb 2026 19:44:02 +0100
From: Henk Oosterhuis <h.oosterhuis@home.nl>
To: info@example-verzekeringen.nl
Subject: Vraag over premie en polisvoorwaarden
Date: Mon, 09 Feb 2026 19:43:57 +0100
Message-ID: <20260209194357.5512@home.nl>
MIME-Version: 1.0
Content-Type: text/plain; charset="x-unknown-klingon"
Content-Transfer-Encoding: 8bit
X-Mailer: Eudora Classic 7.1

""")
    body = ("Goedenavond,\n\nIk heb een vraag over de polisvoorwaarden van mijn woonverzekering. "
            "In artikel 4.2 staat\ndat schade door \"geleidelijk binnendringend vocht\" niet "
            "gedekt is. Geldt dat ook voor\neen lekkage die ik pas na weken ontdek? Ik lees het "
            "zo dat het dan nooit verzekerd is,\nen dat lijkt me vreemd.\n\nDaarnaast zag ik dat "
            "de premie per 1 maart met \u00e9\u00e9n procent omhoog gaat. Is dat\n"
            "ge\u00efndexeerd of komt dat door een schade? Ik heb geen idee.\n\n"
            "Met vriendelijke groet,\n\nHenk Oosterhuis\nCaf\u00e9 De Re\u00fcnie\nMarktplein 3, "
            "7811 AB Emmen\n")
    return head.encode("ascii") + body.encode("latin-1")


def odd_bad_charset_bytes(r):
    head = _lf("""Received: from mail-out.kpnmail.nl (mail-out.kpnmail.nl [198.51.100.77])
\tby mx1.example-verzekeringen.nl (Postfix) with ESMTPS id 9A8B7C6D5E;
\tThu, 21 May 2026 08:03:19 +0200
From: "Ren\xe9e Ko\xe7" <renee.koc@kpnmail.nl>
To: schade@example-verzekeringen.nl
Subject: Schademelding Citro\xebn C3 GB-123-K
Date: Thu, 21 May 2026 08:03:11 +0200
Message-ID: <6e4f3a21-9b0c-4d7e-a1f2-3c5d6e7f8a9b@kpnmail.nl>
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

""")
    body = ("Goedemorgen,\n\nGisteravond ben ik met mijn Citro\u00ebn C3 (GB-123-K) tegen een "
            "paaltje gereden bij het caf\u00e9\nop de Stationsweg in Zwolle. De voorbumper is "
            "gescheurd en \u00e9\u00e9n mistlamp is kapot.\nEr is verder niemand bij betrokken; ik "
            "heb wel de eigenaar van het caf\u00e9 ge\u00efnformeerd.\n\nMijn polisnummer is "
            "POL-2023-418876. Kan ik de auto naar een hersteller naar keuze\nbrengen, of moet "
            "het via jullie netwerk? Ik heb begrepen dat het eigen risico dan lager is.\n\n"
            "Met vriendelijke groet,\n\nRen\u00e9e Ko\u00e7\n06-41873302\n")
    # header and body are deliberately latin-1 while utf-8 is declared
    return head.encode("latin-1") + body.encode("latin-1")


def odd_no_body(r):
    return _lf("""Received: from mail.bosman-installatie.nl (mail.bosman-installatie.nl [192.0.2.88])
\tby mx1.example-verzekeringen.nl (Postfix) with ESMTPS id 1B2C3D4E5F;
\tWed, 07 Oct 2026 16:20:11 +0200
From: Installatietechniek Bosman <facturatie@bosman-installatie.nl>
To: facturen@example-verzekeringen.nl
Subject: Factuur F2026-1188
Date: Wed, 07 Oct 2026 16:20:04 +0200
Message-ID: <AM9PR07MB4C1D2E3F4A5B6C7D8E9F0A1B2C3@bosman-installatie.nl>
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 7bit

""").encode("ascii")


def odd_attachment_only(r):
    c = make_ctx(r, "nl", dt.datetime(2026, 6, 2, 21, 7, 30, tzinfo=tz_for(dt.date(2026, 6, 2))), "customer")
    c["full"], c["plate"] = "Joost Kuipers", "SX-482-N"
    lines = ["# Europees schadeformulier", "Datum ongeval: 1 juni 2026 17:40",
             "Plaats: Rotonde Beukenlaan / Parkweg, Deventer", "",
             "Voertuig A - kenteken: SX-482-N (Toyota Corolla)", "Bestuurder: Joost Kuipers",
             "Verzekeraar: Example Verzekeringen B.V., POL-2022-530917", "",
             "Voertuig B - kenteken: 7-KBF-03", "Bestuurder: Saskia Timmermans", "",
             "Toedracht: B verleende geen voorrang op de rotonde en raakte A aan de rechterzijde.",
             "Handtekening A: (getekend)   Handtekening B: (getekend)"]
    pdf = make_pdf(lines, title="Schadeformulier", compress=True, stamp="20260602210500")
    b64 = base64.encodebytes(pdf).decode("ascii")
    bnd = "Apple-Mail=_5F1B2E3A-9C4D-4E8F-A7B6-0D1C2B3A4F5E"
    return _lf(f"""Received: from mail.icloud.com (mail.icloud.com [203.0.113.9])
\tby mx1.example-verzekeringen.nl (Postfix) with ESMTPS id 2E3F4A5B6C;
\tTue, 02 Jun 2026 21:07:36 +0200
From: Joost Kuipers <joost.kuipers@icloud.com>
To: schade@example-verzekeringen.nl
Subject: Schadeformulier SX-482-N
Date: Tue, 02 Jun 2026 21:07:30 +0200
Message-ID: <5F1B2E3A-9C4D-4E8F-A7B6-0D1C2B3A4F5E@icloud.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="{bnd}"
X-Mailer: iPhone Mail (22B91)


--{bnd}
Content-Type: application/pdf; name="Scan 2 jun 2026.pdf"
Content-Disposition: attachment; filename="Scan 2 jun 2026.pdf"
Content-Transfer-Encoding: base64

{b64}
--{bnd}--
""").encode("ascii")


def odd_missing_headers(r):
    return _lf("""To: info@example-verzekeringen.nl
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

Nieuw bericht via het contactformulier op www.example-verzekeringen.nl

Naam: Annemiek Postma
E-mail: annemiek.postma@ziggo.nl
Telefoon: 06-52907431
Klantnummer: 4418207
Onderwerp: Overig

Bericht:
Goedemiddag, ik probeer al een paar dagen mijn polisblad van de
reisverzekering te downloaden in Mijn Example, maar ik krijg steeds een
witte pagina. Kunnen jullie het polisblad ook per e-mail sturen? We
vertrekken volgende week naar Kroatië.

Groet, Annemiek Postma

--
Dit bericht is automatisch verstuurd vanaf het contactformulier.
""").encode("utf-8")


def odd_html_only(r):
    return _lf("""Received: from mailer.kestrelcloud.example (mailer.kestrelcloud.example [192.0.2.201])
\tby mx1.example-verzekeringen.nl (Postfix) with ESMTPS id 3C4D5E6F7A;
\tSun, 01 Mar 2026 03:14:09 +0100
From: Kestrel Cloud Hosting <billing@kestrelcloud.example>
To: facturen@example-verzekeringen.nl
Subject: Your invoice KC-2026-00311 is available
Date: Sun, 01 Mar 2026 03:14:02 +0100
Message-ID: <1772331242000.48812.JavaMail.mailer@kestrelcloud.example>
MIME-Version: 1.0
Content-Type: text/html; charset="utf-8"
Content-Transfer-Encoding: 8bit
Auto-Submitted: auto-generated

<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Invoice KC-2026-00311</title>
<style type="text/css">
  body { margin:0; padding:0; background:#eef1f4; font-family: Arial, Helvetica, sans-serif; }
  .wrap { max-width:620px; margin:0 auto; background:#ffffff; }
  .amount { font-size:22px; font-weight:bold; color:#0b3d5c; }
  td.label { color:#667; width:45%; }
  @media only screen and (max-width:480px) { .wrap { width:100% !important; } }
</style>
<script type="text/javascript">
  window.dataLayer = window.dataLayer || [];
  function track(){ dataLayer.push({event:'invoice_open', id:'KC-2026-00311'}); }
  document.addEventListener('DOMContentLoaded', track);
</script>
</head>
<body>
<div style="display:none;max-height:0;overflow:hidden">Invoice KC-2026-00311 &ndash; &euro;&nbsp;1.047,42 due 31 March 2026&nbsp;&zwnj;&nbsp;&zwnj;</div>
<table class="wrap" role="presentation" cellpadding="0" cellspacing="0" border="0" width="100%">
  <tr><td style="padding:24px 32px;background:#0b3d5c;color:#fff;font-size:18px">Kestrel&nbsp;Cloud&nbsp;Hosting</td></tr>
  <tr><td style="padding:24px 32px">
    <p>Dear customer,</p>
    <p>Your monthly invoice for <b>Managed hosting plan&nbsp;&amp;&nbsp;Extra storage 500&nbsp;GB</b> is now available.</p>
    <table width="100%" cellpadding="6" cellspacing="0" border="0" style="border-collapse:collapse">
      <tr><td class="label">Invoice number</td><td>KC-2026-00311</td></tr>
      <tr><td class="label">Invoice date</td><td>1&nbsp;March&nbsp;2026</td></tr>
      <tr><td class="label">Due date</td><td>31&nbsp;March&nbsp;2026</td></tr>
      <tr><td class="label">Customer</td><td>Example Verzekeringen B.V. (#88214)</td></tr>
      <tr style="border-top:1px solid #dde"><td class="label">Subtotal</td><td>&euro;&nbsp;865,64</td></tr>
      <tr><td class="label">VAT 21%</td><td>&euro;&nbsp;181,78</td></tr>
      <tr><td class="label">Total</td><td class="amount">&euro;&nbsp;1.047,42</td></tr>
    </table>
    <p>Payment by bank transfer to <b>NL91ABNA0417164300</b>, quoting KC-2026-00311.</p>
    <p style="text-align:center"><a href="https://portal.kestrelcloud.example/invoices/KC-2026-00311" style="background:#f39200;color:#fff;padding:12px 20px;text-decoration:none">View&nbsp;invoice&nbsp;&raquo;</a></p>
  </td></tr>
  <tr><td style="padding:16px 32px;font-size:11px;color:#999">Kestrel Cloud Hosting &middot; this is an automated message, please do not reply &middot; &copy;&nbsp;2026</td></tr>
</table>
<img src="https://track.kestrelcloud.example/open/9f3c2a.gif" width="1" height="1" alt="" style="display:block">
</body>
</html>
""").encode("utf-8")


def odd_base64_garbage(r):
    good = base64.b64encode(
        b"Geachte heer/mevrouw,\n\nHierbij dien ik een klacht in over de afhandeling van mijn "
        b"schade SCH-2026-17734. Al zes weken wacht ik op een reactie.\n").decode("ascii")
    lines = [good[i:i + 76] for i in range(0, len(good), 76)]
    lines += ["SGllciBnYWF0IGll!!ZHMgbWlz#$%^&*()ZG9vcg==QmVsIG1pag==",
              "ÿþ~~~@@@@\\\\====xyz",
              "VGhpcyBpcyBub3QgdmFsaWQgYmFzZTY0IGF0IGFsbC4u.",
              "A"]
    head = _lf("""Received: from smtp.casema.nl (smtp.casema.nl [203.0.113.150])
\tby mx1.example-verzekeringen.nl (Postfix) with ESMTPS id 5E6F7A8B9C;
\tFri, 24 Jul 2026 11:52:40 +0200
From: Gert-Jan Verbeek <gj.verbeek@casema.nl>
To: klachten@example-verzekeringen.nl
Subject: Klacht afhandeling schade SCH-2026-17734
Date: Fri, 24 Jul 2026 11:52:33 +0200
Message-ID: <20260724115233.GA18422@casema.nl>
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: base64

""")
    return head.encode("ascii") + "\n".join(lines).encode("latin-1") + b"\n"


def odd_encoded_words(r):
    subj1 = "Be\u00ebindiging polis POL-2024-123456 en adreswijziging"
    subj_q = "=?iso-8859-1?Q?" + "".join(
        ch if (ch.isalnum() and ord(ch) < 128) or ch in "-" else ("_" if ch == " " else "=%02X" % ord(ch))
        for ch in subj1) + "?="
    subj2 = " (verhuizing naar Zo\u00eb's nieuwe woning)"
    subj_b = "=?utf-8?B?" + base64.b64encode(subj2.encode("utf-8")).decode("ascii") + "?="
    from_b = "=?utf-8?B?" + base64.b64encode("Zo\u00eb Brouwer-\u00c7elik".encode("utf-8")).decode("ascii") + "?="
    org_q = "=?iso-8859-1?Q?Ren=E9e_van_der_Linden?="
    body = ("Beste medewerker van Polisservice,\n\nPer 1 september verhuizen mijn partner en ik naar de "
            "Jacob van Lennepkade 212-II, 1053 MS Amsterdam. Wilt u dit adres doorvoeren op onze "
            "woonverzekering (POL-2024-123456)?\n\nDe opstalverzekering voor ons huidige huis aan de "
            "Burgemeester de Bru\u00efnelaan 8 in Zeist mag per de overdrachtsdatum worden be\u00ebindigd. "
            "De notaris heeft die datum vastgesteld op 28 augustus.\n\nMet vriendelijke groet,\n\n"
            "Zo\u00eb Brouwer-\u00c7elik\n")
    qp = "\n".join(_qp_line(line) for line in body.split("\n"))
    head = _lf(f"""Received: from mail.ziggo.nl (mail.ziggo.nl [198.51.100.5])
\tby mx1.example-verzekeringen.nl (Postfix) with ESMTPS id 6F7A8B9C0D;
\tMon, 17 Aug 2026 20:31:15 +0200
From: {from_b} <zoe.brouwer@ziggo.nl>
Cc: {org_q} <renee.vdlinden@ziggo.nl>
To: polisservice@example-verzekeringen.nl
Subject: {subj_q}
 {subj_b}
Date: Mon, 17 Aug 2026 20:31:09 +0200
Message-ID: <a1b2c3d4e5f6.20260817203109@ziggo.nl>
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: quoted-printable

""")
    return head.encode("ascii") + qp.encode("ascii") + b"\n"


def _qp_line(line, width=75):
    """Quoted-printable encode one line (utf-8), soft-wrapping at width."""
    out, cur = [], ""
    for ch in line:
        enc = "".join("=%02X" % b for b in ch.encode("utf-8")) if (ord(ch) > 126 or ch == "=") else ch
        if len(cur) + len(enc) > width:
            out.append(cur + "=")
            cur = ""
        cur += enc
    out.append(cur)
    return "\n".join(out)


def odd_nested_forward(r):
    inner = EmailMessage(policy=POLICY)
    inner["From"] = str(Address("Marloes Hendriks", addr_spec="marloes.hendriks@planet.nl"))
    inner["To"] = "info@dewit-assurantien.nl"
    inner["Subject"] = "Waterschade keuken - wat nu?"
    inner["Date"] = "Sat, 12 Sep 2026 10:41:27 +0200"
    inner["Message-ID"] = "<CAJx7dq3KpQ0vFfJ2bW8nLtH1mEo5sR9yZcUaG4iXwB6@planet.nl>"
    inner.set_content(
        "Hallo Bas,\n\nVanochtend stond onze keuken blank. De slang van de vaatwasser is losgeschoten "
        "terwijl\nwe boodschappen deden. Het laminaat is kromgetrokken en de onderkastjes zijn nat.\n\n"
        "Kun jij dit doorgeven aan de verzekeraar? Onze polis is POL-2021-774310.\nIk heb wat foto's "
        "gemaakt, zie bijlage.\n\nGroetjes,\nMarloes Hendriks\nOranjestraat 41, 7411 KL Deventer\n",
        charset="utf-8", cte="quoted-printable")
    inner.add_attachment(make_jpeg(r, 6, 4), "image", "jpeg", filename="IMG_20260912_1022.jpg")
    for part in inner.walk():
        if part.is_multipart():
            part.set_boundary("00000000000071c2a5062f1e8d3b")
    inner_bytes = inner.as_bytes()
    bnd = "_004_AM9PR07MB7C1E2D3F4A5BEURP_"
    head = _lf(f"""Received: from mail.dewit-assurantien.nl (mail.dewit-assurantien.nl [192.0.2.61])
\tby mx1.example-verzekeringen.nl (Postfix) with ESMTPS id 7A8B9C0D1E;
\tMon, 14 Sep 2026 08:47:12 +0200
From: Bas de Wit <bas@dewit-assurantien.nl>
To: schade@example-verzekeringen.nl
Subject: FW: Waterschade keuken - wat nu?
Date: Mon, 14 Sep 2026 08:47:05 +0200
Message-ID: <AM9PR07MB7C1E2D3F4A5B6C7D8E9F0A1@dewit-assurantien.nl>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="{bnd}"
X-Mailer: Microsoft Outlook 16.0
Content-Language: nl-NL

--{bnd}
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

Goedemorgen,

In de bijlage een melding van onze relatie mevrouw Hendriks (POL-2021-774310),
waterschade in de keuken door een losgeschoten vaatwasserslang. Graag een
schadenummer en, gezien de omvang, een expert.

Met vriendelijke groet,

Bas de Wit
Assurantiekantoor De Wit
T 0570-612345

--{bnd}
Content-Type: message/rfc822
Content-Disposition: attachment; filename="Waterschade keuken - wat nu.eml"

""")
    tail = _lf(f"""
--{bnd}--
""")
    return head.encode("utf-8") + inner_bytes + tail.encode("ascii")


def odd_binary_junk(r):
    out = bytearray(b"PK\x03\x04\x14\x00\x00\x00\x08\x00")
    block = b"mailroute-binary-junk"
    while len(out) < 3072:
        block = zlib.compress(block + bytes([len(out) & 0xFF]))[-32:]
        out += block
    return bytes(out[:3072])


ODD_FILES = [
    ("truncated-multipart.eml", odd_truncated_multipart,
     "multipart/mixed supplier invoice whose PDF part stops halfway through a base64 line; "
     "the closing boundary is missing."),
    ("unknown-charset.eml", odd_unknown_charset,
     "text/plain with `charset=\"x-unknown-klingon\"`; the 8-bit body is really latin-1 "
     "(é, ë, ï, ü), so `get_content()` raises LookupError."),
    ("bad-charset-bytes.eml", odd_bad_charset_bytes,
     "declares charset=utf-8 but body and From/Subject headers contain raw latin-1 bytes "
     "(`\\xe9`, `\\xeb`, `\\xef`, `\\xe7`) that are invalid UTF-8."),
    ("no-body.eml", odd_no_body,
     "headers only, then the blank line, then nothing (an invoice mail whose attachment was forgotten)."),
    ("attachment-only.eml", odd_attachment_only,
     "multipart/mixed containing only a PDF (scanned claim form), no text part at all."),
    ("missing-headers.eml", odd_missing_headers,
     "web-form mail with no From, Date, Message-ID or Subject; only To, MIME-Version and "
     "Content-Type/Transfer-Encoding headers, then the body."),
    ("html-only.eml", odd_html_only,
     "text/html only (no text/plain alternative) with `<style>`, `<script>`, nested tables, a "
     "hidden preheader, a tracking pixel and `&nbsp;`/`&euro;`/`&zwnj;` entities."),
    ("base64-garbage.eml", odd_base64_garbage,
     "Content-Transfer-Encoding: base64 where the first lines are valid and the rest contains "
     "characters outside the base64 alphabet, stray padding and a truncated quantum."),
    ("encoded-words.eml", odd_encoded_words,
     "RFC 2047 encoded Subject (iso-8859-1 Q-word followed by a folded utf-8 B-word), From "
     "display name (utf-8 B) and Cc name (iso-8859-1 Q) with Dutch diacritics; QP body."),
    ("nested-forward.eml", odd_nested_forward,
     "broker forward: multipart/mixed with a text part plus a message/rfc822 part that itself "
     "is a multipart message with a JPEG attachment."),
    ("empty-file.eml", lambda r: b"", "0 bytes."),
    ("binary-junk.eml", odd_binary_junk,
     "3072 deterministic non-mail bytes starting with a ZIP local-file signature (a mis-saved "
     "attachment)."),
]
ODD_CATEGORY = {  # what a human would file these under (for the seeded inbox); None = unknown
    "truncated-multipart.eml": "invoice", "unknown-charset.eml": "general_question",
    "bad-charset-bytes.eml": "claim", "no-body.eml": "invoice", "attachment-only.eml": "claim",
    "missing-headers.eml": "general_question", "html-only.eml": "invoice",
    "base64-garbage.eml": "complaint", "encoded-words.eml": "policy_change",
    "nested-forward.eml": "claim", "empty-file.eml": None, "binary-junk.eml": None,
}


def write_odd():
    ODD.mkdir(parents=True)
    rows = []
    for name, fn, why in ODD_FILES:
        data = fn(random.Random("%d:odd:%s" % (SEED, name)))
        (ODD / name).write_bytes(data)
        rows.append((name, why))
    lines = ["# samples/odd", "",
             "Deliberately broken or unusual messages for parser robustness tests and the",
             "seeded demo inbox. Each one still carries realistic content. Generated by",
             "`samples/generate.py` (do not edit by hand; edit the generator and re-run).", "",
             "| file | likely category | what is odd |", "| --- | --- | --- |"]
    for name, why in rows:
        lines.append("| `%s` | %s | %s |" % (name, ODD_CATEGORY[name] or "-", why))
    lines.append("")
    (ODD / "README.md").write_text("\n".join(lines), encoding="utf-8")


# ---------------------------------------------------------------------------
# 9. main
# ---------------------------------------------------------------------------

def main():
    random.seed(SEED)  # guard: nothing should use the global RNG, but make it fixed anyway
    for d in (CORPUS, ODD):
        if d.exists():
            shutil.rmtree(d)
    CORPUS.mkdir(parents=True)
    manifest = [("path", "category", "language", "variant", "attachments", "bytes")]
    seen_ids = set()
    for cat, n in COUNTS.items():
        crng = random.Random("%d:%s" % (SEED, cat))
        n_nl = round(n * DUTCH_SHARE)
        langs = ["nl"] * n_nl + ["en"] * (n - n_nl)
        crng.shuffle(langs)
        decks = {}
        for lang in ("nl", "en"):
            need = langs.count(lang)
            deck = []
            while len(deck) < need:
                idx = list(range(len(CATEGORY_TEMPLATES[cat][lang])))
                crng.shuffle(idx)
                deck += idx
            decks[lang] = deck[:need]
        msgs = []
        pos = {"nl": 0, "en": 0}
        for i, lang in enumerate(langs):
            r = random.Random("%d:%s:%d" % (SEED, cat, i))
            m = GENERATORS[cat](r, lang, decks[lang][pos[lang]])
            pos[lang] += 1
            m["rng"] = r
            msgs.append(m)
        msgs.sort(key=lambda m: (m["date"].astimezone(dt.UTC), m["subject"]))
        folder = CORPUS / cat
        folder.mkdir()
        for k, m in enumerate(msgs, 1):
            data = build_eml(m["rng"], m)
            mid = str(__import__("email").message_from_bytes(data, policy=POLICY)["Message-ID"])
            assert mid not in seen_ids, mid
            seen_ids.add(mid)
            name = "%03d.eml" % k
            (folder / name).write_bytes(data)
            manifest.append(("corpus/%s/%s" % (cat, name), cat, m["lang"], m["variant"],
                             str(len(m["attachments"])), str(len(data))))
    write_odd()
    for name, _, _ in ODD_FILES:
        manifest.append(("odd/" + name, ODD_CATEGORY[name] or "", "", "odd", "",
                         str((ODD / name).stat().st_size)))
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(manifest)
    MANIFEST.write_text(buf.getvalue(), encoding="utf-8")

    # summary
    print("%-18s %5s %5s %5s %6s" % ("category", "nl", "en", "total", "w/att"))
    tot = [0, 0, 0, 0]
    for cat in COUNTS:
        rows = [row for row in manifest[1:] if row[1] == cat and row[3] != "odd"]
        nl_ = sum(1 for row in rows if row[2] == "nl")
        en_ = sum(1 for row in rows if row[2] == "en")
        att = sum(1 for row in rows if row[4] != "0")
        print("%-18s %5d %5d %5d %6d" % (cat, nl_, en_, len(rows), att))
        tot = [tot[0] + nl_, tot[1] + en_, tot[2] + len(rows), tot[3] + att]
    print("%-18s %5d %5d %5d %6d" % ("total", *tot))
    return 0


if __name__ == "__main__":
    sys.exit(main())
