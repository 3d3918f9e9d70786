"""Password strength: the rule every password set through the application obeys.

Source: CNIL, délibération n° 2022-100 du 21 juillet 2022 portant adoption d'une
recommandation relative aux mots de passe et autres secrets partagés (JO du 16 octobre 2022).

- "Cas n° 1 : mot de passe seul": a password that protects an account on its own must have
  at least 80 bits of entropy. The CNIL measures it as its own calculator does: length ×
  log2(size of the alphabet the password draws from), the alphabet being the sum of the
  character classes used (26 lower-case letters, 26 capitals, 10 digits, 37 special
  characters, 100 for any other character such as accented letters). Its examples reach it
  with 12 characters of the four classes, 14 characters of letters and digits, or a
  pass-phrase of 7 words. DPO Desk locks a user name after repeated failures (Cas n° 2 would
  allow 50 bits), but its accounts reach personal data of every kind: it keeps Cas n° 1.
- The recommendation also asks that a password be checked against lists of compromised
  passwords and not derive from information about the person ("devinabilité", and the
  responsible's duty to refuse passwords based on public information such as names): a
  shipped list of common and breached passwords (models/data/common_passwords.txt, from
  zxcvbn's frequency list, plus the passwords this application ever published, the demo
  password first), the user's own name, and a maintained estimator (zxcvbn) that must rate
  the password "very unguessable" (score 4, more than 10^10 guesses).

Pure rule: `problems(password, username, full_name)` returns catalogue keys, empty when the
password is acceptable. No streamlit, no database.
"""

import math
import string
from functools import lru_cache
from pathlib import Path

from zxcvbn import zxcvbn

MIN_ENTROPY_BITS = 80  # Cas n° 1
MAX_LENGTH = 200
MIN_ZXCVBN_SCORE = 4
COMMON_PASSWORDS = Path(__file__).resolve().parent / "data" / "common_passwords.txt"
APP_WORDS = ("dpo", "desk", "dpodesk", "medicis", "médicis")  # the product and demo organisation

# The CNIL calculator's classes: https://www.cnil.fr/fr/verifier-mots-de-passe (37 special characters).
_SPECIAL = set(string.punctuation) | {" ", "€", "£", "§", "°"}
_CLASSES = ((set(string.ascii_lowercase), 26), (set(string.ascii_uppercase), 26), (set(string.digits), 10),
            (_SPECIAL, 37))
_OTHER = 100


def entropy_bits(password: str) -> float:
    """Entropy as the CNIL counts it: length × log2(alphabet of the classes used)."""
    if not password:
        return 0.0
    alphabet = sum(size for chars, size in _CLASSES if any(c in chars for c in password))
    if any(not any(c in chars for chars, _ in _CLASSES) for c in password):
        alphabet += _OTHER
    return len(password) * math.log2(alphabet)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _personal_words(username: str, full_name: str) -> list[str]:
    words = [username.lower(), *username.lower().replace("-", ".").replace("_", ".").split(".")]
    words += full_name.lower().split()
    return [w for w in dict.fromkeys(words) if len(w) >= 3]


def problems(password: str, username: str = "", full_name: str = "") -> list[str]:
    """Catalogue keys of what is wrong with this password (empty list: acceptable)."""
    if not password or not password.strip():
        return ["password.blank"]
    if len(password) > MAX_LENGTH:
        return ["password.too_long"]
    found = []
    lowered = password.lower()
    if round(entropy_bits(password)) < MIN_ENTROPY_BITS:
        found.append("password.too_weak")
    if lowered in common_passwords() or lowered.strip() in common_passwords():
        found.append("password.common")
    if any(word in lowered for word in _personal_words(username, full_name)):
        found.append("password.personal")
    if not found:
        score = zxcvbn(password[:100], user_inputs=[*_personal_words(username, full_name), *APP_WORDS])["score"]
        if score < MIN_ZXCVBN_SCORE:
            found.append("password.guessable")
    return found
