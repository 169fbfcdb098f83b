"""Demo data: an Itä-Lappi elinvoimapaja. A finished sample evening (participants from five
municipalities, a poll, a word cloud, questions to the panel, a mixed round and the home round with
notes, votes and top 3s, plans, feedback and registrations) and an empty workshop to run live, for one demo facilitator.

Everything goes through the real services, as if people had used the pages. Running it again replaces
the demo facilitator's two demo workshops: nothing is duplicated, and no second facilitator is made.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from workshop.accounts.service import create_facilitator, hash_password
from workshop.campaigns import service as campaigns
from workshop.feedback import service as feedback
from workshop.flipchart import service as flipchart
from workshop.grouping import service as rounds
from workshop.grouping.service import RoundSettings
from workshop.models import Facilitator
from workshop.plans import service as plans
from workshop.polls import service as polls
from workshop.qa import service as qa
from workshop.registration import service as registration
from workshop.registration.service import RegistrationData
from workshop.results import service as results
from workshop.sessions import service as sessions
from workshop.sessions.service import JoinData, SessionSpec, ThemeSpec

DEMO_EMAIL = "demo@paja.invalid"
SAMPLE_TITLE = "Esimerkki: Itä-Lapin elinvoimapaja syksyllä"

DEMO_SPEC = {
    "title": "Itä-Lapin elinvoimapaja: järjestöt ja kunnat yhdessä",
    "host_municipality": "320",  # Kemijärvi
    "municipalities": ["320", "583", "614", "732", "742"],  # Kemijärvi, Pelkosenniemi, Posio, Salla, Savukoski
    "themes": [
        ThemeSpec("Osaaminen ja koulutus", [
            "Mihin järjestöjen digiosaamisessa kannattaa keskittyä ensimmäisenä?",
            "Millaista koulutusta ja vertaistukea järjestöt tarvitsevat?",
        ]),
        ThemeSpec("Järjestöjen yhteinen verkosto", [
            "Voisiko Itä-Lapissa toimia järjestöjen yhteinen verkosto? Kuka sitä koordinoisi?",
            "Miten jaamme osaamista kuntarajojen yli ilman päällekkäistä työtä?",
        ]),
        ThemeSpec("Kunnan ja järjestöjen yhteistyö", [
            "Miten järjestöt pääsevät mukaan kunnan hyvinvointisuunnitteluun?",
            "Millaisia tiloja ja avustuksia kunta voi tarjota järjestöille?",
        ]),
        ThemeSpec("Viestintä ja näkyvyys", [
            "Miten tavoitamme uudet vapaaehtoiset ja nuoret?",
            "Miten kerromme järjestöjen toiminnasta yhteisessä tapahtumakalenterissa?",
        ]),
    ],
    "agenda": [
        ("Tervetuloa ja kahvit", 15),
        ("Tietoisku: elinvoima ja järjestöt", 35),
        ("Ryhmätyö teemoittain", 60),
        ("Kuntien omat suunnitelmat", 30),
        ("Tulosten esittely ja palaute", 10),
    ],
}

# (first name, municipality, background, organisation)
PEOPLE = [
    ("Aino", "320", "ngo", "Kemijärven Martat"), ("Eero", "320", "officer", "Kemijärven kaupunki"),
    ("Helmi", "320", "elected", None), ("Jussi", "320", "business", "Kemijärven Yrittäjät"),
    ("Kaisa", "583", "ngo", "Pelkosenniemen Nuorisoseura"), ("Lauri", "583", "officer", "Pelkosenniemen kunta"),
    ("Maija", "583", "parish", "Pelkosenniemen seurakunta"), ("Niko", "583", "resident", None),
    ("Oona", "614", "ngo", "Posion Kyläyhdistys"), ("Pekka", "614", "officer", "Posion kunta"),
    ("Riikka", "614", "elected", None), ("Sami", "614", "ngo", "Posion Latu"),
    ("Tiina", "732", "ngo", "Sallan Eläkkeensaajat"), ("Urho", "732", "officer", "Sallan kunta"),
    ("Venla", "732", "business", "Sallatunturin Matkailu"), ("Ville", "732", "resident", None),
    ("Anni", "742", "ngo", "Savukosken Metsästysseura"), ("Heikki", "742", "officer", "Savukosken kunta"),
    ("Liisa", "742", "parish", "Savukosken seurakunta"), ("Matti", "742", "ngo", "Savukosken VPK"),
]

NOTES = [
    "Yhteinen vapaaehtoisrekisteri kaikille kunnille", "Digituki-ilta kirjastossa kerran kuussa",
    "Järjestöjen yhteinen tapahtumakalenteri verkkoon", "Kunnan tilat maksutta järjestöjen käyttöön",
    "Nuorten oma vaikuttamisryhmä", "Kimppakyydit tapahtumiin kylistä", "Vertaismentorit uusille hallituksille",
    "Avustushakuihin yhteinen työpaja keväällä", "Koordinaattori verkostolle hankerahalla",
    "Kylätalot etäyhteyksillä varustetuiksi", "Seurakunnan ja järjestöjen yhteiset kesätapahtumat",
    "Somekoulutus yhdistysten tiedottajille", "Yhteinen viestintäkanava kuntarajojen yli",
    "Ikäihmisten digikummit kouluista", "Elinvoimapaja kahdesti vuodessa", "Järjestöinfo kunnan nettisivuille",
]

WORDS = ["yhteisöllisyys", "yhteistyö", "kylät", "nuoret", "luonto", "yhteistyö", "talkoot", "yhteisöllisyys",
         "palvelut", "yhteistyö", "elinvoimaisuus", "kulttuuri", "yhteisöllisyys", "vapaaehtoisuus"]

PLANS = {
    "320": [("Kokoamme järjestöjen tapahtumat yhteiseen kalenteriin", "Kemijärven kaupunki", "maaliskuu 2027")],
    "583": [("Avaamme kunnantalon kokoushuoneen järjestöille maksutta", "Pelkosenniemen kunta", "tammikuu 2027")],
    "614": [("Digituki-ilta kirjastossa kerran kuussa", "Posion Kyläyhdistys", "helmikuu 2027")],
    "732": [("Kimppakyytiringit kylistä tapahtumiin", "Sallan Eläkkeensaajat", "kevät 2027")],
    "742": [("Vapaaehtoisrekisteri yhdessä VPK:n kanssa", "Savukosken VPK", "kesäkuu 2027")],
}

FEEDBACK = [
    ("5", "Ryhmätyö oli antoisaa", "yes"), ("4", "Tutustuin naapurikuntien toimijoihin", "yes"),
    ("5", "Kuntien suunnitelmat", "yes"), ("3", "Äänestys toimi hyvin", "maybe"),
    ("4", "Verkosto-ajatus", "yes"), ("5", "Konkreettiset toimet", "yes"), ("4", None, "maybe"),
    ("2", "Enemmän aikaa keskustelulle", "no"), ("4", "Hyvä fasilitointi", "yes"),
]

CARS = [("Sallan kimppakyyti", 4, 96, "732"), ("Savukosken VPK:n pakettiauto", 6, 84, "742"),
        ("Posion Latu", 3, 110, "614"), ("Pelkosenniemen nuoret", 2, 38, "583")]
GOOD_DEEDS = [("Savukosken VPK", "Järjesti kyläläisille ensiapukurssin ja lainasi kalustoa kesätapahtumiin.", "742"),
              ("Kemijärven Martat", "Kokkasivat joka viikko kotiin jäävien ikäihmisten kanssa.", "320"),
              ("Posion Kyläyhdistys", "Avasivat kylätalon etätyöpisteeksi kaikille.", "614")]


PANEL_QUESTIONS = [
    "Miten kunnat voisivat jakaa tiloja järjestöjen kanssa?",
    "Saako järjestö avustusta myös naapurikunnasta?",
    "Kuka kunnassa on järjestöjen yhteyshenkilö?",
    "Voisiko kuljetuksia sopia yhdessä kuntien kesken?",
]


def _facilitator(db, password: str) -> Facilitator:
    """The one demo facilitator: made the first time, its password renewed each time."""
    fac = db.scalar(select(Facilitator).where(Facilitator.email == DEMO_EMAIL))
    if fac is None:
        return create_facilitator(db, DEMO_EMAIL, "Demo Fasilitaattori", password)
    fac.password_hash = hash_password(password)
    db.commit()
    return fac


def _group_round(db, session, strategy: str, notes: list[str], seed: int) -> None:
    """One round: groups published, questions given, notes written, everyone votes, top 3s decided."""
    round_ = rounds.create_round(db, session, RoundSettings(strategy, group_size=5), seed=seed)
    rounds.publish_round(db, session, round_)
    flipchart.change_phase(db, session, "groupwork")
    rounds.assign_questions(db, session, round_, "per_group")
    texts = iter(notes * 3)
    for group in round_.groups:
        for member in group.members[:3]:
            flipchart.add_note(db, session, member.participant, secrets.token_hex(8), next(texts))
    flipchart.open_voting(db, session, round_)
    for group in round_.groups:
        written = [n.id for n in flipchart.visible_notes(db, group)]
        for i, member in enumerate(group.members):
            for k in range(min(3, len(written))):
                flipchart.cast_vote(db, session, member.participant, written[(i + k) % len(written)], True)
    flipchart.close_voting(db, session, round_)
    for group in round_.groups:
        top = flipchart.top_three(db, group)
        if top.tied:
            flipchart.pick_tied(db, session, group, [n.id for n, _v in top.tied[:top.open_places]])
    flipchart.change_phase(db, session, "presentation")
    flipchart.step_presentation(db, session, round_, "overview")


def _sample_evening(db, fac: Facilitator, keep_open: bool):
    starts = (datetime.now() - timedelta(days=14)).replace(hour=17, minute=30, second=0, microsecond=0)
    session = sessions.create_session(db, fac.id, SessionSpec(starts_at=starts, **{**DEMO_SPEC,
                                                                                   "title": SAMPLE_TITLE}))
    registration.open_registration(db, session, closes_at=None, capacity=30)
    campaigns.configure(db, session, carpool=True, good_deed=True)
    for name, passengers, km, code in CARS:
        campaigns.report_carpool(db, session, name, passengers, km, code)
    for nominee, deed, code in GOOD_DEEDS:
        campaigns.nominate(db, session, nominee, deed, code)
    for i, (name, municipality, background, organisation) in enumerate(PEOPLE[:12]):
        registration.register(db, session, RegistrationData(
            name=f"{name} Esimerkki", municipality=municipality, background=background,
            email=f"{name.lower()}.{i}@example.invalid", organisation=organisation,
            diets=["vegan"] if i % 5 == 0 else []))
    people = []
    for name, municipality, background, organisation in PEOPLE:
        participant, _token = sessions.join(db, session, JoinData(
            municipality=municipality, background=background, first_name=name, organisation=organisation,
            names_consented=True))
        people.append(participant)

    sessions.set_phase(db, session, "info")
    poll = polls.create_poll(db, session, "choice", "Mikä on järjestönne suurin haaste?",
                             ["Uudet jäsenet", "Rahoitus", "Tilat", "Näkyvyys"])
    polls.open_poll(db, session, poll)
    for i, p in enumerate(people):
        polls.choose(db, session, poll, p, str((i * 7) % 4))
    polls.close_poll(db, session, poll)
    polls.reveal_poll(db, session, poll)  # hidden while the room answered, then shown
    cloud = polls.create_poll(db, session, "words", "Yksi sana: mitä elinvoima on sinulle?")
    polls.open_poll(db, session, cloud)
    for p, word in zip(people, WORDS, strict=False):
        polls.add_words(db, session, cloud, p, word)
    polls.close_poll(db, session, cloud)
    polls.reveal_poll(db, session, cloud)

    sessions.set_phase(db, session, "qa")
    asked = [qa.ask(db, session, people[i * 3], text) for i, text in enumerate(PANEL_QUESTIONS)]
    for i, p in enumerate(people):
        for k, question in enumerate(asked):
            if question.participant_id != p.id and (i + k) % (k + 2) == 0:
                qa.upvote(db, session, p, question.id)
    qa.moderate(db, session, asked[0].id, "answer")
    qa.reveal(db, session)  # hidden while the room voted, then shown

    _group_round(db, session, "mixed", NOTES[:8], seed=1)
    _group_round(db, session, "home", NOTES[8:], seed=2)

    sessions.set_phase(db, session, "plan")
    by_code = {p.municipality: p for p in people}
    for code, items in PLANS.items():
        for what, owner, due in items:
            plans.create_item(db, session, code, plans.clean_item({"what": what, "owner": owner, "due": due}),
                              by_code[code])
    sessions.set_phase(db, session, "feedback")
    for p, (overall, useful, again) in zip(people, FEEDBACK, strict=False):
        feedback.submit(db, session, {"overall": overall, "most_useful": useful, "come_again": again}, p)
    token = results.share(db, session)
    if not keep_open:
        sessions.close_session(db, session)
    return session, token


def create_demo(db, keep_open: bool = False) -> dict:
    """(Re)create the demo facilitator's sample evening and live workshop; returns what to print.
    `keep_open` leaves the sample evening open in its feedback phase (screenshots, projector tests)."""
    password = secrets.token_urlsafe(9)
    fac = _facilitator(db, password)
    for old in sessions.sessions_of(db, fac.id):
        if old.title in (SAMPLE_TITLE, DEMO_SPEC["title"]):
            results.delete_session(db, old)
    sample, results_token = _sample_evening(db, fac, keep_open)
    starts = (datetime.now() + timedelta(days=7)).replace(hour=17, minute=30, second=0, microsecond=0)
    live = sessions.create_session(db, fac.id, SessionSpec(starts_at=starts, **DEMO_SPEC))
    return {"title": live.title, "join_code": live.join_code, "email": DEMO_EMAIL, "password": password,
            "screen_token": live.screen_token, "session_id": live.id,
            "sample_id": sample.id, "sample_title": sample.title, "sample_screen_token": sample.screen_token,
            "sample_join_code": sample.join_code, "results_token": results_token}
