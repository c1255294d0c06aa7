"""One person, however they write themselves: the forms of an e-mail address
or a postal address that reach the same mailbox or door compare equal. Every
fraud rule, the own-address check and "first referrer wins" compare these
keys, never the raw text (a `+promo` tag or "St." for "Street" must not make a
customer their own friend)."""

import re

from odoo.tools import email_normalize

# Mail providers that ignore dots in the local part (and their other domains).
DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}
# Street words and their abbreviations, to one form.
STREET_WORDS = {
    "st": "street",
    "str": "street",
    "rd": "road",
    "ave": "avenue",
    "av": "avenue",
    "blvd": "boulevard",
    "dr": "drive",
    "ln": "lane",
    "ct": "court",
    "pl": "place",
    "sq": "square",
    "hwy": "highway",
    "pkwy": "parkway",
    "apt": "apartment",
    "ste": "suite",
    "fl": "floor",
    "n": "north",
    "s": "south",
    "e": "east",
    "w": "west",
}


def email_key(email):
    """The mailbox an address reaches: lower case, no `+tag`, no dots where
    the provider ignores them. False for no valid address."""
    normalized = email_normalize(email or "")
    if not normalized:
        return False
    local, _at, domain = normalized.rpartition("@")
    local = local.split("+", 1)[0]
    if domain in DOTLESS_DOMAINS:
        local, domain = local.replace(".", ""), DOTLESS_DOMAINS[domain]
    return f"{local}@{domain}" if local else False


def address_key(street, street2=None, zip_code=None, city=None):
    """The door an address reaches: words in lower case, abbreviations spelt
    out, punctuation and spacing ignored. None without a street."""
    if not (street or "").strip():
        return None

    def words(text):
        return "".join(
            STREET_WORDS.get(word, word) for word in re.findall(r"\w+", (text or "").lower())
        )

    return (words(street), words(street2), words(zip_code), words(city))


def partner_address_key(partner):
    return address_key(partner.street, partner.street2, partner.zip, partner.city)
