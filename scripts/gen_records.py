"""Write N synthetic but realistic NCJRS-like records as CSL-JSON (for the library benchmark).

    python scripts/gen_records.py 235000 -o /tmp/records.json [--seed 6]

Each record has a title, an annotation (one or two sentences), an abstract of 150 to 250
words, personal and/or corporate authors, an issue date and, for most records, an NCJ
number in CSL's ``number`` field ("NCJ 123456"), as NCJRS exports give it. The same seed
always gives the same file. Abstracts are built from pools of sentences generated up
front, so 235,000 records take seconds, not minutes.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

TOPICS = [
    "juvenile justice", "community policing", "drug courts", "human trafficking", "domestic violence",
    "sexual assault", "victim services", "prisoner reentry", "probation supervision", "parole revocation",
    "gang violence", "school safety", "cybercrime", "identity theft", "forensic DNA analysis",
    "body-worn cameras", "police use of force", "restorative justice", "sentencing reform",
    "pretrial detention", "jail overcrowding", "substance abuse treatment", "opioid misuse",
    "mental health courts", "elder abuse", "child maltreatment", "firearm violence", "terrorism prevention",
    "crime mapping", "hot spots policing", "wrongful convictions", "eyewitness identification",
    "correctional education", "solitary confinement", "recidivism", "bail reform", "tribal justice",
    "rural crime", "white-collar crime", "money laundering", "stalking", "dating violence",
    "crime laboratories", "courtroom security", "jury decisionmaking", "indigent defense",
    "violence against women", "missing children", "hate crimes", "school resource officers",
    "methamphetamine production", "prescription drug monitoring", "offender classification",
    "electronic monitoring", "community corrections", "delinquency prevention", "mentoring programs",
    "police recruitment", "officer wellness", "crisis intervention teams", "victim compensation",
]
SETTINGS = [
    "urban jurisdictions", "rural counties", "State prisons", "county jails", "juvenile detention centers",
    "tribal communities", "large police departments", "small and midsize agencies", "problem-solving courts",
    "federal districts", "public schools", "community-based programs", "metropolitan areas",
    "correctional facilities in three States", "border regions", "college campuses",
]
PLACES = [
    "California", "Texas", "New York", "Florida", "Illinois", "Ohio", "Michigan", "Georgia", "Arizona",
    "Washington", "Oregon", "Minnesota", "Colorado", "Virginia", "Maryland", "Pennsylvania",
    "Massachusetts", "New Mexico", "Alaska", "Hawaii", "Canada", "England and Wales", "Australia",
    "the Netherlands", "Germany", "South Africa", "Brazil", "Japan",
]
DOCTYPES = ["report", "study", "evaluation", "guide", "bulletin", "article", "monograph", "fact sheet"]
METHODS = [
    "a randomized controlled trial", "a quasi-experimental design", "semi-structured interviews",
    "a national survey", "administrative records", "focus groups", "a multisite process evaluation",
    "a cost-benefit analysis", "longitudinal cohort data", "a systematic review", "court case files",
    "geographic information systems", "official arrest data", "self-report questionnaires",
]
PARTICIPANTS = [
    "offenders", "victims", "police officers", "probation officers", "judges", "prosecutors",
    "youth", "families", "correctional staff", "program administrators", "service providers", "inmates",
]
OUTCOMES = [
    "rearrest rates", "reconviction", "program completion", "victim satisfaction", "officer injuries",
    "citizen complaints", "case processing time", "drug use", "school attendance", "employment",
    "housing stability", "clearance rates", "calls for service", "technical violations", "costs",
]
FINDINGS = [
    "participants had significantly lower {o} than the comparison group",
    "the program reduced {o} by {p} percent over {n} months",
    "{o} did not differ significantly between the groups",
    "implementation fidelity was strongly associated with {o}",
    "agencies that adopted the model reported improvements in {o}",
    "effects on {o} were largest for high-risk {r}",
    "{p} percent of {r} reported changes in {o}",
]
RECOMMEND = [
    "training for {r}", "information sharing among agencies", "sustained funding", "further evaluation",
    "standardized data collection", "partnerships with community organizations", "clear written policies",
    "screening and assessment tools", "culturally appropriate services", "supervision of {r}",
]
CORPORATE = [
    "National Institute of Justice", "Bureau of Justice Statistics", "Office for Victims of Crime",
    "Office of Juvenile Justice and Delinquency Prevention", "Bureau of Justice Assistance",
    "RAND Corporation", "Urban Institute", "Vera Institute of Justice", "Police Executive Research Forum",
    "National Center for State Courts", "United Nations Office on Drugs and Crime",
    "International Association of Chiefs of Police", "National Criminal Justice Association",
    "Council of State Governments Justice Center", "American Probation and Parole Association",
]
FAMILY = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez "
    "Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark "
    "Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams "
    "Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker "
    "Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper "
    "Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James "
    "Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez "
    "Weisburd Sherman Braga Petersilia Tonry Sampson Laub Piquero Farrington Blumstein Nagin Cullen"
).split()
GIVEN = (
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan "
    "Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy Matthew Betty Anthony Sandra "
    "Mark Margaret Donald Ashley Steven Kimberly Paul Emily Andrew Donna Joshua Michelle Kenneth Carol "
    "Kevin Amanda Brian Dorothy George Melissa Timothy Deborah Ronald Stephanie Edward Rebecca Jason "
    "Sharon Jeffrey Laura Ryan Cynthia Jacob Kathleen Gary Amy Nicholas Angela Eric Shirley Jonathan Anna"
).split()
TITLE_FORMS = [
    "{T}: {S}", "{T} in {G}", "Evaluation of {t} Programs in {P}", "{T} and {t2}: {S}",
    "Understanding {t} Among {R}", "{T}: Findings From {M}", "Assessing {t} in {G}",
    "A Guide to {t} for {R}", "{T}, {y1}-{y2}", "The Effects of {t} on {O}",
]
SUBTITLES = [
    "A National Assessment", "Lessons Learned", "Final Report", "Research in Brief", "A Process Evaluation",
    "Promising Practices", "Implications for Policy", "Results From a Multisite Study", "An Overview",
    "Special Report", "Issues and Practices", "A Review of the Evidence",
]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


def _title_case(text: str) -> str:
    small = {"a", "an", "and", "the", "of", "in", "on", "for", "to", "from", "among", "by", "with"}
    words = text.split(" ")
    return " ".join(w if (i and w in small) else w[:1].upper() + w[1:] for i, w in enumerate(words))


class _Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.sentences = [self._sentence() for _ in range(40_000)]
        self.used_ncj: set[int] = set()
        self.used_keys: set[tuple] = set()

    def _fill(self, template: str) -> str:
        r = self.rng
        return template.format(
            o=r.choice(OUTCOMES), p=r.randint(5, 60), n=r.choice((6, 12, 18, 24, 36)),
            r=r.choice(PARTICIPANTS), t=r.choice(TOPICS),
        )

    def _sentence(self) -> str:
        r = self.rng
        kind = r.randrange(9)
        if kind == 0:
            return (f"This {r.choice(DOCTYPES)} examines {r.choice(TOPICS)} in {r.choice(SETTINGS)}, "
                    f"with attention to {r.choice(TOPICS)} and {r.choice(OUTCOMES)}.")
        if kind == 1:
            return (f"Data were collected through {r.choice(METHODS)} involving {r.randint(12, 4000)} "
                    f"{r.choice(PARTICIPANTS)} in {r.choice(PLACES)} between {r.randint(1980, 2005)} and "
                    f"{r.randint(2006, 2023)}.")
        if kind == 2:
            return f"Findings indicate that {self._fill(r.choice(FINDINGS))}."
        if kind == 3:
            return (f"The {r.choice(DOCTYPES)} also describes how {r.choice(PARTICIPANTS)} and "
                    f"{r.choice(PARTICIPANTS)} coordinate responses to {r.choice(TOPICS)}.")
        if kind == 4:
            return (f"Recommendations address {self._fill(r.choice(RECOMMEND))}, "
                    f"{self._fill(r.choice(RECOMMEND))}, and {self._fill(r.choice(RECOMMEND))}.")
        if kind == 5:
            return (f"Analyses controlled for age, gender, prior {r.choice(OUTCOMES)}, and the "
                    f"characteristics of {r.choice(SETTINGS)}.")
        if kind == 6:
            return (f"Interviews with {r.choice(PARTICIPANTS)} revealed barriers related to "
                    f"{r.choice(TOPICS)}, staffing, and {r.choice(OUTCOMES)}.")
        if kind == 7:
            return (f"Compared with {r.choice(SETTINGS)}, {r.choice(SETTINGS)} reported higher "
                    f"{r.choice(OUTCOMES)} and fewer resources for {r.choice(TOPICS)}.")
        return (f"The discussion considers the implications of {r.choice(TOPICS)} for "
                f"{r.choice(PARTICIPANTS)}, policymakers, and researchers in {r.choice(PLACES)}.")

    def _abstract(self) -> str:
        r = self.rng
        target = r.randint(150, 250)
        parts: list[str] = []
        words = 0
        while words < target:
            s = r.choice(self.sentences)
            parts.append(s)
            words += s.count(" ") + 1
        return " ".join(parts)

    def _title(self) -> str:
        r = self.rng
        t, t2 = r.sample(TOPICS, 2)
        y1 = r.randint(1975, 2015)
        text = r.choice(TITLE_FORMS).format(
            T=t, t=t, t2=t2, S=r.choice(SUBTITLES), G=r.choice(SETTINGS), P=r.choice(PLACES),
            R=r.choice(PARTICIPANTS), M=r.choice(METHODS), O=r.choice(OUTCOMES), y1=y1, y2=y1 + r.randint(1, 10),
        )
        return _title_case(text)

    def _authors(self) -> list[dict]:
        r = self.rng
        roll = r.random()
        if roll < 0.25:
            return [{"literal": r.choice(CORPORATE)}]
        if roll < 0.33:
            return []
        people = [{"family": r.choice(FAMILY), "given": f"{r.choice(GIVEN)} {chr(65 + r.randrange(26))}."}
                  for _ in range(r.choice((1, 1, 2, 2, 3, 4)))]
        if roll > 0.9:
            people.append({"literal": r.choice(CORPORATE)})
        return people

    def record(self, index: int) -> dict:
        r = self.rng
        year = r.randint(1975, 2024)
        month = r.randint(1, 12)
        pages = r.choice((4, 8, 12, 16, 24, 36, 48, 64, 96, 120, 180, 240))
        authors = self._authors()
        while True:  # title, authors and year identify a reference: keep every record distinct
            title = self._title()
            key = (title, repr(authors), year)
            if key not in self.used_keys:
                self.used_keys.add(key)
                break
        item: dict = {"id": f"gen-{index}", "type": "report", "title": title}
        if authors:
            item["author"] = authors
        item["issued"] = {"date-parts": [[year, month]]}
        item["number-of-pages"] = str(pages)
        item["annotation"] = (f"This {r.choice(DOCTYPES)} presents {r.choice(TOPICS)} research "
                              f"conducted in {r.choice(SETTINGS)} and discusses {r.choice(OUTCOMES)}. "
                              + r.choice(self.sentences))
        item["abstract"] = self._abstract()
        if r.random() < 0.9:  # most NCJRS records carry an NCJ number; some imports do not
            while True:
                ncj = r.randint(10_000, 999_999)
                if ncj not in self.used_ncj:
                    self.used_ncj.add(ncj)
                    break
            item["number"] = f"NCJ {ncj}"
            item["publisher"] = "National Criminal Justice Reference Service"
        return item


def generate(count: int, seed: int = 6) -> list[dict]:
    gen = _Generator(seed)
    return [gen.record(i) for i in range(count)]


def write(path: Path, count: int, seed: int = 6) -> None:
    items = generate(count, seed)
    with open(path, "w", encoding="utf-8") as f:
        f.write("[\n")
        for i, item in enumerate(items):
            f.write(json.dumps(item, ensure_ascii=False))
            f.write(",\n" if i + 1 < len(items) else "\n")
        f.write("]\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args(argv)
    write(args.output, args.count, args.seed)
    print(f"wrote {args.count} records to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
