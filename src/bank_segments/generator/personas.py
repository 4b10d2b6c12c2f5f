"""Personas of the demo bank and the behaviour parameters behind each of them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Persona:
    name: str
    share: float
    age: tuple[int, int]
    p_salaried: float
    salary_median: float  # EUR a month
    card_rate: float  # card purchases a month
    spend_ratio: float  # outflow as a share of income
    p_savings: float
    deposit_rate: float  # probability of a savings deposit in a month
    p_invest: float
    p_credit_card: float
    p_loan: float
    p_mortgage: float
    origin_weights: tuple[float, float, float]  # digital_client, digital_user, offline_client


PERSONAS: tuple[Persona, ...] = (
    Persona("salaried_saver", 0.19, (26, 64), 1.0, 2300, 2, 0.72, 1.0, 0.85, 0.1, 0.2, 0.1, 0.1,
            (0.45, 0.35, 0.20)),
    Persona("investor", 0.06, (30, 70), 1.0, 3800, 2, 0.62, 0.95, 0.8, 1.0, 0.4, 0.05, 0.15,
            (0.6, 0.3, 0.1)),
    Persona("student", 0.08, (18, 25), 0.15, 900, 3, 0.93, 0.3, 0.3, 0.02, 0.05, 0.02, 0.0,
            (0.8, 0.18, 0.02)),
    Persona("pensioner", 0.10, (66, 92), 0.0, 0, 1.3, 0.8, 0.7, 0.5, 0.05, 0.1, 0.02, 0.02,
            (0.1, 0.3, 0.6)),
    Persona("gig_worker", 0.07, (21, 55), 0.0, 0, 2.3, 0.95, 0.3, 0.3, 0.02, 0.1, 0.1, 0.0,
            (0.6, 0.3, 0.1)),
    Persona("family", 0.13, (30, 55), 1.0, 2600, 3.2, 0.88, 0.7, 0.5, 0.05, 0.3, 0.3, 0.4,
            (0.4, 0.4, 0.2)),
    Persona("heavy_spender", 0.08, (24, 60), 1.0, 3200, 9, 1.0, 0.2, 0.2, 0.05, 0.9, 0.3, 0.1,
            (0.55, 0.35, 0.1)),
    Persona("everyday", 0.11, (20, 70), 0.9, 1900, 2, 0.9, 0.4, 0.4, 0.03, 0.2, 0.15, 0.1,
            (0.4, 0.35, 0.25)),
    Persona("dormant", 0.05, (25, 80), 0.5, 1800, 1, 0.9, 0.3, 0.3, 0.0, 0.05, 0.0, 0.0,
            (0.3, 0.3, 0.4)),
    Persona("churning", 0.05, (22, 70), 0.8, 2000, 2, 0.95, 0.3, 0.3, 0.02, 0.1, 0.05, 0.0,
            (0.4, 0.35, 0.25)),
    Persona("prospect", 0.08, (18, 70), 0.0, 0, 0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
            (1.0, 0.0, 0.0)),
)  # fmt: skip

NAMES = tuple(p.name for p in PERSONAS)
SHARES = np.array([p.share for p in PERSONAS]) / sum(p.share for p in PERSONAS)
INDEX = {p.name: i for i, p in enumerate(PERSONAS)}


def column(attribute: str) -> np.ndarray:
    """One persona attribute as an array indexed by persona number."""
    return np.array([getattr(p, attribute) for p in PERSONAS], dtype=float)


COUNTRIES = ("ES", "PT", "FR", "DE", "IT")
COUNTRY_WEIGHTS = np.array([0.6, 0.1, 0.1, 0.1, 0.1])
CALLING_CODE = {"ES": "34", "PT": "351", "FR": "33", "DE": "49", "IT": "39"}

FIRST_NAMES = (
    "Lucia", "Hugo", "Martina", "Mateo", "Sofia", "Leo", "Julia", "Daniel", "Paula", "Alvaro",
    "Ines", "Joao", "Beatriz", "Tiago", "Camille", "Louis", "Chloe", "Jules", "Emma", "Lukas",
    "Mia", "Felix", "Giulia", "Marco", "Chiara", "Luca", "Elena", "Pablo", "Carmen", "Javier",
    "Ana", "Miguel", "Laura", "David", "Marta", "Sergio", "Noa", "Adrian", "Irene", "Diego",
)  # fmt: skip
LAST_NAMES = (
    "Garcia", "Fernandez", "Gonzalez", "Rodriguez", "Lopez", "Martinez", "Sanchez", "Perez",
    "Gomez", "Martin", "Jimenez", "Ruiz", "Hernandez", "Diaz", "Moreno", "Silva", "Santos",
    "Ferreira", "Pereira", "Dubois", "Lefevre", "Moreau", "Muller", "Schmidt", "Schneider",
    "Rossi", "Russo", "Bianchi", "Romano", "Navarro", "Torres", "Dominguez", "Vazquez", "Ramos",
)  # fmt: skip
OCCUPATIONS = {
    "salaried_saver": ("Nurse", "Engineer", "Teacher", "Accountant", "Civil servant", "Analyst"),
    "investor": ("Doctor", "Lawyer", "Manager", "Architect", "Consultant", "Business owner"),
    "student": ("Student",),
    "pensioner": ("Retired",),
    "gig_worker": ("Courier", "Freelancer", "Driver", "Designer"),
    "family": ("Teacher", "Technician", "Sales", "Nurse", "Civil servant", "Electrician"),
    "heavy_spender": ("Manager", "Sales", "Marketing", "Consultant", "Pilot"),
    "everyday": ("Clerk", "Cook", "Shop assistant", "Mechanic", "Receptionist", "Warehouse"),
    "dormant": ("Clerk", "Retired", "Technician"),
    "churning": ("Clerk", "Engineer", "Sales", "Waiter"),
    "prospect": ("Student",),
}
EMPLOYERS = (
    "ACME LOGISTICS SL", "Hospital Universitario del Norte", "Ayuntamiento de Madrid",
    "TELEFONICA DE ESPANA SAU", "Iberdrola Clientes", "Mercadona SA", "Inditex SA",
    "Universidad Complutense", "EDP Portugal", "Auchan Retail", "Siemens AG", "Enel Italia",
    "BBVA Tech SL", "Banco Servicios SA", "Ministerio de Educacion", "Clinica Sant Pau",
)  # fmt: skip
GIG_PAYERS = ("GLOVO APP23 SL", "UBER BV", "DELIVEROO ES", "CABIFY ESPANA", "FIVERR INTL",
              "UPWORK GLOBAL", "WALLAPOP SL", "AIRBNB PAYMENTS")  # fmt: skip
UTILITIES = ("IBERDROLA", "NATURGY", "CANAL DE ISABEL II", "MOVISTAR", "VODAFONE", "MAPFRE SEGUROS")
EMAIL_DOMAINS = ("gmail.com", "hotmail.com", "yahoo.es", "outlook.com", "icloud.com", "proton.me")
