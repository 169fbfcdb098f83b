"""Demo data: an Itä-Lappi elinvoimapaja with realistic Finnish content."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from workshop.accounts.service import create_facilitator
from workshop.models import Facilitator
from workshop.sessions import service as sessions
from workshop.sessions.service import SessionSpec, ThemeSpec

DEMO_EMAIL = "demo@paja.invalid"

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


def create_demo(db) -> dict:
    """Create (or reuse) the demo facilitator and a fresh demo session."""
    password = secrets.token_urlsafe(9)
    fac = db.scalar(select(Facilitator).where(Facilitator.email == DEMO_EMAIL))
    if fac is None:
        fac = create_facilitator(db, DEMO_EMAIL, "Demo Fasilitaattori", password)
    else:
        from workshop.accounts.service import hash_password
        fac.password_hash = hash_password(password)
        db.commit()
    starts = (datetime.now() + timedelta(days=7)).replace(hour=17, minute=30, second=0, microsecond=0)
    spec = SessionSpec(starts_at=starts, **DEMO_SPEC)
    session = sessions.create_session(db, fac.id, spec)
    return {"title": session.title, "join_code": session.join_code, "email": DEMO_EMAIL,
            "password": password, "screen_token": session.screen_token, "session_id": session.id}
