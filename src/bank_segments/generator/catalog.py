"""Vocabularies of the generated text: codes, merchants, counterparties, descriptions."""

from __future__ import annotations

import numpy as np

from bank_segments.generator import personas

# Codes outside the seed: valid rows the staging layer must keep and the marts must survive.
UNKNOWN_CODES = ("CHQ_DEPOSIT", "CRYPTO_BUY", "BIZUM_IN")
PURPOSES = ("SALA", "PENS", "SSBE", "BONU", "RENT", "LOAN", "SUPP")
CHANNELS = ("card", "online", "mobile", "branch", "atm", "api")
# Canonical forms first: index 0 credit, 1 debit; later entries are accepted variants.
DIRECTIONS = ("credit", "debit", "C", "D", " Credit ", "DEBIT", "c", "d")
STATUSES = ("booked", "pending", "reversed", " Booked", "PENDING ", "Reversed")
FIXED_NAMES = (
    *personas.EMPLOYERS,
    *personas.GIG_PAYERS,
    *personas.UTILITIES,
    "TESORERIA GENERAL SEGURIDAD SOCIAL",
    "Servicio Publico de Empleo",
    "Prestamos Banco",
    "Fund subscription",
    "Fund redemption",
    "Comunidad de Propietarios",
)
NAME_INDEX = {name: i for i, name in enumerate(FIXED_NAMES)}
PERSON_NAME_BASE = len(FIXED_NAMES)


def name_vocab() -> list[str]:
    """Counterparty names: institutions, then every first-name/last-name combination."""
    people = [f"{first} {last}" for first in personas.FIRST_NAMES for last in personas.LAST_NAMES]
    return [*FIXED_NAMES, *people]


def person_name_index(first: np.ndarray, last: np.ndarray) -> np.ndarray:
    return PERSON_NAME_BASE + np.asarray(first) * len(personas.LAST_NAMES) + np.asarray(last)


# mcc -> (weight among card purchases, median amount EUR, merchants)
MCC_PROFILE: dict[str, tuple[float, float, tuple[str, ...]]] = {
    "5411": (22, 38, ("MERCADONA", "CARREFOUR EXPRESS", "LIDL", "DIA %", "Pingo Doce")),
    "5499": (6, 12, ("SUPERCOR", "SPAR", "OPENCOR")),
    "5331": (2, 15, ("TIGER STORES", "ACTION")),
    "5441": (1, 8, ("CONFITERIA LA PALMA",)),
    "5812": (10, 32, ("RESTAURANTE CASA PEPE", "TAPAS 24", "VIPS", "Ristorante Roma")),
    "5814": (8, 11, ("MCDONALDS", "BURGER KING", "TELEPIZZA", "Starbucks")),
    "5541": (6, 55, ("REPSOL", "CEPSA", "GALP", "BP")),
    "4111": (5, 14, ("METRO DE MADRID", "RENFE CERCANIAS", "TMB BARCELONA")),
    "4121": (3, 16, ("UBER *TRIP", "CABIFY", "FREENOW")),
    "4131": (1, 6, ("ALSA", "AVANZA BUS")),
    "4511": (1, 180, ("IBERIA", "VUELING AIRLINES", "RYANAIR", "TAP AIR PORTUGAL")),
    "7011": (1, 160, ("BOOKING.COM", "NH HOTELS", "MELIA")),
    "4814": (2, 35, ("MOVISTAR", "VODAFONE ES", "ORANGE")),
    "4899": (3, 13, ("NETFLIX.COM", "SPOTIFY", "DISNEY PLUS", "HBO MAX")),
    "4900": (1, 70, ("IBERDROLA CLIENTES", "ENDESA ENERGIA")),
    "5200": (1, 60, ("LEROY MERLIN", "BRICOMART")),
    "5261": (0.3, 30, ("VERDECORA",)),
    "5311": (2, 65, ("EL CORTE INGLES", "GALERIES LAFAYETTE")),
    "5651": (3, 45, ("ZARA", "H&M", "PRIMARK", "MANGO")),
    "5691": (1, 70, ("MASSIMO DUTTI", "CORTEFIEL")),
    "5732": (1, 150, ("MEDIAMARKT", "FNAC", "APPLE STORE")),
    "5816": (1, 9, ("STEAM GAMES", "PLAYSTATION NETWORK")),
    "5912": (3, 18, ("FARMACIA CENTRAL", "FARMACIA LOPEZ")),
    "5921": (0.5, 20, ("LICORERIA EL TONEL",)),
    "5942": (0.7, 22, ("CASA DEL LIBRO", "FNAC LIBROS")),
    "5945": (0.6, 28, ("JUGUETTOS", "TOYS R US")),
    "5977": (1, 26, ("SEPHORA", "DRUNI")),
    "5999": (3, 25, ("AMAZON MKTPLACE", "ALIEXPRESS", "AMZN Mktp ES")),
    "6300": (0.5, 45, ("MAPFRE", "MUTUA MADRILENA")),
    "7230": (1, 25, ("PELUQUERIA MARISA", "BARBERIA 1920")),
    "7832": (1, 10, ("CINESA", "YELMO CINES")),
    "7997": (1, 40, ("BASIC FIT", "VIVAGYM", "DECATHLON CLUB")),
    "8011": (0.3, 60, ("CLINICA DENTAL SONRISA",)),
    "8062": (0.1, 120, ("HOSPITAL QUIRON",)),
    "8220": (0.3, 90, ("UNIVERSIDAD EUROPEA", "ACADEMIA INGLES")),
    "8351": (0.4, 150, ("ESCUELA INFANTIL PEQUES",)),
    "8398": (0.3, 15, ("CRUZ ROJA", "UNICEF ESPANA")),
    "5933": (0.4, 15, ("HUMANA SECOND HAND", "WALLAPOP")),
}
MERCHANT_VARIANTS = 3  # as written, title case with padding, lower case with leading space


def merchant_vocab(mccs: tuple[str, ...]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Merchant names with their variants, the first merchant index of each mcc and counts."""
    names: list[str] = []
    first = np.zeros(len(mccs), dtype=np.int32)
    count = np.zeros(len(mccs), dtype=np.int32)
    for i, mcc in enumerate(mccs):
        merchants = MCC_PROFILE.get(mcc, (0.2, 30, (f"MERCHANT {mcc}",)))[2]
        first[i] = len(names) // MERCHANT_VARIANTS
        count[i] = len(merchants)
        for merchant in merchants:
            names.extend([merchant, f"{merchant.title()}  ", f" {merchant.lower()}"])
    return names, first, count


def mcc_weights(mccs: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    weights = np.array([MCC_PROFILE.get(m, (0.2, 30, ()))[0] for m in mccs], dtype=float)
    medians = np.array([MCC_PROFILE.get(m, (0.2, 30, ()))[1] for m in mccs], dtype=float)
    return weights / weights.sum(), medians


DESCRIPTIONS = (
    "Salary payment",
    "Transfer received",
    "Transfer sent",
    "Card payment",
    "Cash withdrawal",
    "Direct debit",
    "Standing order",
    "Account fee",
    "Interest",
    "Loan payout",
    "Loan instalment",
    "Fund subscription",
    "Fund redemption",
    "Cash deposit",
    "Reversal",
    "Pension",
    "Benefit",
    "Transfer to own account",
    "Transfer from own account",
    "Rent",
)
DESC = {text: i for i, text in enumerate(DESCRIPTIONS)}
